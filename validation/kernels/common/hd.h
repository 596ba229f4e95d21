#pragma once
// Host/device portability for the validation kernels' shared code. Everything under
// validation/kernels/common/ is plain C++ that compiles with the host compiler (the no-GPU tests
// and the harness) and with nvcc (the kernels), so the host mirrors run the kernels' own math.

#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define KVB_HD __host__ __device__ __forceinline__
#else
#define KVB_HD inline
#endif

namespace kvbench {

KVB_HD uint32_t f32_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}

KVB_HD float bits_f32(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

KVB_HD int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

KVB_HD int64_t min64(int64_t a, int64_t b) {
  return a < b ? a : b;
}

KVB_HD int64_t max64(int64_t a, int64_t b) {
  return a > b ? a : b;
}

}  // namespace kvbench
