#pragma once
// A self-contained HTML page of a run result (no network needed to view it).

#include <string>

#include "kvsim/core/doc.h"

namespace kvsim::report {

/// The HTML report of `run_json` (a parsed `kvsim run` result, docs/reports.md): scenario header,
/// a summary table of the points, failed points with their errors, and inline SVG plots (KV memory
/// over time, latency CDFs, roofline, memory breakdown, SKU cost). No scripts, no external
/// resources; the same input gives the same bytes. InputError for a result that does not follow
/// the schema (naming the key).
std::string run_html(const core::Doc& run_json);

}  // namespace kvsim::report
