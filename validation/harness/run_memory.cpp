// Runners of the memory families: STREAM kernels, the L2 sweep, launch overhead, copies.

#include <cmath>
#include <cstring>

#include "bench.h"

namespace kvbench {
namespace {

constexpr uint64_t kSeedA = 101, kSeedB = 102, kSeedC = 103;
constexpr float kScalar = 0.375f;
// The read kernels sum up to ~4,000 values per thread in fp32: worst-case relative error
// 4,000 x 2^-24 = 2.4e-4 (typically 100 times less); the check is for wrong data, not rounding.
constexpr double kSumTolerance = 1e-3;
constexpr int64_t kRange = 512;  // floats per sampled range
constexpr int kRanges = 16;

// Copies the sampled ranges of a device fp32 array and compares them with `expected(i)`:
// returns the largest relative error (0 when every value is exact).
template <class F>
double check_ranges(const float* dev, int64_t n, F expected) {
  double worst = 0;
  std::vector<float> host(static_cast<size_t>(kRange));
  for (int64_t off : sample_offsets(n, kRange, kRanges, 7)) {
    const int64_t len = std::min(kRange, n - off);
    KVB_CHECK(
        cudaMemcpy(host.data(), dev + off, static_cast<size_t>(len) * 4, cudaMemcpyDeviceToHost));
    for (int64_t i = 0; i < len; ++i) {
      const double want = expected(off + i), got = host[static_cast<size_t>(i)];
      worst = std::max(worst, std::isnan(got) ? 1e9 : std::fabs(got - want) / std::fabs(want));
    }
  }
  return worst;
}

}  // namespace

Outcome run_stream(Context& ctx, const StreamShape& s) {
  const size_t bytes = static_cast<size_t>(s.elements) * 4;
  DeviceBuffer a(bytes), b(s.kind >= StreamKind::copy ? bytes : 0),
      c(s.kind == StreamKind::triad ? bytes : 0);
  const int grid = cuda::stream_grid(ctx.env.sm_count);
  DeviceBuffer partial(static_cast<size_t>(grid) * 4);
  // Inputs: a for read; b (and c) for copy and triad.
  if (s.kind == StreamKind::read)
    cuda::fill_f32(a.get<float>(), s.elements, kSeedA, true, ctx.stream);
  if (b.get()) cuda::fill_f32(b.get<float>(), s.elements, kSeedB, true, ctx.stream);
  if (c.get()) cuda::fill_f32(c.get<float>(), s.elements, kSeedC, true, ctx.stream);
  float* out = s.kind == StreamKind::read ? partial.get<float>() : a.get<float>();
  const int64_t out_n = s.kind == StreamKind::read ? grid : s.elements;
  TimedRun t;
  t.run = [&] {
    cuda::stream_kernel(s, a.get<float>(), b.get<float>(), c.get<float>(), kScalar,
                        partial.get<float>(), grid, ctx.stream);
  };
  t.poison = [&] {
    KVB_CHECK(cudaMemsetAsync(out, 0xff, static_cast<size_t>(out_n) * 4, ctx.stream));
  };
  t.count = [&] {
    cuda::count_poison_32(out, out_n, ctx.poison_counter.get<unsigned long long>(), ctx.stream);
  };
  Outcome o;
  o.timing = measure(ctx, t);
  double err = 0;
  if (s.kind == StreamKind::read) {
    std::vector<float> parts(static_cast<size_t>(grid));
    KVB_CHECK(cudaMemcpy(parts.data(), out, parts.size() * 4, cudaMemcpyDeviceToHost));
    double sum = 0;
    for (float p : parts)
      sum += p;
    const double want = host_sum_pos(kSeedA, s.elements);
    err = std::fabs(sum - want) / want;
    return checked(o, err, kSumTolerance);
  }
  err = check_ranges(a.get<float>(), s.elements, [&](int64_t i) -> double {
    const float bi = uniform_pos(kSeedB, static_cast<uint64_t>(i));
    if (s.kind == StreamKind::write) return kScalar;
    if (s.kind == StreamKind::copy) return bi;
    return std::fmaf(kScalar, uniform_pos(kSeedC, static_cast<uint64_t>(i)), bi);
  });
  return checked(o, err, 0.0);  // exact
}

Outcome run_l2(Context& ctx, const L2Shape& s) {
  DeviceBuffer buf(static_cast<size_t>(s.working_set_bytes));
  const int grid = cuda::stream_grid(ctx.env.sm_count);
  DeviceBuffer partial(static_cast<size_t>(grid) * 4);
  const int64_t n = s.working_set_bytes / 4;
  cuda::fill_f32(buf.get<float>(), n, kSeedA, true, ctx.stream);
  TimedRun t;
  t.run = [&] {
    cuda::l2_read(buf.get<float>(), s.working_set_bytes, s.passes, partial.get<float>(), grid,
                  ctx.stream);
  };
  t.poison = [&] { KVB_CHECK(cudaMemsetAsync(partial.get(), 0xff, partial.bytes(), ctx.stream)); };
  t.count = [&] {
    cuda::count_poison_32(partial.get<float>(), grid, ctx.poison_counter.get<unsigned long long>(),
                          ctx.stream);
  };
  Outcome o;
  o.timing = measure(ctx, t);
  std::vector<float> parts(static_cast<size_t>(grid));
  KVB_CHECK(cudaMemcpy(parts.data(), partial.get(), parts.size() * 4, cudaMemcpyDeviceToHost));
  double sum = 0;
  for (float p : parts)
    sum += p;
  const double want = host_sum_pos(kSeedA, n) * s.passes;
  return checked(o, std::fabs(sum - want) / want, kSumTolerance);
}

Outcome run_launch(Context& ctx, const LaunchShape& s) {
  cudaGraphExec_t exec = nullptr;
  if (s.graph) {
    cudaGraph_t graph = nullptr;
    KVB_CHECK(cudaStreamBeginCapture(ctx.stream, cudaStreamCaptureModeThreadLocal));
    for (int i = 0; i < s.kernels; ++i)
      cuda::empty_kernel(ctx.stream);
    KVB_CHECK(cudaStreamEndCapture(ctx.stream, &graph));
    KVB_CHECK(cudaGraphInstantiate(&exec, graph, 0));
    KVB_CHECK(cudaGraphDestroy(graph));
  }
  TimedRun t;
  t.hold = false;  // the launch cost is what is measured
  t.flush = false;
  t.run = [&] {
    if (exec) {
      KVB_CHECK(cudaGraphLaunch(exec, ctx.stream));
    } else {
      for (int i = 0; i < s.kernels; ++i)
        cuda::empty_kernel(ctx.stream);
    }
  };
  Outcome o;
  o.timing = measure(ctx, t);
  if (exec) KVB_CHECK(cudaGraphExecDestroy(exec));
  o.reason = "no output to check";
  return o;
}

Outcome run_memcpy(Context& ctx, const MemcpyShape& s) {
  const size_t bytes = static_cast<size_t>(s.bytes);
  const int64_t n = s.bytes / 4;
  DeviceBuffer dev(bytes), dev2(s.kind == CopyKind::d2d ? bytes : 0);
  std::unique_ptr<HostBuffer> host;
  if (s.kind != CopyKind::d2d) host = std::make_unique<HostBuffer>(bytes, s.pinned);
  float* src_dev = dev.get<float>();
  if (s.kind == CopyKind::h2d) {
    auto* h = host->get<float>();
    for (int64_t i = 0; i < n; ++i)
      h[i] = uniform_pos(kSeedA, static_cast<uint64_t>(i));
  } else {
    cuda::fill_f32(src_dev, n, kSeedA, true, ctx.stream);
  }
  const auto offsets = sample_offsets(n, kRange, kRanges, 9);
  TimedRun t;
  t.hold = false;  // pageable copies block the host: time them end to end, as a framework sees
  t.flush = s.kind == CopyKind::d2d;
  float* dst = s.kind == CopyKind::h2d   ? dev.get<float>()
               : s.kind == CopyKind::d2h ? host->get<float>()
                                         : dev2.get<float>();
  t.run = [&] {
    const void* src = s.kind == CopyKind::h2d ? static_cast<const void*>(host->get()) : src_dev;
    const cudaMemcpyKind kind = s.kind == CopyKind::h2d   ? cudaMemcpyHostToDevice
                                : s.kind == CopyKind::d2h ? cudaMemcpyDeviceToHost
                                                          : cudaMemcpyDeviceToDevice;
    KVB_CHECK(cudaMemcpyAsync(dst, src, bytes, kind, ctx.stream));
  };
  t.poison = [&] {
    if (s.kind == CopyKind::d2h) {  // the checked ranges of the host destination
      for (int64_t off : offsets)
        std::memset(dst + off, 0xff, static_cast<size_t>(std::min(kRange, n - off)) * 4);
    } else {
      KVB_CHECK(cudaMemsetAsync(dst, 0xff, bytes, ctx.stream));
    }
  };
  t.count = [&] {
    if (s.kind != CopyKind::d2h)
      cuda::count_poison_32(dst, n, ctx.poison_counter.get<unsigned long long>(), ctx.stream);
  };
  Outcome o;
  o.timing = measure(ctx, t);
  double err = 0;
  auto want = [](int64_t i) -> double { return uniform_pos(kSeedA, static_cast<uint64_t>(i)); };
  if (s.kind == CopyKind::d2h) {
    for (int64_t off : offsets)
      for (int64_t i = off; i < std::min(off + kRange, n); ++i)
        err = std::max(err, std::isnan(dst[i]) ? 1e9 : std::fabs(dst[i] - want(i)) / want(i));
  } else {
    err = check_ranges(dst, n, want);
  }
  return checked(o, err, 0.0);
}

}  // namespace kvbench
