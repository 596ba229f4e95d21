#pragma once
// A self-contained HTML page of a run result (no network needed to view it).

#include <string>

#include "kvsim/core/doc.h"

namespace kvsim::report {

/// The HTML report of `run_json` (a parsed `kvsim run` result, README "Run results").
std::string run_html(const core::Doc& run_json);

}  // namespace kvsim::report
