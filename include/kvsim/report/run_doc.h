#pragma once
// A `kvsim run` result (schema_version 1, docs/reports.md) read back into plain structs for the
// writers that consume it: the HTML page and the CI gate. Reading is strict about what it uses
// (a missing key or a wrong type is an InputError naming the key path, e.g.
// "points[2].metrics.ttft_p99", at its line and column) and lenient about what it does not:
// unknown keys are ignored so that newer writers may add keys within schema 1.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kvsim/core/doc.h"

namespace kvsim::report {

/// The run JSON version this reader understands.
inline constexpr int64_t kRunDocSchemaVersion = 1;

struct LatencyView {
  int64_t n = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;  ///< seconds
  std::vector<std::pair<double, double>> cdf;           ///< (seconds, fraction of requests)
};

struct TimelinePoint {
  double t_s = 0;
  double used_bytes_mean = 0, used_bytes_peak = 0;  ///< KV bytes per GPU
};

struct ReplayView {
  LatencyView ttft, tpot, e2e;
  std::vector<TimelinePoint> timeline;
  double kv_budget_bytes = 0;
};

struct OperatorView {
  std::string name, phase, bound;
  double flops = 0, hbm_bytes = 0, time_s = 0;
};

struct RooflineView {
  std::string hardware;
  double hbm_bytes_per_s = 0, l2_bytes_per_s = 0;
  std::vector<std::pair<std::string, double>> peak_flops;  ///< dtype -> FLOP/s, in file order
  std::vector<OperatorView> operators;
};

/// Per GPU, bytes. `peak_kv_used_bytes` is absent when the point was not replayed.
struct MemoryView {
  double capacity_bytes = 0, weights_bytes = 0, activations_bytes = 0, runtime_reserved_bytes = 0,
         kv_budget_bytes = 0;
  std::optional<double> peak_kv_used_bytes;
};

struct CostView {
  double usd_per_gpu_hour = 0, usd_per_hour = 0;
  int64_t gpus = 0;
  std::optional<double> usd_per_mtok_input, usd_per_mtok_output, usd_per_mtok, usd_per_request;
};

struct SloView {
  std::optional<double> ttft_s, tpot_s;  ///< absent: no limit
  double ttft_percentile = 99, tpot_percentile = 99;
  bool met = false;
};

struct Metric {
  std::string name;
  std::optional<double> value;  ///< JSON null: not defined for this point (e.g. no tokens)
  core::SourceLoc loc;
};

struct RunPoint {
  core::SourceLoc loc;
  std::string id, label, status, error;
  std::vector<std::pair<std::string, std::string>> params;  ///< values rendered inline
  // The rest is present when status == "ok"; sections a point did not run are empty.
  std::string model, hardware, hardware_name;
  int64_t tp = 1, pp = 1, replicas = 1, gpus = 1;
  MemoryView memory;
  std::optional<ReplayView> replay;
  std::optional<RooflineView> roofline;
  std::optional<CostView> cost;
  std::optional<SloView> slo;
  std::vector<Metric> metrics;  ///< in file order

  bool ok() const { return status == "ok"; }
  const Metric* metric(std::string_view name) const;
};

/// One SKU of a comparison: its cheapest SLO-meeting point (empty when none meets the SLO).
struct CompareEntry {
  std::string hardware, point;
  std::optional<double> usd_per_mtok;
  int64_t gpus = 0;
  bool slo_met = false;
};

struct SweepAxis {
  std::string key;
  std::vector<std::string> values;  ///< rendered inline
};

struct RunDoc {
  std::string file;  ///< where it was read from, for messages
  int64_t schema_version = 0;
  std::string kvsim_version, command;
  std::string scenario_name, scenario_description, scenario_file;
  std::vector<SweepAxis> axes;
  int64_t sweep_points = 0, shard_index = 1, shard_count = 1;
  std::vector<RunPoint> points;
  std::optional<std::vector<CompareEntry>> compare;

  const RunPoint* find(std::string_view id) const;
};

/// Reads a parsed run result. InputError (at the offending node, naming its key path) for a
/// schema_version other than 1, a missing key, a wrong type, or a duplicate point id.
RunDoc read_run_doc(const core::Doc& doc);
/// Reads and parses a run result file (strict JSON); a missing file is an InputError naming it.
RunDoc load_run_doc(const std::string& path);

}  // namespace kvsim::report
