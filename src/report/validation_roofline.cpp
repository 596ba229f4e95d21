// The roofline of a validation result in table form: measured points (achieved rates) beside the
// model's predicted rates, per family and decade of arithmetic intensity.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "kvsim/report/validation_report.h"

namespace kvsim::report {
namespace {

struct Cell {
  std::vector<double> intensity, measured, predicted;  // rates in TFLOP/s or GB/s
  bool flops = true;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// Decade of FLOP per byte ("1-10"); operators without arithmetic or bytes have their own rows.
std::pair<int, std::string> bucket(const perf::Sample& s) {
  if (s.flops <= 0) return {-100, "no arithmetic"};
  if (s.bytes <= 0) return {100, "no memory traffic"};
  const int e = static_cast<int>(std::floor(std::log10(s.flops / s.bytes)));
  const auto p = [](int x) {
    return x >= 0 ? fmt::format("{:.0f}", std::pow(10.0, x))
                  : fmt::format("{:g}", std::pow(10.0, x));
  };
  return {e, fmt::format("{}-{}", p(e), p(e + 1))};
}

using Key = std::tuple<std::string, int, std::string>;  // family, decade, label

std::map<Key, Cell> cells(const perf::ValidationResult& r) {
  std::map<Key, Cell> out;
  for (const perf::Sample& s : r.samples) {
    const auto [e, label] = bucket(s);
    Cell& c = out[{s.family, e, label}];
    c.flops = s.flops > 0;
    const double work = c.flops ? s.flops / 1e12 : s.bytes / 1e9;
    if (work <= 0) continue;  // launch-only rows: nothing to rate
    c.intensity.push_back(s.bytes > 0 ? s.flops / s.bytes : 0);
    c.measured.push_back(work / s.measured_s);
    c.predicted.push_back(work / s.predicted_s);
  }
  return out;
}

}  // namespace

std::string roofline_markdown(const perf::ValidationResult& r) {
  std::string out =
      "Medians per family and decade of arithmetic intensity (FLOP per byte of HBM, host and link "
      "traffic). Achieved = useful work / time; a model that tracks the measurements predicts the "
      "same rate.\n\n| family | FLOP/byte | rows | median FLOP/byte | measured | predicted | unit "
      "|\n"
      "|---|---|---:|---:|---:|---:|---|\n";
  for (const auto& [key, c] : cells(r)) {
    if (c.measured.empty()) continue;
    out += fmt::format("| {} | {} | {} | {:.3g} | {:.3g} | {:.3g} | {} |\n", std::get<0>(key),
                       std::get<2>(key), c.measured.size(), median(c.intensity), median(c.measured),
                       median(c.predicted), c.flops ? "TFLOP/s" : "GB/s");
  }
  return out;
}

core::Json roofline_json(const perf::ValidationResult& r) {
  core::Json a = core::Json::array();
  for (const auto& [key, c] : cells(r)) {
    if (c.measured.empty()) continue;
    a.push(core::Json::object()
               .set("family", std::get<0>(key))
               .set("intensity_bucket", std::get<2>(key))
               .set("rows", static_cast<int64_t>(c.measured.size()))
               .set("median_intensity", median(c.intensity))
               .set("measured", median(c.measured))
               .set("predicted", median(c.predicted))
               .set("unit", c.flops ? "TFLOP/s" : "GB/s"));
  }
  return a;
}

}  // namespace kvsim::report
