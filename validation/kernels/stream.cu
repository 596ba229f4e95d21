// STREAM kernels (read, write, copy, triad) with 4- or 16-byte accesses, the L2 working-set
// sweep, and the empty kernel. Grid-stride loops unrolled four times with every load issued
// before any use, on a grid of 8 blocks of 256 threads per SM: 2048 threads x 4 x 16 B = 128 KiB
// in flight per SM with 16-byte accesses, several times what Little's law asks of HBM3
// (about 25 B/ns per SM x ~700 ns of latency = 18 KB).

#include "kernels.h"

namespace kvbench::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kUnroll = 4;

__device__ __forceinline__ float4 add(float4 a, float4 b) {
  return make_float4(a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w);
}
__device__ __forceinline__ float4 fma4(float s, float4 c, float4 b) {
  return make_float4(fmaf(s, c.x, b.x), fmaf(s, c.y, b.y), fmaf(s, c.z, b.z), fmaf(s, c.w, b.w));
}
__device__ __forceinline__ float sum(float4 v) {
  return (v.x + v.y) + (v.z + v.w);
}
__device__ __forceinline__ float sum(float v) {
  return v;
}
__device__ __forceinline__ float fma4(float s, float c, float b) {
  return fmaf(s, c, b);
}
__device__ __forceinline__ float add(float a, float b) {
  return a + b;
}
template <class V>
__device__ __forceinline__ V splat(float x);
template <>
__device__ __forceinline__ float splat<float>(float x) {
  return x;
}
template <>
__device__ __forceinline__ float4 splat<float4>(float x) {
  return make_float4(x, x, x, x);
}

// Block sum of `v` into partial[blockIdx.x] (keeps the read kernel's loads alive).
__device__ void block_sum(float v, float* partial) {
  __shared__ float warp_sums[kThreads / 32];
  for (int off = 16; off > 0; off /= 2)
    v += __shfl_down_sync(0xffffffffu, v, off);
  if ((threadIdx.x & 31) == 0) warp_sums[threadIdx.x / 32] = v;
  __syncthreads();
  if (threadIdx.x == 0) {
    float s = 0;
    for (int w = 0; w < kThreads / 32; ++w)
      s += warp_sums[w];
    partial[blockIdx.x] = s;
  }
}

template <class V>
__global__ void __launch_bounds__(kThreads)
    read_kernel(const V* __restrict__ a, int64_t n, float* partial) {
  const int64_t stride = int64_t{gridDim.x} * kThreads;
  int64_t i = blockIdx.x * int64_t{kThreads} + threadIdx.x;
  V acc = splat<V>(0.0f);
  for (; i + (kUnroll - 1) * stride < n; i += kUnroll * stride) {
    V x[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      x[u] = a[i + u * stride];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      acc = add(acc, x[u]);
  }
  for (; i < n; i += stride)
    acc = add(acc, a[i]);
  block_sum(sum(acc), partial);
}

template <class V>
__global__ void __launch_bounds__(kThreads) write_kernel(V* __restrict__ a, int64_t n, float s) {
  const int64_t stride = int64_t{gridDim.x} * kThreads;
  const V v = splat<V>(s);
  for (int64_t i = blockIdx.x * int64_t{kThreads} + threadIdx.x; i < n; i += stride)
    a[i] = v;
}

template <class V>
__global__ void __launch_bounds__(kThreads)
    copy_kernel(V* __restrict__ a, const V* __restrict__ b, int64_t n) {
  const int64_t stride = int64_t{gridDim.x} * kThreads;
  int64_t i = blockIdx.x * int64_t{kThreads} + threadIdx.x;
  for (; i + (kUnroll - 1) * stride < n; i += kUnroll * stride) {
    V x[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      x[u] = b[i + u * stride];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      a[i + u * stride] = x[u];
  }
  for (; i < n; i += stride)
    a[i] = b[i];
}

template <class V>
__global__ void __launch_bounds__(kThreads)
    triad_kernel(V* __restrict__ a, const V* __restrict__ b, const V* __restrict__ c, float s,
                 int64_t n) {
  const int64_t stride = int64_t{gridDim.x} * kThreads;
  int64_t i = blockIdx.x * int64_t{kThreads} + threadIdx.x;
  for (; i + (kUnroll - 1) * stride < n; i += kUnroll * stride) {
    V x[kUnroll], y[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      x[u] = b[i + u * stride];
      y[u] = c[i + u * stride];
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u)
      a[i + u * stride] = fma4(s, y[u], x[u]);
  }
  for (; i < n; i += stride)
    a[i] = fma4(s, c[i], b[i]);
}

// ld.global.cg (cache in L2 only), volatile so repeated passes are not merged by the compiler.
__device__ __forceinline__ float4 load_cg(const float4* p) {
  float4 v;
  asm volatile("ld.global.cg.v4.f32 {%0, %1, %2, %3}, [%4];"
               : "=f"(v.x), "=f"(v.y), "=f"(v.z), "=f"(v.w)
               : "l"(p));
  return v;
}

__global__ void __launch_bounds__(kThreads)
    l2_kernel(const float4* __restrict__ buf, int64_t n, int32_t passes, float* partial) {
  const int64_t stride = int64_t{gridDim.x} * kThreads;
  float4 acc = make_float4(0, 0, 0, 0);
  for (int32_t p = 0; p < passes; ++p) {
    int64_t i = blockIdx.x * int64_t{kThreads} + threadIdx.x;
    for (; i + (kUnroll - 1) * stride < n; i += kUnroll * stride) {
      float4 x[kUnroll];
#pragma unroll
      for (int u = 0; u < kUnroll; ++u)
        x[u] = load_cg(buf + i + u * stride);
#pragma unroll
      for (int u = 0; u < kUnroll; ++u)
        acc = add(acc, x[u]);
    }
    for (; i < n; i += stride)
      acc = add(acc, load_cg(buf + i));
  }
  block_sum(sum(acc), partial);
}

__global__ void empty() {}

template <class V>
void launch_stream(const StreamShape& s, float* a, const float* b, const float* c, float scalar,
                   float* partial, int grid, cudaStream_t stream) {
  const int64_t n = s.elements / static_cast<int64_t>(sizeof(V) / sizeof(float));
  auto* va = reinterpret_cast<V*>(a);
  const auto* vb = reinterpret_cast<const V*>(b);
  const auto* vc = reinterpret_cast<const V*>(c);
  switch (s.kind) {
    case StreamKind::read:
      read_kernel<V><<<grid, kThreads, 0, stream>>>(va, n, partial);
      break;
    case StreamKind::write:
      write_kernel<V><<<grid, kThreads, 0, stream>>>(va, n, scalar);
      break;
    case StreamKind::copy:
      copy_kernel<V><<<grid, kThreads, 0, stream>>>(va, vb, n);
      break;
    case StreamKind::triad:
      triad_kernel<V><<<grid, kThreads, 0, stream>>>(va, vb, vc, scalar, n);
      break;
  }
  KVB_CHECK_LAUNCH();
}

}  // namespace

int stream_grid(int sm_count) {
  return sm_count * (2048 / kThreads);
}

void stream_kernel(const StreamShape& s, float* a, const float* b, const float* c, float scalar,
                   float* partial, int grid, cudaStream_t stream) {
  if (s.vector_bytes == 16) {
    launch_stream<float4>(s, a, b, c, scalar, partial, grid, stream);
  } else {
    launch_stream<float>(s, a, b, c, scalar, partial, grid, stream);
  }
}

void l2_read(const float* buf, int64_t ws_bytes, int32_t passes, float* partial, int grid,
             cudaStream_t stream) {
  l2_kernel<<<grid, kThreads, 0, stream>>>(reinterpret_cast<const float4*>(buf), ws_bytes / 16,
                                           passes, partial);
  KVB_CHECK_LAUNCH();
}

void empty_kernel(cudaStream_t stream) {
  empty<<<1, 32, 0, stream>>>();
  KVB_CHECK_LAUNCH();
}

}  // namespace kvbench::cuda
