#pragma once
// The `kvsim run` result (schema_version 1; README "Run results"): JSON built from the results,
// and Markdown and CSV rendered from that JSON, so a merged run renders exactly like a single
// one. `kvsim merge` combines shard results into the JSON a single run writes, byte for byte.

#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/core/json.h"
#include "kvsim/scenario/run.h"
#include "kvsim/scenario/sweep.h"

namespace kvsim::report {

/// Version of the run JSON layout; bumped when keys change meaning or disappear.
inline constexpr int kRunSchemaVersion = 1;

struct RunMeta {
  std::string command = "run";  ///< "run" or "compare"
  int64_t shard_index = 1, shard_count = 1;
};

/// One point's JSON object (`points[]`).
core::Json point_json(const scenario::ScenarioFile& file, const scenario::PointResult& p);

/// The whole result. With one shard and a comparison, includes `compare`.
core::Json run_json(const scenario::ScenarioFile& file, const scenario::RunResults& r,
                    const RunMeta& meta);

/// Combines shard results (any order) into the JSON of the whole run. InputError (naming the
/// file) when they come from different scenarios or versions, a shard is missing or repeated, or
/// a document is not a run result. `files` names the shards for errors.
core::Json merge_runs(const std::vector<core::Doc>& shards, const std::vector<std::string>& files);

/// The `compare` object of a complete run: per SKU its cheapest SLO-meeting point, ranked by $
/// per million tokens. Reads `sweep.compare_hardware`.
core::Json compare_json(const core::Doc& run);

/// Markdown for PR comments: the points table with key metrics, SLO and cost, failures, the SKU
/// comparison and the planning answers.
std::string run_markdown(const core::Doc& run);
/// Tidy CSV: one row per point, flat columns (for pandas).
std::string run_csv(const core::Doc& run);

/// A number from a run document (`null` and missing keys give `fallback`).
double doc_number(const core::Doc* node, double fallback = 0);
/// The node at a dotted path ("metrics.ttft_p99"), or nullptr.
const core::Doc* doc_at(const core::Doc& root, const std::string& path);

}  // namespace kvsim::report
