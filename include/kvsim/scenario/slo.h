#pragma once
// Service-level objectives of a scenario (`slo:` map) and whether a replay met them.
//
// A limit holds at a percentile: `ttft_s: 2, ttft_percentile: 99` means 99 % of requests see their
// first token within 2 s. Percentiles are taken over every arrived request, a dropped request
// counting as infinitely late, so dropping requests cannot make a deployment look faster.

#include <optional>
#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/serve/replay_result.h"

namespace kvsim::scenario {

struct SloSpec {
  double ttft_s = 0;  ///< time to first token limit (0 = none)
  double ttft_percentile = 99;
  double tpot_s = 0;  ///< time per output token limit (0 = none), per request mean after the first
  double tpot_percentile = 99;
  core::SourceLoc loc;

  bool any() const { return ttft_s > 0 || tpot_s > 0; }
};

/// Reads `slo:` {ttft_s, ttft_percentile, tpot_s, tpot_percentile}; percentiles in (0, 100].
SloSpec parse_slo(const core::Doc& node, const std::string& path = "slo");

struct SloResult {
  /// The latency at the SLO's percentile; nullopt when it is infinite (dropped requests) or there
  /// are no samples.
  std::optional<double> ttft_s, tpot_s;
  bool met = false;    ///< every limit holds (true when there are none and none dropped)
  int64_t within = 0;  ///< completed requests within both limits
};

SloResult evaluate_slo(const SloSpec& slo, const serve::ReplayResult& r);

/// The `pct` percentile (0-100] of `values` with linear interpolation between order statistics,
/// as serve::distribution_of computes p50/p90/p99; sorts `values`. +infinity sorts last.
double percentile(std::vector<double>& values, double pct);

}  // namespace kvsim::scenario
