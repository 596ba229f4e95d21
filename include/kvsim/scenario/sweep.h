#pragma once
// A scenario file: the base scenario plus sweep axes, capacity planning (`plan:`) and SKU
// comparison (`compare:`). Points are the cartesian product of the axes; each is the base
// document with every axis's key path set to one of its values, then parsed as a Scenario.
//
//   sweep:
//     kv.precision: [bf16, fp8]            # a list: values, labelled as written
//     hardware: [h100-sxm, h200]
//     kv:                                   # a map: named variants (the name is the label)
//       gqa: {}
//       fp8: {precision: fp8}
//
// A value replaces whatever the key held (maps are not merged). Point i's coordinates count in
// mixed radix with the last axis fastest, so the first axis varies slowest; ids are "p" + i
// zero-padded to at least four digits, stable for a given file.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/core/json.h"
#include "kvsim/scenario/plan.h"
#include "kvsim/scenario/scenario.h"

namespace kvsim::scenario {

struct SweepValue {
  core::Doc value;
  std::string label;  ///< variant name, or the value written inline
  bool named = false;
};

struct SweepAxis {
  std::string key;  ///< dotted path, e.g. "kv.precision"
  std::vector<std::string> path;
  core::SourceLoc loc;
  std::vector<SweepValue> values;
};

struct ScenarioFile {
  core::Doc doc;     ///< the file as written, without `sweep`, `plan` and `compare`
  std::string file;  ///< the path as given, or "<built-in default>"
  std::string name, description;
  std::vector<SweepAxis> axes;
  std::optional<PlanSpec> plan;
  std::vector<std::string> compare_hardware;  ///< from `compare: {hardware: [...]}`
  core::SourceLoc compare_loc;

  /// Points in the full product (1 without axes).
  int64_t point_count() const;
  /// Index of each axis's value for point `index`.
  std::vector<size_t> coordinates(int64_t index) const;
  core::Doc point_doc(int64_t index) const;
  Scenario point(int64_t index) const { return parse_scenario(point_doc(index)); }
  std::string point_id(int64_t index) const;
  /// "kv.precision=fp8, hardware=h200" ("" without axes).
  std::string point_label(int64_t index) const;
  /// {axis key: value}: scalars as JSON scalars, named variants by name, other values inline.
  core::Json point_params(int64_t index) const;
  /// The value of axis `key` at point `index` as params shows it, or "" when there is no such axis.
  std::string param_text(int64_t index, const std::string& key) const;
};

/// Reads `path`, or the built-in default scenario when `path` is empty. Sweep keys must start with
/// a scenario key (with a suggestion for typos); deeper keys are checked when points are parsed.
ScenarioFile read_scenario_file(const std::string& path);
ScenarioFile scenario_file_from_doc(const core::Doc& doc, const std::string& file_label);

/// Makes `names` the `hardware` axis (replacing one the sweep has, else as the first axis), for
/// comparisons. `where` locates errors about it.
void set_hardware_axis(ScenarioFile& f, const std::vector<std::string>& names,
                       const core::SourceLoc& where);

}  // namespace kvsim::scenario
