// Decode attention over a contiguous or paged KV cache (common/attention.h describes the
// algorithm; validation/cpu/mirror.h runs the same steps on the host for the no-GPU tests).
// Tensor cores through WMMA (bf16 in, fp32 accumulate); tiles staged with cp.async so a whole
// tile's rows are in flight at once; fp8 and int4 rows are staged raw, then dequantised to bf16
// in shared memory.

#include <cuda_bf16.h>
#include <cuda_pipeline.h>
#include <mma.h>

#include "kernels.h"
#include "warp.cuh"

namespace kvbench::cuda {
namespace {

using namespace nvcuda;
using bf16 = __nv_bfloat16;
constexpr int kThreads = 128;
constexpr int kWarps = kThreads / 32;

// Shared-memory plan of one CTA: byte offsets; leading dimensions in elements.
struct Smem {
  int32_t ldq, ldk, ldv, lds, ldp, ldo;
  int32_t q, k, v, raw_k, raw_ks, raw_v, raw_vs, s, p, o, m, l, alpha, total;
};

Smem layout(const DecodeShape& s, int32_t tile) {
  Smem L{};
  const int32_t dk = s.dk(), dv = s.dv();
  L.ldq = L.ldk = dk + 8;
  L.ldv = s.mla() ? L.ldk : dv + 8;
  L.lds = tile + 4;
  L.ldp = tile + 8;
  L.ldo = dv + 4;
  SmemCarver smem;
  auto take = [&smem](int64_t bytes) { return smem.take(bytes); };
  L.q = take(int64_t{16} * L.ldq * 2);
  L.k = take(int64_t{tile} * L.ldk * 2);
  L.v = s.mla() ? L.k : take(int64_t{tile} * L.ldv * 2);
  if (s.dtype != KvDtype::bf16) {
    const KvGeom gk{s.dtype, dk}, gv{s.dtype, dv};
    L.raw_k = take(tile * gk.data_bytes());
    L.raw_ks = take(tile * gk.scale_bytes());
    if (!s.mla()) {
      L.raw_v = take(tile * gv.data_bytes());
      L.raw_vs = take(tile * gv.scale_bytes());
    }
  }
  L.s = take(int64_t{16} * L.lds * 4);
  L.p = take(int64_t{16} * L.ldp * 2);
  L.o = take(int64_t{16} * L.ldo * 4);
  L.m = take(64);
  L.l = take(64);
  L.alpha = take(64);
  L.total = smem.total();
  return L;
}

// Issues cp.async copies of `row_bytes` of each of the tile's first n rows (from `base`, rows of
// `row_bytes`) into shared rows of `pitch` bytes; zero-fills rows n..tile-1.
template <int Chunk>
__device__ void async_rows(const uint8_t* base, int64_t row_bytes, uint8_t* dst, int32_t pitch,
                           KvCache c, KvPaging pg, int64_t b, int64_t h, int32_t t0, int32_t n,
                           int32_t tile) {
  const int32_t per_row = static_cast<int32_t>(row_bytes / Chunk);
  for (int32_t i = threadIdx.x; i < tile * per_row; i += kThreads) {
    const int32_t j = i / per_row, part = i % per_row;
    uint8_t* d = dst + j * pitch + part * Chunk;
    if (j < n) {
      const int64_t row = c.row(pg.slot(b, t0 + j), h);
      __pipeline_memcpy_async(d, base + row * row_bytes + part * Chunk, Chunk);
    } else if (Chunk == 16) {
      *reinterpret_cast<uint4*>(d) = make_uint4(0, 0, 0, 0);
    } else {
      *reinterpret_cast<uint32_t*>(d) = 0;
    }
  }
}

// Dequantises staged fp8/int4 rows to bf16 rows of `ld` elements, 8 values per step.
__device__ void dequant_rows(const KvGeom& g, const uint8_t* raw, const Int4Group* scales,
                             float tensor_scale, uint16_t* dst, int32_t ld, int32_t n,
                             int32_t tile) {
  const int32_t per_row = g.dim / 8;
  for (int32_t i = threadIdx.x; i < tile * per_row; i += kThreads) {
    const int32_t j = i / per_row, part = i % per_row;
    uint16_t v[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    if (j < n) {
      const uint8_t* r = raw + j * g.data_bytes();
      if (g.dtype == KvDtype::fp8) {
        const uint2 w = *reinterpret_cast<const uint2*>(r + part * 8);
#pragma unroll
        for (int e = 0; e < 8; ++e) {
          const uint32_t byte = ((e < 4 ? w.x : w.y) >> (8 * (e & 3))) & 0xffu;
          v[e] = f32_to_bf16(e4m3_to_f32(static_cast<uint8_t>(byte)) * tensor_scale);
        }
      } else {
        const uint32_t w = *reinterpret_cast<const uint32_t*>(r + part * 4);
        const Int4Group s = scales[j * g.groups() + part * 8 / kInt4Group];
        const float sc = f16_to_f32(s.scale_f16), z = f16_to_f32(s.zero_f16);
#pragma unroll
        for (int e = 0; e < 8; ++e)
          v[e] = f32_to_bf16(int4_dequantise((w >> (4 * e)) & 0xfu, sc, z));
      }
    }
    uint4 packed;
    packed.x = v[0] | (static_cast<uint32_t>(v[1]) << 16);
    packed.y = v[2] | (static_cast<uint32_t>(v[3]) << 16);
    packed.z = v[4] | (static_cast<uint32_t>(v[5]) << 16);
    packed.w = v[6] | (static_cast<uint32_t>(v[7]) << 16);
    *reinterpret_cast<uint4*>(dst + j * ld + part * 8) = packed;
  }
}

__global__ void __launch_bounds__(kThreads)
    decode_kernel(DecodeShape s, DecodePlan p, Smem L, DecodeArgs a) {
  extern __shared__ __align__(128) uint8_t smem[];
  const int32_t tile = p.tile_tokens, dk = s.dk(), dv = s.dv();
  const int32_t warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int64_t unit = blockIdx.x;
  const int32_t split = blockIdx.y;
  const int64_t chunk = unit % p.head_chunks;
  const int64_t h = (unit / p.head_chunks) % s.cache_heads();
  const int64_t b = unit / (int64_t{p.head_chunks} * s.cache_heads());
  const int32_t rows = static_cast<int32_t>(min64(kRowsPerCta, s.group() - chunk * kRowsPerCta));
  const int64_t first_head = h * s.group() + chunk * kRowsPerCta;

  auto* qs = reinterpret_cast<uint16_t*>(smem + L.q);
  auto* ks = reinterpret_cast<uint16_t*>(smem + L.k);
  auto* vs = reinterpret_cast<uint16_t*>(smem + L.v);
  auto* ss = reinterpret_cast<float*>(smem + L.s);
  auto* ps = reinterpret_cast<uint16_t*>(smem + L.p);
  auto* os = reinterpret_cast<float*>(smem + L.o);
  auto* ms = reinterpret_cast<float*>(smem + L.m);
  auto* ls = reinterpret_cast<float*>(smem + L.l);
  auto* as = reinterpret_cast<float*>(smem + L.alpha);

  // Q rows of the chunk (zero padding rows), zero O and P, empty softmax state.
  const int32_t q_parts = dk / 8;
  for (int32_t i = threadIdx.x; i < 16 * q_parts; i += kThreads) {
    const int32_t r = i / q_parts, part = i % q_parts;
    uint4 v = make_uint4(0, 0, 0, 0);
    if (r < rows)
      v = *reinterpret_cast<const uint4*>(a.q + ((b * s.q_heads + first_head + r) * dk + part * 8));
    *reinterpret_cast<uint4*>(qs + r * L.ldq + part * 8) = v;
  }
  for (int32_t i = threadIdx.x; i < 16 * L.ldo; i += kThreads)
    os[i] = 0.0f;
  for (int32_t i = threadIdx.x; i < 16 * L.ldp; i += kThreads)
    ps[i] = 0;
  if (threadIdx.x < 16) {
    ms[threadIdx.x] = neg_inf();
    ls[threadIdx.x] = 0.0f;
  }

  int32_t begin = 0, end = 0;
  split_bounds(s, p, split, begin, end);
  const float scale = softmax_scale(dk);
  const KvGeom gk{s.dtype, dk}, gv{s.dtype, dv};
  for (int32_t t0 = begin; t0 < end; t0 += tile) {
    const int32_t n = static_cast<int32_t>(min64(tile, end - t0));
    __syncthreads();  // the previous tile's K/V/P are consumed
    if (s.dtype == KvDtype::bf16) {
      async_rows<16>(a.k.data, gk.data_bytes(), smem + L.k, L.ldk * 2, a.k, a.paging, b, h, t0, n,
                     tile);
      if (!s.mla())
        async_rows<16>(a.v.data, gv.data_bytes(), smem + L.v, L.ldv * 2, a.v, a.paging, b, h, t0, n,
                       tile);
      __pipeline_commit();
      __pipeline_wait_prior(0);
      __syncthreads();
    } else {
      async_rows<16>(a.k.data, gk.data_bytes(), smem + L.raw_k, gk.data_bytes(), a.k, a.paging, b,
                     h, t0, n, tile);
      if (gk.groups() > 0)
        async_rows<4>(reinterpret_cast<const uint8_t*>(a.k.scales), gk.scale_bytes(),
                      smem + L.raw_ks, gk.scale_bytes(), a.k, a.paging, b, h, t0, n, tile);
      if (!s.mla()) {
        async_rows<16>(a.v.data, gv.data_bytes(), smem + L.raw_v, gv.data_bytes(), a.v, a.paging, b,
                       h, t0, n, tile);
        if (gv.groups() > 0)
          async_rows<4>(reinterpret_cast<const uint8_t*>(a.v.scales), gv.scale_bytes(),
                        smem + L.raw_vs, gv.scale_bytes(), a.v, a.paging, b, h, t0, n, tile);
      }
      __pipeline_commit();
      __pipeline_wait_prior(0);
      __syncthreads();
      dequant_rows(gk, smem + L.raw_k, reinterpret_cast<const Int4Group*>(smem + L.raw_ks),
                   a.k.tensor_scale, ks, L.ldk, n, tile);
      if (!s.mla())
        dequant_rows(gv, smem + L.raw_v, reinterpret_cast<const Int4Group*>(smem + L.raw_vs),
                     a.v.tensor_scale, vs, L.ldv, n, tile);
      __syncthreads();
    }

    // S = Q K^T (16 x tile, fp32).
    for (int32_t cb = warp; cb < tile / 16; cb += kWarps) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.0f);
      for (int32_t kk = 0; kk < dk; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> fb;
        wmma::load_matrix_sync(fa, reinterpret_cast<const bf16*>(qs + kk), L.ldq);
        wmma::load_matrix_sync(fb, reinterpret_cast<const bf16*>(ks + cb * 16 * L.ldk + kk), L.ldk);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(ss + cb * 16, acc, L.lds, wmma::mem_row_major);
    }
    __syncthreads();

    // Online softmax, one warp per query row; probabilities rounded to bf16 for the P V product.
    for (int32_t r = warp; r < rows; r += kWarps) {
      const int32_t j0 = lane, j1 = lane + 32;
      const float v0 = j0 < n ? ss[r * L.lds + j0] * scale : neg_inf();
      const float v1 = j1 < n ? ss[r * L.lds + j1] * scale : neg_inf();
      float m = ms[r];
      const float alpha = softmax_rescale(m, warp_max(fmaxf(v0, v1)));
      const float p0 = j0 < n ? round_bf16(expf(v0 - m)) : 0.0f;
      const float p1 = j1 < n ? round_bf16(expf(v1 - m)) : 0.0f;
      if (j0 < tile) ps[r * L.ldp + j0] = f32_to_bf16(p0);
      if (j1 < tile) ps[r * L.ldp + j1] = f32_to_bf16(p1);
      const float sum = warp_sum(p0 + p1);
      if (lane == 0) {
        ms[r] = m;
        ls[r] = ls[r] * alpha + sum;
        as[r] = alpha;
      }
    }
    __syncthreads();
    for (int32_t i = threadIdx.x; i < rows * dv; i += kThreads)
      os[(i / dv) * L.ldo + i % dv] *= as[i / dv];
    __syncthreads();

    // O += P V.
    for (int32_t cb = warp; cb < dv / 16; cb += kWarps) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::load_matrix_sync(acc, os + cb * 16, L.ldo, wmma::mem_row_major);
      for (int32_t kk = 0; kk < tile; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major> fb;
        wmma::load_matrix_sync(fa, reinterpret_cast<const bf16*>(ps + kk), L.ldp);
        wmma::load_matrix_sync(fb, reinterpret_cast<const bf16*>(vs + kk * L.ldv + cb * 16), L.ldv);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(os + cb * 16, acc, L.ldo, wmma::mem_row_major);
    }
  }
  __syncthreads();

  for (int32_t i = threadIdx.x; i < rows * dv; i += kThreads) {
    const int32_t r = i / dv, d = i % dv;
    const int64_t row = b * s.q_heads + first_head + r;
    if (p.splits == 1) {
      a.out[row * dv + d] = f32_to_bf16(os[r * L.ldo + d] / ls[r]);
    } else {
      a.part_o[(row * p.splits + split) * dv + d] = os[r * L.ldo + d];
    }
  }
  if (p.splits > 1 && threadIdx.x < rows) {
    const int64_t row = b * s.q_heads + first_head + threadIdx.x;
    a.part_ml[row * 2 * p.splits + split] = ms[threadIdx.x];
    a.part_ml[row * 2 * p.splits + p.splits + split] = ls[threadIdx.x];
  }
}

// One CTA per (sequence, query head): merges the splits (common/attention.h combine_value).
__global__ void combine_kernel(int32_t splits, int32_t dv, const float* part_o,
                               const float* part_ml, uint16_t* out) {
  const int64_t row = blockIdx.x;
  const float* m = part_ml + row * 2 * splits;
  for (int32_t d = threadIdx.x; d < dv; d += blockDim.x)
    out[row * dv + d] =
        f32_to_bf16(combine_value(m, m + splits, part_o + row * splits * dv, splits, dv, d));
}

void ensure_smem(int32_t bytes) {
  static int32_t current = 48 * 1024;
  if (bytes <= current) return;
  KVB_CHECK(
      cudaFuncSetAttribute(decode_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, bytes));
  current = bytes;
}

}  // namespace

size_t decode_smem_bytes(const DecodeShape& s, const DecodePlan& p) {
  if (s.dk() % 32 != 0 || s.dv() % 32 != 0 || s.dk() > 576 || s.q_heads % s.cache_heads() != 0)
    return 0;
  const Smem L = layout(s, p.tile_tokens);
  return L.total <= 227 * 1024 ? static_cast<size_t>(L.total) : 0;
}

int decode_ctas_per_sm(const DecodeShape& s, const DecodePlan& p) {
  const int32_t bytes = static_cast<int32_t>(decode_smem_bytes(s, p));
  if (bytes == 0) return 0;
  ensure_smem(bytes);
  int n = 0;
  KVB_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, decode_kernel, kThreads, bytes));
  return n;
}

void decode_attention(const DecodeShape& s, const DecodePlan& p, const DecodeArgs& a,
                      cudaStream_t stream) {
  const Smem L = layout(s, p.tile_tokens);
  ensure_smem(L.total);
  const int64_t units = int64_t{s.batch} * s.cache_heads() * p.head_chunks;
  decode_kernel<<<dim3(static_cast<unsigned>(units), static_cast<unsigned>(p.splits)), kThreads,
                  L.total, stream>>>(s, p, L, a);
  KVB_CHECK_LAUNCH();
  if (p.splits > 1) {
    combine_kernel<<<static_cast<unsigned>(int64_t{s.batch} * s.q_heads), 128, 0, stream>>>(
        p.splits, s.dv(), a.part_o, a.part_ml, a.out);
    KVB_CHECK_LAUNCH();
  }
}

}  // namespace kvbench::cuda
