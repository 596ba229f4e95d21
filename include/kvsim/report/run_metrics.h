#pragma once
// The flat metrics of a run point (`points[*].metrics`, docs/reports.md): their names, units and
// which direction is better, shared by the HTML tables and the CI gate.

#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/svg.h"

namespace kvsim::report {

struct MetricInfo {
  std::string_view name;
  std::string_view title;  ///< short column heading
  core::svg::Unit unit;
  std::string_view suffix;  ///< after number units ("tok/s")
  bool higher_is_better;
};

/// The metrics of schema_version 1, in the order the contract lists them.
const std::vector<MetricInfo>& run_metrics();
/// The entry for `name`, or nullptr.
const MetricInfo* find_metric(std::string_view name);
/// All names (for "did you mean" suggestions).
std::vector<std::string> run_metric_names();
/// `value` in the metric's unit ("$0.391", "2.01 s", "46.1 GiB", "1.21k tok/s", "99.2%", "yes");
/// unknown metrics print as plain numbers.
std::string format_metric(std::string_view name, double value);

}  // namespace kvsim::report
