#include "kvsim/scenario/sweep.h"

#include <fmt/format.h>

#include <algorithm>

#include "kvsim/core/checked.h"
#include "kvsim/core/doc_ops.h"
#include "kvsim/core/reader.h"
#include "kvsim/core/resources.h"
#include "kvsim/core/suggest.h"

namespace kvsim::scenario {
namespace {

constexpr int64_t kMaxPoints = 100'000'000;

std::vector<std::string> sweepable_keys() {
  std::vector<std::string> out;
  for (const std::string& k : scenario_keys()) {
    if (k != "name" && k != "description" && k != "sweep" && k != "plan" && k != "compare")
      out.push_back(k);
  }
  return out;
}

SweepAxis read_axis(const core::Doc& key, const core::Doc& values) {
  SweepAxis a;
  a.key = key.text;
  a.loc = key.loc;
  a.path = core::split_key_path(key.text, key.loc);
  const std::vector<std::string> allowed = sweepable_keys();
  if (std::find(allowed.begin(), allowed.end(), a.path[0]) == allowed.end()) {
    core::fail_at(key.loc,
                  fmt::format("sweep: '{}' does not start with a scenario key{} "
                              "(sweepable: {})",
                              a.key, core::did_you_mean(a.path[0], allowed), core::join(allowed)));
  }
  const std::string what = "sweep." + a.key;
  if (values.is_sequence()) {
    for (const core::Doc& v : values.items)
      a.values.push_back({v, core::doc_inline(v), false});
  } else if (values.is_map()) {
    for (const auto& [k, v] : values.entries)
      a.values.push_back({v, k.text, true});
  } else {
    core::fail_at(values.loc, fmt::format("{}: expected a list of values or a map of named "
                                          "variants, got {}",
                                          what, values.describe()));
  }
  if (a.values.empty()) core::fail_at(values.loc, what + ": an axis needs at least one value");
  for (size_t i = 0; i < a.values.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (a.values[i].label == a.values[j].label) {
        core::fail_at(a.values[i].value.loc,
                      fmt::format("{}: '{}' appears twice", what, a.values[i].label));
      }
    }
  }
  return a;
}

void check_overlaps(const std::vector<SweepAxis>& axes) {
  for (size_t i = 0; i < axes.size(); ++i) {
    for (size_t j = 0; j < axes.size(); ++j) {
      const auto& a = axes[i].path;
      const auto& b = axes[j].path;
      if (i != j && a.size() < b.size() && std::equal(a.begin(), a.end(), b.begin())) {
        core::fail_at(axes[j].loc, fmt::format("sweep: '{}' lies inside the axis '{}'; sweep one "
                                               "or the other",
                                               axes[j].key, axes[i].key));
      }
    }
  }
}

std::vector<std::string> read_names(const core::Doc& node, const std::string& what) {
  std::vector<std::string> out;
  if (!node.is_sequence() || node.items.empty())
    core::fail_at(node.loc, what + ": expected a non-empty list of hardware names or paths");
  for (const core::Doc& item : node.items) {
    std::string n = core::read_string(item, what);
    if (std::find(out.begin(), out.end(), n) != out.end())
      core::fail_at(item.loc, fmt::format("{}: '{}' appears twice", what, n));
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

int64_t ScenarioFile::point_count() const {
  int64_t n = 1;
  for (const SweepAxis& a : axes) {
    n *= static_cast<int64_t>(a.values.size());
    if (n > kMaxPoints) {
      core::fail_at(a.loc, fmt::format("sweep: more than {} points; split the sweep", kMaxPoints));
    }
  }
  return n;
}

std::vector<size_t> ScenarioFile::coordinates(int64_t index) const {
  std::vector<size_t> c(axes.size());
  for (size_t k = axes.size(); k-- > 0;) {
    const auto n = static_cast<int64_t>(axes[k].values.size());
    c[k] = static_cast<size_t>(index % n);
    index /= n;
  }
  return c;
}

core::Doc ScenarioFile::point_doc(int64_t index) const {
  core::Doc d = doc;
  const std::vector<size_t> c = coordinates(index);
  for (size_t k = 0; k < axes.size(); ++k) {
    core::set_doc_path(d, axes[k].path, axes[k].values[c[k]].value, axes[k].loc,
                       "sweep." + axes[k].key);
  }
  return d;
}

std::string ScenarioFile::point_id(int64_t index) const {
  const int64_t last = std::max<int64_t>(point_count() - 1, 0);
  const int width = std::max<int>(4, static_cast<int>(std::to_string(last).size()));
  return fmt::format("p{:0{}}", index, width);
}

std::string ScenarioFile::point_label(int64_t index) const {
  std::string s;
  const std::vector<size_t> c = coordinates(index);
  for (size_t k = 0; k < axes.size(); ++k)
    s += fmt::format("{}{}={}", k ? ", " : "", axes[k].key, axes[k].values[c[k]].label);
  return s;
}

core::Json ScenarioFile::point_params(int64_t index) const {
  core::Json p = core::Json::object();
  const std::vector<size_t> c = coordinates(index);
  for (size_t k = 0; k < axes.size(); ++k) {
    const SweepValue& v = axes[k].values[c[k]];
    p.set(axes[k].key,
          !v.named && v.value.is_scalar() ? core::json_from_doc(v.value) : core::Json(v.label));
  }
  return p;
}

std::string ScenarioFile::param_text(int64_t index, const std::string& key) const {
  const std::vector<size_t> c = coordinates(index);
  for (size_t k = 0; k < axes.size(); ++k) {
    if (axes[k].key == key) return axes[k].values[c[k]].label;
  }
  return "";
}

ScenarioFile scenario_file_from_doc(const core::Doc& doc, const std::string& file_label) {
  core::MapReader top(doc);
  ScenarioFile f;
  f.file = file_label;
  f.name = top.string("name");
  f.description = top.maybe_string("description").value_or("");
  f.doc = core::Doc::map(doc.loc);
  for (const auto& [k, v] : doc.entries) {
    if (k.text != "sweep" && k.text != "plan" && k.text != "compare")
      f.doc.entries.emplace_back(k, v);
  }
  if (const core::Doc* sweep = doc.find("sweep")) {
    if (!sweep->is_map() || sweep->entries.empty())
      core::fail_at(sweep->loc, "sweep: expected a map of key paths to lists of values");
    for (const auto& [k, v] : sweep->entries)
      f.axes.push_back(read_axis(k, v));
    check_overlaps(f.axes);
  }
  if (const core::Doc* plan = doc.find("plan")) f.plan = parse_plan(*plan);
  if (const core::Doc* cmp = doc.find("compare")) {
    core::MapReader m(*cmp, "compare");
    f.compare_loc = cmp->loc;
    f.compare_hardware = read_names(m.require("hardware"), "compare.hardware");
    m.finish();
    set_hardware_axis(f, f.compare_hardware, f.compare_loc);
  }
  f.point_count();  // rejects absurd products early
  return f;
}

ScenarioFile read_scenario_file(const std::string& path) {
  if (path.empty()) {
    const core::Resource* r = core::find_builtin("scenarios/default.yaml");
    if (!r) throw core::RuntimeError("internal error: the default scenario is not embedded");
    return scenario_file_from_doc(core::parse_builtin(*r), "<built-in default>");
  }
  return scenario_file_from_doc(core::load_document_file(path), path);
}

void set_hardware_axis(ScenarioFile& f, const std::vector<std::string>& names,
                       const core::SourceLoc& where) {
  SweepAxis a;
  a.key = "hardware";
  a.path = {"hardware"};
  a.loc = where;
  for (const std::string& n : names)
    a.values.push_back({core::Doc::scalar(n, where), n, false});
  for (SweepAxis& existing : f.axes) {
    if (existing.path[0] == "hardware") {
      if (existing.path.size() > 1) {
        core::fail_at(existing.loc, fmt::format("sweep: '{}' conflicts with comparing hardware; "
                                                "remove it",
                                                existing.key));
      }
      existing = a;
      return;
    }
  }
  f.axes.insert(f.axes.begin(), a);
}

}  // namespace kvsim::scenario
