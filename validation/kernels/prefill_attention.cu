// Prefill attention, FlashAttention-style (common/attention.h; host mirror in
// validation/cpu/mirror.h). One CTA per (query tile of 64 rows, query head, sequence); four warps
// own 16 rows each. K/V tiles of 64 tokens are staged with cp.async; each warp computes its
// S = Q K^T block, the online softmax of its rows, and O += P V on tensor cores (WMMA, bf16 in,
// fp32 accumulate). Tiles wholly above a warp's causal diagonal are skipped.

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
constexpr int kWarps = 4;
constexpr int kQ = kPrefillQTile;
constexpr int kKv = kPrefillKvTile;
static_assert(kQ == 16 * kWarps, "each warp owns 16 query rows");

struct Smem {
  int32_t ld, lds, ldp, ldo;
  int32_t q, k, v, s, p, o, m, l, alpha, total;
};

Smem layout(int32_t d) {
  Smem L{};
  L.ld = d + 8;
  L.lds = kKv + 4;
  L.ldp = kKv + 8;
  L.ldo = d + 4;
  SmemCarver smem;
  auto take = [&smem](int64_t bytes) { return smem.take(bytes); };
  L.q = take(int64_t{kQ} * L.ld * 2);
  L.k = take(int64_t{kKv} * L.ld * 2);
  L.v = take(int64_t{kKv} * L.ld * 2);
  L.s = take(int64_t{kQ} * L.lds * 4);
  L.p = take(int64_t{kQ} * L.ldp * 2);
  L.o = take(int64_t{kQ} * L.ldo * 4);
  L.m = take(kQ * 4);
  L.l = take(kQ * 4);
  L.alpha = take(kQ * 4);
  L.total = smem.total();
  return L;
}

// Copies rows [t0, t0 + n) of head `h` of x ([batch][len][heads][d]) into shared rows of `ld`
// elements; zero-fills the rest of the tile's `rows`.
__device__ void async_tile(const uint16_t* x, int64_t b, int32_t len, int32_t heads, int64_t h,
                           int32_t d, int32_t t0, int32_t n, int32_t rows, uint16_t* dst,
                           int32_t ld) {
  const int32_t parts = d / 8;
  for (int32_t i = threadIdx.x; i < rows * parts; i += kThreads) {
    const int32_t j = i / parts, part = i % parts;
    uint16_t* to = dst + j * ld + part * 8;
    if (j < n) {
      __pipeline_memcpy_async(to, x + (((b * len + t0 + j) * heads + h) * d + part * 8), 16);
    } else {
      *reinterpret_cast<uint4*>(to) = make_uint4(0, 0, 0, 0);
    }
  }
}

__global__ void __launch_bounds__(kThreads)
    prefill_kernel(PrefillShape s, Smem L, const uint16_t* q, const uint16_t* k, const uint16_t* v,
                   uint16_t* out) {
  extern __shared__ __align__(128) uint8_t smem[];
  const int32_t d = s.head_dim;
  const int32_t warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int32_t q0 = blockIdx.x * kQ;
  const int64_t h = blockIdx.y, b = blockIdx.z, hk = h / s.group();
  auto* qs = reinterpret_cast<uint16_t*>(smem + L.q);
  auto* ks = reinterpret_cast<uint16_t*>(smem + L.k);
  auto* vs = reinterpret_cast<uint16_t*>(smem + L.v);
  auto* ss = reinterpret_cast<float*>(smem + L.s) + warp * 16 * L.lds;
  auto* ps = reinterpret_cast<uint16_t*>(smem + L.p) + warp * 16 * L.ldp;
  auto* os = reinterpret_cast<float*>(smem + L.o);
  auto* ms = reinterpret_cast<float*>(smem + L.m);
  auto* ls = reinterpret_cast<float*>(smem + L.l);
  auto* as = reinterpret_cast<float*>(smem + L.alpha);

  const int32_t q_rows = static_cast<int32_t>(min64(kQ, s.q_len - q0));
  async_tile(q, b, s.q_len, s.q_heads, h, d, q0, q_rows, kQ, qs, L.ld);
  for (int32_t i = threadIdx.x; i < kQ * L.ldo; i += kThreads)
    os[i] = 0.0f;
  if (threadIdx.x < kQ) {
    ms[threadIdx.x] = neg_inf();
    ls[threadIdx.x] = 0.0f;
  }
  const int32_t w0 = q0 + warp * 16;  // the warp's first query row
  const int32_t w_rows = static_cast<int32_t>(max64(0, min64(16, s.q_len - w0)));
  const float scale = softmax_scale(d);
  const int32_t tiles = prefill_kv_tiles(s, q0);

  for (int32_t tile = 0; tile < tiles; ++tile) {
    const int32_t t0 = tile * kKv;
    const int32_t n = static_cast<int32_t>(min64(kKv, s.kv_len - t0));
    __syncthreads();  // the previous tile is consumed
    async_tile(k, b, s.kv_len, s.kv_heads, hk, d, t0, n, kKv, ks, L.ld);
    async_tile(v, b, s.kv_len, s.kv_heads, hk, d, t0, n, kKv, vs, L.ld);
    __pipeline_commit();
    __pipeline_wait_prior(0);
    __syncthreads();
    if (w_rows == 0 || t0 >= s.visible(w0 + w_rows - 1)) continue;  // above the diagonal

    for (int32_t cb = 0; cb < kKv / 16; ++cb) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.0f);
      for (int32_t kk = 0; kk < d; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::col_major> fb;
        wmma::load_matrix_sync(fa, reinterpret_cast<const bf16*>(qs + warp * 16 * L.ld + kk), L.ld);
        wmma::load_matrix_sync(fb, reinterpret_cast<const bf16*>(ks + cb * 16 * L.ld + kk), L.ld);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(ss + cb * 16, acc, L.lds, wmma::mem_row_major);
    }
    __syncwarp();

    for (int32_t r = 0; r < 16; ++r) {
      const int32_t row = warp * 16 + r;  // within the CTA
      float p0 = 0.0f, p1 = 0.0f, alpha = 1.0f;
      if (r < w_rows) {
        const int32_t limit = s.visible(w0 + r) - t0;  // columns < limit are visible
        const float v0 = lane < limit && lane < n ? ss[r * L.lds + lane] * scale : neg_inf();
        const float v1 =
            lane + 32 < limit && lane + 32 < n ? ss[r * L.lds + lane + 32] * scale : neg_inf();
        const float tmax = warp_max(fmaxf(v0, v1));
        if (tmax != neg_inf()) {  // else the row sees nothing of this tile: unchanged
          float m = ms[row];
          alpha = softmax_rescale(m, tmax);
          p0 = v0 == neg_inf() ? 0.0f : round_bf16(expf(v0 - m));
          p1 = v1 == neg_inf() ? 0.0f : round_bf16(expf(v1 - m));
          const float sum = warp_sum(p0 + p1);
          if (lane == 0) {
            ms[row] = m;
            ls[row] = ls[row] * alpha + sum;
          }
        }
      }
      ps[r * L.ldp + lane] = f32_to_bf16(p0);
      ps[r * L.ldp + lane + 32] = f32_to_bf16(p1);
      if (lane == 0) as[row] = alpha;
    }
    __syncwarp();
    for (int32_t i = lane; i < 16 * d; i += 32)
      os[(warp * 16 + i / d) * L.ldo + i % d] *= as[warp * 16 + i / d];
    __syncwarp();

    for (int32_t cb = 0; cb < d / 16; ++cb) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      float* o_block = os + warp * 16 * L.ldo + cb * 16;
      wmma::load_matrix_sync(acc, o_block, L.ldo, wmma::mem_row_major);
      for (int32_t kk = 0; kk < kKv; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, bf16, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, bf16, wmma::row_major> fb;
        wmma::load_matrix_sync(fa, reinterpret_cast<const bf16*>(ps + kk), L.ldp);
        wmma::load_matrix_sync(fb, reinterpret_cast<const bf16*>(vs + kk * L.ld + cb * 16), L.ld);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(o_block, acc, L.ldo, wmma::mem_row_major);
    }
  }
  __syncthreads();
  for (int32_t i = threadIdx.x; i < q_rows * d; i += kThreads) {
    const int32_t r = i / d, x = i % d;
    out[((b * s.q_len + q0 + r) * s.q_heads + h) * d + x] = f32_to_bf16(os[r * L.ldo + x] / ls[r]);
  }
}

}  // namespace

bool prefill_supported(const PrefillShape& s) {
  return (s.head_dim == 64 || s.head_dim == 128 || s.head_dim == 256) && s.kv_len >= s.q_len &&
         s.q_heads % s.kv_heads == 0;
}

void prefill_attention(const PrefillShape& s, const uint16_t* q, const uint16_t* k,
                       const uint16_t* v, uint16_t* out, cudaStream_t stream) {
  const Smem L = layout(s.head_dim);
  static int32_t current = 48 * 1024;
  if (L.total > current) {
    KVB_CHECK(
        cudaFuncSetAttribute(prefill_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, L.total));
    current = L.total;
  }
  const dim3 grid(static_cast<unsigned>(ceil_div(s.q_len, kQ)), static_cast<unsigned>(s.q_heads),
                  static_cast<unsigned>(s.batch));
  prefill_kernel<<<grid, kThreads, L.total, stream>>>(s, L, q, k, v, out);
  KVB_CHECK_LAUNCH();
}

}  // namespace kvbench::cuda
