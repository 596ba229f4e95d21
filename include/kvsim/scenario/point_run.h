#pragma once
// Running one scenario point: the capacity question, the replay of its workload, the SLO verdict,
// the memory breakdown, a roofline sample of representative steps, and the cost. A point that
// cannot run (the model does not fit, TP does not divide the heads, ...) is a result with an
// error, not an exception, so the other points of a sweep complete.

#include <memory>
#include <optional>
#include <string>

#include "kvsim/cost/cost.h"
#include "kvsim/perf/capacity.h"
#include "kvsim/perf/step.h"
#include "kvsim/scenario/scenario.h"
#include "kvsim/scenario/slo.h"
#include "kvsim/serve/engine.h"

namespace kvsim::scenario {

/// One decode step and one prefill chunk at the replay's typical load, with per-operator costs.
struct RooflineSample {
  int64_t decode_seqs = 0;     ///< sequences in the decode step (mean running while busy)
  int64_t decode_context = 0;  ///< tokens each attends to (mean prompt + half the output)
  int64_t prefill_tokens = 0;  ///< chunk length (mean prompt, at most max_batched_tokens)
  perf::StepCost decode, prefill;
};

struct ReplayOutcome {
  serve::Deployment deployment;  ///< as replayed (defaults filled; points into the Scenario)
  std::shared_ptr<const workload::RequestSet> requests;
  serve::ReplayResult replay;
  perf::MemoryPlan memory;
  size_t binding_stage = 0;  ///< stage with the smallest KV budget
  SloResult slo;
  RooflineSample roofline;
  double input_time_share = 0;
  cost::Cost cost;
};

struct PointResult {
  int64_t index = 0;
  std::string error;  ///< "file:line:col: error: ..." when the point failed; then nothing else
  std::shared_ptr<const Scenario> spec;
  std::optional<perf::CapacityResult> capacity;
  std::optional<ReplayOutcome> run;

  bool ok() const { return error.empty(); }
};

/// Replays `requests` on `spec` (a copy of the requests with arrivals scaled by `rate_scale`
/// when it is not 1). Throws core::ConfigError / core::InputError when the point cannot run.
ReplayOutcome replay_point(const Scenario& spec,
                           std::shared_ptr<const workload::RequestSet> requests,
                           double rate_scale = 1);

/// Runs everything `spec` asks for; errors become PointResult::error with the location of the
/// setting to blame.
/// The answer to the scenario's capacity question (spec.capacity must be set). A batch whose bytes
/// overflow 64 bits is a ConfigError at `capacity.batch`.
perf::CapacityResult answer_capacity(const Scenario& spec);

PointResult run_point(std::shared_ptr<const Scenario> spec, int64_t index, WorkloadCache& cache);

/// "file:line:col: error: message" for an exception thrown while running `spec`.
std::string describe_point_error(const Scenario& spec, std::exception_ptr e);

}  // namespace kvsim::scenario
