#pragma once
// The `workload:` section of a scenario: a trace file or a generator spec, validated as a plain
// spec first and turned into requests when a point runs.
//
//   workload:
//     trace: {file: traces/x.jsonl, format: mooncake, start_s: 0, duration_s: 600,
//             max_requests: 500, rate_scale: 1.0}
//   # or
//   workload:
//     generator: {requests: 200, seed: 1, arrival: {impl: poisson, rate: 2}, ...}
//
// `file` is relative to the scenario's directory; `format` is optional (detected from the first
// line). The window keys (see workload::TraceWindow) apply to a trace only; a generator sets its
// own length and rate.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/workload/request.h"
#include "kvsim/workload/trace_window.h"

namespace kvsim::scenario {

struct WorkloadSpec {
  std::string trace_file;    ///< resolved path; empty for a generator
  std::string trace_format;  ///< "" = detect from the first line
  workload::TraceWindow window;
  core::Doc generator;  ///< the generator map (when trace_file is empty)
  core::SourceLoc loc, file_loc;

  /// Text that equals for equal workloads (to load each distinct one once).
  std::string key() const;
  /// Reads the trace (or generates the requests) and applies the window. InputErrors name the
  /// scenario keys; an empty result is an InputError at the workload.
  workload::RequestSet load() const;
};

/// Reads a `workload:` map. `scenario_file` resolves relative trace paths. A trace file must exist
/// (checked here); its rows and a generator's keys are checked by load().
WorkloadSpec parse_workload(const core::Doc& node, const std::string& scenario_file,
                            const std::string& path = "workload");

/// Loads each distinct workload once and shares it between the points that use it; thread-safe.
class WorkloadCache {
 public:
  std::shared_ptr<const workload::RequestSet> get(const WorkloadSpec& spec);

 private:
  struct Entry {
    std::once_flag once;
    std::shared_ptr<const workload::RequestSet> set;
    std::exception_ptr error;
  };
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;
};

}  // namespace kvsim::scenario
