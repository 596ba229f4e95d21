#pragma once
// A time series downsampled to a bounded number of buckets: when the buckets run out, adjacent
// pairs merge and the bucket width doubles, so any run length fits in `max_points`. Each bucket
// keeps the peak and the time-weighted mean of the sampled levels, and sums of the busy time,
// HBM bytes, tokens and time per bound of the steps that overlap it. With several replicas the
// levels are averaged (means) and maximised (peaks) over replicas, and busy time is summed.

#include <array>
#include <cstdint>
#include <vector>

namespace kvsim::serve {

/// Levels sampled after each step or segment (per GPU, bytes).
struct KvLevels {
  double used_bytes = 0;        ///< allocated to running sequences and cached blocks in HBM
  double cached_bytes = 0;      ///< of which, unreferenced cached blocks (evictable)
  double fragmented_bytes = 0;  ///< allocated but not holding tokens (partial blocks, reservations)
  double host_bytes = 0;        ///< KV in the host tier (swapped sequences, demoted cache blocks)
  double running = 0;           ///< sequences prefilling or decoding
  double waiting = 0;           ///< sequences queued or swapped out
};

struct TimelineBucket {
  double start_s = 0;
  double width_s = 0;
  KvLevels peak;
  KvLevels mean;         ///< time-weighted over the bucket's sampled time
  double sampled_s = 0;  ///< time the mean is weighted over
  double busy_s = 0;     ///< time replicas spent in steps
  double hbm_bytes = 0;
  double tokens = 0;  ///< tokens processed (prefill + decode)
  std::array<double, 9> bound_s{};
};

class Timeline {
 public:
  explicit Timeline(int64_t max_points, double initial_width_s = 1.0);
  /// The levels held over [t0, t1).
  void sample(double t0, double t1, const KvLevels& levels);
  /// A step (or run of steps) busy over [t0, t1): its bytes, tokens and time per bound are spread
  /// over the buckets in proportion to the overlap.
  void step(double t0, double t1, double hbm_bytes, double tokens,
            const std::array<double, 9>& bound_s);
  const std::vector<TimelineBucket>& buckets() const { return buckets_; }
  /// Buckets that saw any sample or step, in time order.
  std::vector<TimelineBucket> used() const;

 private:
  TimelineBucket& at(double t);
  void merge();

  int64_t max_points_;
  double width_s_;
  std::vector<TimelineBucket> buckets_;
};

}  // namespace kvsim::serve
