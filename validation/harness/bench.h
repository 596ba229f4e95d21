#pragma once
// kvsim-bench internals: device buffers, the timing loop, the environment, and one runner per
// kernel family. Every CUDA call is checked (KVB_CHECK throws with the call, file and line).

#include <cuda_runtime_api.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "cases.h"
#include "kernels.h"

namespace kvbench {

/// Owned device memory.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(size_t bytes) : bytes_(bytes) {
    if (bytes > 0) KVB_CHECK(cudaMalloc(&ptr_, bytes));
  }
  ~DeviceBuffer() {
    if (ptr_) cudaFree(ptr_);
  }
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), bytes_(o.bytes_) { o.ptr_ = nullptr; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(bytes_, o.bytes_);
    return *this;
  }
  template <class T = void>
  T* get() const {
    return static_cast<T*>(ptr_);
  }
  size_t bytes() const { return bytes_; }

 private:
  void* ptr_ = nullptr;
  size_t bytes_ = 0;
};

/// Page-locked host memory (cudaMallocHost), or pageable (new[]) when `pinned` is false.
class HostBuffer {
 public:
  HostBuffer(size_t bytes, bool pinned);
  ~HostBuffer();
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  template <class T = void>
  T* get() const {
    return static_cast<T*>(ptr_);
  }

 private:
  void* ptr_ = nullptr;
  bool pinned_ = true;
};

struct Environment {
  std::string gpu;
  int sm_count = 0;
  int64_t l2_bytes = 0;
  int64_t memory_bytes = 0;
  int max_sm_clock_mhz = 0;
  int max_mem_clock_mhz = 0;
  std::string driver;        ///< NVML driver version string, or the CUDA driver API version
  std::string cuda_driver;   ///< CUDA driver API version (e.g. 12.4)
  std::string cuda_runtime;  ///< CUDA runtime version kvsim-bench was built against
  std::string timestamp;     ///< UTC, ISO 8601, when the run started
  std::string git_revision;
};

Environment read_environment(int device, const std::string& git_revision);
/// Current SM and memory clocks (MHz) from NVML, or {0, 0} when NVML is unavailable. The harness
/// only reads clocks; it never sets them.
std::pair<int, int> current_clocks(int device);

struct Options {
  int samples = 30;
  int warmup = 3;
  uint64_t seed = 1;
  int device = 0;
};

/// What a runner needs: the stream, the stream-hold flag, the L2 flush buffer, the SM count.
struct Context {
  Options options;
  Environment env;
  cudaStream_t stream = nullptr;
  volatile int* host_flag = nullptr;  ///< mapped pinned memory, as the host writes it
  volatile int* hold_flag = nullptr;  ///< the same memory, as the hold kernel reads it
  int hold_release = 0;               ///< last released sample number
  DeviceBuffer flush;                 ///< twice the L2 size
  DeviceBuffer poison_counter;        ///< one unsigned long long

  Context() = default;
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;
  ~Context();
  /// Selects the device, reads the environment, creates the stream and buffers.
  void init(const Options& o, const std::string& git_revision);
};

/// How a case is timed.
struct TimedRun {
  std::function<void()> run;     ///< enqueues the kernel(s) being timed
  std::function<void()> poison;  ///< enqueues poisoning of the outputs (untimed), optional
  std::function<void()> count;   ///< enqueues count_poison of the outputs (untimed), optional
  bool hold = true;              ///< queue behind the hold kernel (no launch gaps)
  bool flush = true;             ///< flush L2 before each sample
};

struct Timing {
  double median_us = 0, p10_us = 0, p90_us = 0;
  int samples = 0;
  unsigned long long poisoned = 0;  ///< output words still poisoned after runs (must be 0)
};

/// Warm-up runs, then options.samples timed samples (CUDA events around `run`), each preceded by
/// poisoning and (optionally) an L2 flush and followed by the poison count.
Timing measure(Context& ctx, const TimedRun& t);

/// A runner's verdict on one case.
struct Outcome {
  std::string status = "ok";  ///< ok, waived (unsupported here), failed (wrong output)
  std::string reason;
  Timing timing;
  double max_err = 0;  ///< the check's error measure (cpu/tolerance.h)
  double tolerance = 0;
  std::map<std::string, std::string> extra;  ///< extra columns (splits, ...)
};

Outcome waived(std::string reason);
/// Sets the check's error and tolerance; failed when outputs stayed poisoned or err > tol.
Outcome checked(Outcome o, double err, double tol);
Outcome run_case(Context& ctx, const Case& c);

Outcome run_stream(Context& ctx, const StreamShape& s);
Outcome run_l2(Context& ctx, const L2Shape& s);
Outcome run_launch(Context& ctx, const LaunchShape& s);
Outcome run_memcpy(Context& ctx, const MemcpyShape& s);
Outcome run_gemm(Context& ctx, const GemmShape& s);
Outcome run_decode(Context& ctx, const DecodeShape& s);
Outcome run_prefill(Context& ctx, const PrefillShape& s);
Outcome run_append(Context& ctx, const AppendShape& s);

/// Host sum of uniform_pos(seed, i) for i < n (cached prefix sums; checks the read kernels).
double host_sum_pos(uint64_t seed, int64_t n);
/// Start offsets of `count` ranges of `len` elements spread over [0, n) (first and last
/// included): the sampled part of large outputs that is copied back and checked.
std::vector<int64_t> sample_offsets(int64_t n, int64_t len, int count, uint64_t seed);

}  // namespace kvbench
