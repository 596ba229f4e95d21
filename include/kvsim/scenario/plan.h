#pragma once
// Capacity planning by search over replays (`plan:` in a scenario):
//
//   plan:
//     min_gpus:            # the fewest GPUs (replicas × TP × PP) that meet the SLOs at a rate
//       rate_rps: 4.0      # target arrival rate; the workload's arrivals are rescaled to it
//       tp: [2, 4, 8]      # TP sizes to try (default: the scenario's parallelism.tp)
//       max_replicas: 32   # give up beyond this many replicas per TP size (default 64)
//     max_rate:            # the highest arrival rate a fleet sustains within the SLOs
//       tp: 4              # default: the scenario's parallelism.tp
//       replicas: 2        # default: the scenario's engine.replicas
//       max_rate_rps: 100  # search ceiling (default 1024 × the workload's own rate)
//       tolerance: 0.02    # relative width at which bisection stops (default 0.02)
//
// Both need `slo:` and `workload:`. The workload's own rate is (requests - 1) / last arrival;
// rescaling multiplies every arrival time by base / target (workload::TraceWindow::rate_scale).
// The searches assume the SLO verdict is monotone: more replicas never hurt, a higher rate never
// helps. Replicas grow by doubling, then bisect; rates likewise in log space.

#include <cstdint>
#include <optional>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/core/json.h"

namespace kvsim::scenario {

struct Scenario;
class WorkloadCache;

struct MinGpusPlan {
  double rate_rps = 0;
  std::vector<int64_t> tp;  ///< empty = the scenario's
  int64_t max_replicas = 64;
  core::SourceLoc loc;
};

struct MaxRatePlan {
  std::optional<int64_t> tp, replicas;
  double max_rate_rps = 0;  ///< 0 = 1024 × the workload's rate
  double tolerance = 0.02;
  core::SourceLoc loc;
};

struct PlanSpec {
  std::optional<MinGpusPlan> min_gpus;
  std::optional<MaxRatePlan> max_rate;
  core::SourceLoc loc;
};

PlanSpec parse_plan(const core::Doc& node, const std::string& path = "plan");

/// Runs the searches on `base` (the scenario without sweep values applied) and returns the JSON
/// `planning` object (README "Capacity planning"). `threads` replays run at once. Deterministic.
/// InputError when the scenario lacks an SLO or a workload.
core::Json run_plan(const PlanSpec& plan, const Scenario& base, WorkloadCache& cache,
                    int threads = 1);

}  // namespace kvsim::scenario
