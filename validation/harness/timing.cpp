// The timing loop: CUDA events around the timed work, queued behind a hold kernel so that the
// work starts back to back (no host launch gaps inside the measurement), L2 flushed before each
// sample, outputs poisoned before and counted after each sample. Median and p10/p90 of the
// samples.

#include <algorithm>
#include <atomic>
#include <cmath>

#include "bench.h"

namespace kvbench {
namespace {

constexpr int kHoldTimeoutMs = 2000;

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

struct Events {
  std::vector<cudaEvent_t> start, stop;
  explicit Events(int n) : start(static_cast<size_t>(n)), stop(static_cast<size_t>(n)) {
    for (int i = 0; i < n; ++i) {
      KVB_CHECK(cudaEventCreate(&start[static_cast<size_t>(i)]));
      KVB_CHECK(cudaEventCreate(&stop[static_cast<size_t>(i)]));
    }
  }
  ~Events() {
    for (size_t i = 0; i < start.size(); ++i) {
      cudaEventDestroy(start[i]);
      cudaEventDestroy(stop[i]);
    }
  }
};

}  // namespace

Context::~Context() {
  if (host_flag) cudaFreeHost(const_cast<int*>(host_flag));
  if (stream) cudaStreamDestroy(stream);
}

void Context::init(const Options& o, const std::string& git_revision) {
  options = o;
  KVB_CHECK(cudaSetDevice(o.device));
  env = read_environment(o.device, git_revision);
  KVB_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  void* flag = nullptr;
  KVB_CHECK(cudaHostAlloc(&flag, sizeof(int), cudaHostAllocMapped));
  host_flag = static_cast<int*>(flag);
  *host_flag = 0;
  void* dev_flag = nullptr;
  KVB_CHECK(cudaHostGetDevicePointer(&dev_flag, flag, 0));
  hold_flag = static_cast<int*>(dev_flag);
  flush = DeviceBuffer(static_cast<size_t>(std::max<int64_t>(2 * env.l2_bytes, int64_t{64} << 20)));
  poison_counter = DeviceBuffer(sizeof(unsigned long long));
}

Timing measure(Context& ctx, const TimedRun& t) {
  const int n = std::max(ctx.options.samples, 30);
  for (int i = 0; i < ctx.options.warmup; ++i)
    t.run();
  KVB_CHECK(cudaStreamSynchronize(ctx.stream));

  auto* counter = ctx.poison_counter.get<unsigned long long>();
  KVB_CHECK(cudaMemsetAsync(counter, 0, sizeof(unsigned long long), ctx.stream));
  Events ev(n);
  for (int i = 0; i < n; ++i) {
    const size_t k = static_cast<size_t>(i);
    if (t.poison) t.poison();
    if (t.hold) cuda::hold_stream(ctx.hold_flag, ctx.hold_release + 1, kHoldTimeoutMs, ctx.stream);
    if (t.flush) cuda::flush_l2(ctx.flush.get(), ctx.flush.bytes(), ctx.stream);
    KVB_CHECK(cudaEventRecord(ev.start[k], ctx.stream));
    t.run();
    KVB_CHECK(cudaEventRecord(ev.stop[k], ctx.stream));
    if (t.count) t.count();
    if (t.hold) {
      std::atomic_thread_fence(std::memory_order_seq_cst);
      *ctx.host_flag = ++ctx.hold_release;  // everything of this sample is queued: release it
    } else {
      KVB_CHECK(cudaStreamSynchronize(ctx.stream));  // host-side work (pageable copies) is timed
    }
  }
  KVB_CHECK(cudaStreamSynchronize(ctx.stream));
  Timing out;
  std::vector<double> us(static_cast<size_t>(n));
  for (size_t k = 0; k < us.size(); ++k) {
    float ms = 0;
    KVB_CHECK(cudaEventElapsedTime(&ms, ev.start[k], ev.stop[k]));
    us[k] = static_cast<double>(ms) * 1e3;
  }
  out.samples = n;
  out.median_us = quantile(us, 0.5);
  out.p10_us = quantile(us, 0.1);
  out.p90_us = quantile(us, 0.9);
  KVB_CHECK(cudaMemcpy(&out.poisoned, counter, sizeof out.poisoned, cudaMemcpyDeviceToHost));
  return out;
}

Outcome waived(std::string reason) {
  Outcome o;
  o.status = "waived";
  o.reason = std::move(reason);
  return o;
}

Outcome checked(Outcome o, double err, double tol) {
  o.max_err = err;
  o.tolerance = tol;
  if (o.timing.poisoned > 0) {
    o.status = "failed";
    o.reason = std::to_string(o.timing.poisoned) + " output words never written";
  } else if (!(err <= tol)) {
    o.status = "failed";
    o.reason = "error " + std::to_string(err) + " above tolerance " + std::to_string(tol);
  }
  return o;
}

double host_sum_pos(uint64_t seed, int64_t n) {
  constexpr int64_t kChunk = 1 << 16;
  static uint64_t cached_seed = ~0ull;
  static std::vector<double> chunks;  // sum of each kChunk elements
  if (seed != cached_seed) {
    chunks.clear();
    cached_seed = seed;
  }
  const int64_t full = n / kChunk;
  while (static_cast<int64_t>(chunks.size()) < full) {
    const int64_t base = static_cast<int64_t>(chunks.size()) * kChunk;
    double s = 0;
    for (int64_t i = 0; i < kChunk; ++i)
      s += uniform_pos(seed, static_cast<uint64_t>(base + i));
    chunks.push_back(s);
  }
  double total = 0;
  for (int64_t c = 0; c < full; ++c)
    total += chunks[static_cast<size_t>(c)];
  for (int64_t i = full * kChunk; i < n; ++i)
    total += uniform_pos(seed, static_cast<uint64_t>(i));
  return total;
}

std::vector<int64_t> sample_offsets(int64_t n, int64_t len, int count, uint64_t seed) {
  std::vector<int64_t> out;
  if (n <= len * count) {
    for (int64_t o = 0; o < n; o += len)
      out.push_back(o);
    return out;
  }
  out.push_back(0);
  out.push_back(n - len);
  for (int i = 2; i < count; ++i)
    out.push_back(static_cast<int64_t>(mix64(seed, static_cast<uint64_t>(i)) %
                                       static_cast<uint64_t>(n - len)));
  return out;
}

}  // namespace kvbench
