// Inputs, poison checks, L2 flushing and the stream hold of the validation harness.

#include <cstdio>

#include "kernels.h"

namespace kvbench::cuda {

void fail(const char* what, const char* call, const char* file, int line) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s:%d: %s failed: %s", file, line, call, what);
  throw std::runtime_error(buf);
}

namespace {

constexpr int kThreads = 256;

int blocks_for(int64_t n) {
  const int64_t b = (n + kThreads - 1) / kThreads;
  return static_cast<int>(b < 65536 ? (b < 1 ? 1 : b) : 65536);
}

__global__ void fill_f32_kernel(float* p, int64_t n, uint64_t seed, bool positive) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    p[i] = positive ? uniform_pos(seed, i) : uniform_pm1(seed, i);
}

__global__ void fill_bf16_kernel(uint16_t* p, int64_t n, uint64_t seed, float amp) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    p[i] = random_bf16(seed, i, amp);
}

__global__ void fill_e4m3_kernel(uint8_t* p, int64_t n, uint64_t seed) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    p[i] = random_e4m3(seed, i);
}

__global__ void fill_cache_kernel(KvCache c, int64_t rows, uint64_t seed) {
  const int64_t row_bytes = c.geom.data_bytes();
  const int64_t n = rows * row_bytes;
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    c.data[i] = cache_byte(c.geom, seed, i / row_bytes, i % row_bytes);
  const int64_t groups = c.geom.groups();
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < rows * groups;
       i += int64_t{gridDim.x} * blockDim.x)
    c.scales[i] = cache_group(c.geom, seed, i / groups, i % groups);
}

template <class T>
__global__ void count_poison_kernel(const T* p, int64_t n, T pattern, unsigned long long* counter) {
  unsigned long long mine = 0;
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    mine += p[i] == pattern;
  for (int off = 16; off > 0; off /= 2)
    mine += __shfl_down_sync(0xffffffffu, mine, off);
  if ((threadIdx.x & 31) == 0 && mine) atomicAdd(counter, mine);
}

__global__ void flush_kernel(uint4* p, int64_t n, uint32_t salt) {
  for (int64_t i = blockIdx.x * int64_t{blockDim.x} + threadIdx.x; i < n;
       i += int64_t{gridDim.x} * blockDim.x)
    p[i] = make_uint4(salt, static_cast<uint32_t>(i), salt, 0);
}

__device__ uint64_t global_ns() {
  uint64_t t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

__global__ void hold_kernel(volatile int* flag, int target, uint64_t timeout_ns) {
  const uint64_t start = global_ns();
  while (*flag < target && global_ns() - start < timeout_ns) {
  }
}

}  // namespace

void fill_f32(float* p, int64_t n, uint64_t seed, bool positive, cudaStream_t stream) {
  fill_f32_kernel<<<blocks_for(n), kThreads, 0, stream>>>(p, n, seed, positive);
  KVB_CHECK_LAUNCH();
}

void fill_bf16(uint16_t* p, int64_t n, uint64_t seed, float amp, cudaStream_t stream) {
  fill_bf16_kernel<<<blocks_for(n), kThreads, 0, stream>>>(p, n, seed, amp);
  KVB_CHECK_LAUNCH();
}

void fill_e4m3(uint8_t* p, int64_t n, uint64_t seed, cudaStream_t stream) {
  fill_e4m3_kernel<<<blocks_for(n), kThreads, 0, stream>>>(p, n, seed);
  KVB_CHECK_LAUNCH();
}

void fill_cache(const KvCache& c, int64_t rows, uint64_t seed, cudaStream_t stream) {
  fill_cache_kernel<<<blocks_for(rows * c.geom.data_bytes()), kThreads, 0, stream>>>(c, rows, seed);
  KVB_CHECK_LAUNCH();
}

void count_poison_16(const uint16_t* p, int64_t n, unsigned long long* counter, cudaStream_t s) {
  count_poison_kernel<uint16_t><<<blocks_for(n), kThreads, 0, s>>>(p, n, 0xffff, counter);
  KVB_CHECK_LAUNCH();
}

void count_poison_32(const float* p, int64_t n, unsigned long long* counter, cudaStream_t s) {
  const auto* u = reinterpret_cast<const uint32_t*>(p);
  count_poison_kernel<uint32_t><<<blocks_for(n), kThreads, 0, s>>>(u, n, 0xffffffffu, counter);
  KVB_CHECK_LAUNCH();
}

void flush_l2(void* buffer, size_t bytes, cudaStream_t stream) {
  static uint32_t salt = 1;
  const int64_t n = static_cast<int64_t>(bytes / sizeof(uint4));
  flush_kernel<<<blocks_for(n), kThreads, 0, stream>>>(static_cast<uint4*>(buffer), n, salt++);
  KVB_CHECK_LAUNCH();
}

void hold_stream(volatile int* host_flag, int target, int timeout_ms, cudaStream_t stream) {
  hold_kernel<<<1, 1, 0, stream>>>(host_flag, target,
                                   static_cast<uint64_t>(timeout_ms) * 1000000ull);
  KVB_CHECK_LAUNCH();
}

}  // namespace kvbench::cuda
