#include "kvsim/serve/timeline.h"

#include <algorithm>
#include <cmath>

namespace kvsim::serve {

namespace {

void max_into(KvLevels& a, const KvLevels& b) {
  a.used_bytes = std::max(a.used_bytes, b.used_bytes);
  a.cached_bytes = std::max(a.cached_bytes, b.cached_bytes);
  a.fragmented_bytes = std::max(a.fragmented_bytes, b.fragmented_bytes);
  a.host_bytes = std::max(a.host_bytes, b.host_bytes);
  a.running = std::max(a.running, b.running);
  a.waiting = std::max(a.waiting, b.waiting);
}

void add_weighted(KvLevels& a, const KvLevels& b, double w) {
  a.used_bytes += b.used_bytes * w;
  a.cached_bytes += b.cached_bytes * w;
  a.fragmented_bytes += b.fragmented_bytes * w;
  a.host_bytes += b.host_bytes * w;
  a.running += b.running * w;
  a.waiting += b.waiting * w;
}

}  // namespace

Timeline::Timeline(int64_t max_points, double initial_width_s)
    : max_points_(std::max<int64_t>(2, max_points)), width_s_(initial_width_s) {}

TimelineBucket& Timeline::at(double t) {
  auto index = static_cast<size_t>(std::max(0.0, std::floor(t / width_s_)));
  while (index >= static_cast<size_t>(max_points_)) {
    merge();
    index = static_cast<size_t>(std::max(0.0, std::floor(t / width_s_)));
  }
  while (buckets_.size() <= index) {
    TimelineBucket b;
    b.start_s = static_cast<double>(buckets_.size()) * width_s_;
    b.width_s = width_s_;
    buckets_.push_back(b);
  }
  return buckets_[index];
}

void Timeline::merge() {
  std::vector<TimelineBucket> merged;
  for (size_t i = 0; i < buckets_.size(); i += 2) {
    TimelineBucket m = buckets_[i];
    m.width_s = 2 * width_s_;
    if (i + 1 < buckets_.size()) {
      const TimelineBucket& b = buckets_[i + 1];
      max_into(m.peak, b.peak);
      add_weighted(m.mean, b.mean, 1.0);  // means are stored as weighted sums until read
      m.sampled_s += b.sampled_s;
      m.busy_s += b.busy_s;
      m.hbm_bytes += b.hbm_bytes;
      m.tokens += b.tokens;
      for (size_t k = 0; k < m.bound_s.size(); ++k)
        m.bound_s[k] += b.bound_s[k];
    }
    merged.push_back(m);
  }
  buckets_ = std::move(merged);
  width_s_ *= 2;
}

void Timeline::sample(double t0, double t1, const KvLevels& levels) {
  // Split [t0, t1) over the buckets it covers.
  double t = t0;
  while (t < t1) {
    TimelineBucket& b = at(t);
    const double end = std::min(t1, b.start_s + b.width_s);
    max_into(b.peak, levels);
    add_weighted(b.mean, levels, end - t);
    b.sampled_s += end - t;
    if (end <= t) break;  // guard against rounding at bucket edges
    t = end;
  }
  if (t1 <= t0) max_into(at(t0).peak, levels);
}

void Timeline::step(double t0, double t1, double hbm_bytes, double tokens,
                    const std::array<double, 9>& bound_s) {
  // Spread the work over the buckets [t0, t1) covers, in proportion to the overlap.
  const double span = t1 - t0;
  if (span <= 0) return;
  double t = t0;
  while (t < t1) {
    TimelineBucket& b = at(t);
    const double end = std::min(t1, b.start_s + b.width_s);
    if (end <= t) break;
    const double f = (end - t) / span;
    b.busy_s += end - t;
    b.hbm_bytes += hbm_bytes * f;
    b.tokens += tokens * f;
    for (size_t k = 0; k < bound_s.size(); ++k)
      b.bound_s[k] += bound_s[k] * f;
    t = end;
  }
}

std::vector<TimelineBucket> Timeline::used() const {
  std::vector<TimelineBucket> out;
  for (TimelineBucket b : buckets_) {
    if (b.sampled_s <= 0 && b.busy_s <= 0) continue;
    if (b.sampled_s > 0) {
      const double w = 1.0 / b.sampled_s;
      KvLevels m = b.mean;
      b.mean = KvLevels{};
      add_weighted(b.mean, m, w);
    }
    out.push_back(b);
  }
  return out;
}

}  // namespace kvsim::serve
