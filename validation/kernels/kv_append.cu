// KV append with quantisation into pages (host mirror: validation/cpu/mirror.h quantise_row).
// One warp per (token, head, K or V) row; lane j of an iteration holds value 32 i + j, so an int4
// group of 32 values is one warp: its min and max are warp reductions, and neighbouring lanes
// pack their nibbles into one byte. The destination row comes from the token's pool slot.

#include "kernels.h"

namespace kvbench::cuda {
namespace {

constexpr int kThreads = 128;

__global__ void __launch_bounds__(kThreads)
    append_kernel(AppendShape s, const uint16_t* k_in, const uint16_t* v_in, const int32_t* slots,
                  KvCache k, KvCache v, int64_t rows) {
  const int64_t w = (blockIdx.x * int64_t{kThreads} + threadIdx.x) / 32;
  const int32_t lane = threadIdx.x % 32;
  if (w >= rows) return;  // whole warps leave together
  const int32_t caches = s.caches(), heads = s.cache_heads();
  const int32_t which = static_cast<int32_t>(w % caches);
  const int64_t h = (w / caches) % heads, token = w / (int64_t{caches} * heads);
  const KvCache& c = which == 0 ? k : v;
  const uint16_t* in = (which == 0 ? k_in : v_in) + (token * heads + h) * c.geom.dim;
  const int64_t row = c.row(slots[token], h);
  uint8_t* data = c.data + row * c.geom.data_bytes();
  for (int32_t base = 0; base < c.geom.dim; base += 32) {
    const uint16_t raw = in[base + lane];
    const float x = bf16_to_f32(raw);
    if (c.geom.dtype == KvDtype::bf16) {
      reinterpret_cast<uint16_t*>(data)[base + lane] = raw;
    } else if (c.geom.dtype == KvDtype::fp8) {
      data[base + lane] = f32_to_e4m3(x / c.tensor_scale);
    } else {
      float lo = x, hi = x;
      for (int off = 16; off > 0; off /= 2) {
        lo = fminf(lo, __shfl_xor_sync(0xffffffffu, lo, off));
        hi = fmaxf(hi, __shfl_xor_sync(0xffffffffu, hi, off));
      }
      const Int4Group g = int4_group_params(lo, hi);
      const uint32_t q = int4_quantise(x, g);
      const uint32_t next = __shfl_down_sync(0xffffffffu, q, 1);
      if ((lane & 1) == 0) data[(base + lane) / 2] = static_cast<uint8_t>(q | (next << 4));
      if (lane == 0) c.scales[row * c.geom.groups() + base / kInt4Group] = g;
    }
  }
}

}  // namespace

void kv_append(const AppendShape& s, const uint16_t* k_in, const uint16_t* v_in,
               const int32_t* slots, const KvCache& k, const KvCache& v, cudaStream_t stream) {
  const int64_t rows = int64_t{s.tokens} * s.cache_heads() * s.caches();
  const int64_t blocks = (rows * 32 + kThreads - 1) / kThreads;
  append_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(s, k_in, v_in, slots, k, v,
                                                                        rows);
  KVB_CHECK_LAUNCH();
}

}  // namespace kvbench::cuda
