#pragma once
// What a replay measured: per-request latencies, throughput, goodput, KV memory over time, prefix
// cache behaviour, preemptions, bandwidth and bounds, and the invariants checked at the end.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kvsim/serve/timeline.h"

namespace kvsim::serve {

enum class DropReason : uint8_t { none = 0, exceeds_context, exceeds_memory };
const char* to_string(DropReason r);

struct RequestRecord {
  double arrival_s = 0;
  double first_scheduled_s = -1;  ///< first step that processed any of its tokens
  double first_token_s = -1;
  double finish_s = -1;
  int64_t input_tokens = 0;
  int64_t output_tokens = 0;      ///< requested
  int64_t generated = 0;          ///< produced
  int64_t prefix_hit_tokens = 0;  ///< prompt tokens served from the prefix cache (first admission)
  int32_t preemptions = 0;
  int32_t replica = -1;
  DropReason dropped = DropReason::none;
};

struct Distribution {
  size_t n = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  /// Points of the empirical CDF for plots: (value, fraction of samples <= value) at the fractions
  /// kCdfFractions; empty when n == 0.
  std::vector<std::pair<double, double>> cdf;
};
/// The fractions at which Distribution::cdf is sampled: 0, 0.025, ..., 0.975, 0.99, 0.999, 1.
const std::vector<double>& cdf_fractions();
/// Percentiles with linear interpolation; reorders `values` (partially sorts them).
Distribution distribution_of(std::vector<double>& values);

struct Invariant {
  std::string name;
  bool ok = false;
  std::string detail;
};

struct ReplayResult {
  std::vector<RequestRecord> requests;
  // Latencies (seconds) over completed requests.
  Distribution ttft, tpot, e2e, queueing;
  int64_t arrived = 0, completed = 0, dropped = 0;
  std::array<int64_t, 3> dropped_by_reason{};
  double makespan_s = 0;  ///< first arrival to last completion
  double input_tokens_per_s = 0, output_tokens_per_s = 0, requests_per_s = 0;
  double goodput_requests_per_s = 0;  ///< completed within both SLOs
  double slo_attainment = 0;          ///< fraction of completed requests within both SLOs
  // KV memory (per GPU of one replica, bytes).
  double kv_budget_bytes = 0;
  double peak_kv_bytes = 0, peak_cached_bytes = 0, peak_host_bytes = 0;
  std::vector<TimelineBucket> timeline;
  // Prefix cache.
  int64_t prompt_tokens = 0, prefix_hit_tokens = 0;
  std::vector<int64_t> hit_blocks_by_tier;
  int64_t cache_evictions = 0;
  // Scheduling events.
  int64_t preemptions = 0, swaps_out = 0, swaps_in = 0;
  int64_t steps = 0, segments = 0;  ///< simulated steps, and runs of decode steps fast-forwarded
  // Hardware use (per GPU, averaged over busy time).
  double busy_s = 0;
  double hbm_bytes = 0;
  double hbm_utilization = 0;       ///< achieved bytes/s over the HBM peak, while busy
  std::array<double, 9> bound_s{};  ///< busy time per Bound
  std::vector<Invariant> invariants;
  std::vector<std::string> notes;

  bool invariants_ok() const;
};

/// Fills the latency distributions, counts, throughput, goodput, utilisation and the request-level
/// invariants from `res.requests` and the totals the replicas accumulated. SLOs of 0 are no limit.
void summarize(ReplayResult& res, double slo_ttft_s, double slo_tpot_s, double hbm_peak_bytes_s);

}  // namespace kvsim::serve
