#pragma once
// Running the points of a scenario file: all of them, or one shard's deterministic slice, on a
// pool of threads. Results are stored by point index, so the output does not depend on the thread
// count or on which thread ran what.

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "kvsim/core/json.h"
#include "kvsim/scenario/point_run.h"
#include "kvsim/scenario/sweep.h"

namespace kvsim::scenario {

struct RunOptions {
  int threads = 1;
  int64_t shard_index = 1;  ///< 1-based
  int64_t shard_count = 1;
  /// Called after each point (from worker threads, one call at a time): points done, of total.
  std::function<void(int64_t, int64_t)> progress;
};

/// The points of shard `index` (1-based) of `count`: every count-th point starting at index - 1,
/// so shards of a sweep whose slow points cluster along one axis stay balanced.
std::vector<int64_t> shard_points(int64_t total, int64_t index, int64_t count);

struct RunResults {
  std::vector<PointResult> points;  ///< this shard's, by index
  std::optional<core::Json> planning;
};

/// Parses every point of the shard (InputErrors propagate: the run has not started), loads each
/// distinct workload once (likewise), then runs the points. A point that fails is a result with
/// its error. Shard 1 also runs the file's `plan:` on the base scenario.
RunResults run_scenario(const ScenarioFile& file, const RunOptions& options);

/// Parses every point (InputErrors propagate) and loads every distinct workload, without
/// replaying. Returns each point that will fail when run (e.g. the model does not fit) with its
/// error ("file:line:col: error: ..."); empty when all look runnable.
std::vector<std::pair<int64_t, std::string>> check_scenario(const ScenarioFile& file,
                                                            int threads = 1);

}  // namespace kvsim::scenario
