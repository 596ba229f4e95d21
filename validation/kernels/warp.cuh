#pragma once
// Device helpers shared by the attention kernels: warp reductions and shared-memory carving.

#include <cstdint>

namespace kvbench::cuda {

__device__ __forceinline__ float warp_max(float v) {
  for (int off = 16; off > 0; off /= 2)
    v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, off));
  return v;
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int off = 16; off > 0; off /= 2)
    v += __shfl_xor_sync(0xffffffffu, v, off);
  return v;
}

/// Carves a CTA's dynamic shared memory into 128-byte aligned sections (host side).
class SmemCarver {
 public:
  /// Byte offset of a new section of `bytes`.
  int32_t take(int64_t bytes) {
    const int32_t at = static_cast<int32_t>(off_);
    off_ += (bytes + 127) / 128 * 128;
    return at;
  }
  int32_t total() const { return static_cast<int32_t>(off_); }

 private:
  int64_t off_ = 0;
};

}  // namespace kvbench::cuda
