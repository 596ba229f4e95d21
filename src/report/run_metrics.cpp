#include "kvsim/report/run_metrics.h"

#include <fmt/format.h>

#include <cmath>

#include "kvsim/core/units.h"

namespace kvsim::report {

using core::svg::Unit;

const std::vector<MetricInfo>& run_metrics() {
  static const std::vector<MetricInfo> metrics = {
      {"cost_per_mtok", "$/Mtok", Unit::usd, "", false},
      {"cost_per_request", "$/request", Unit::usd, "", false},
      {"ttft_p50", "TTFT p50", Unit::seconds, "", false},
      {"ttft_p99", "TTFT p99", Unit::seconds, "", false},
      {"tpot_p50", "TPOT p50", Unit::seconds, "", false},
      {"tpot_p99", "TPOT p99", Unit::seconds, "", false},
      {"e2e_p99", "end-to-end p99", Unit::seconds, "", false},
      {"peak_kv_bytes", "peak KV/GPU", Unit::bytes, "", false},
      {"output_tokens_per_s", "output tok/s", Unit::number, "tok/s", true},
      {"input_tokens_per_s", "input tok/s", Unit::number, "tok/s", true},
      {"goodput_requests_per_s", "goodput", Unit::number, "req/s", true},
      {"slo_attainment", "SLO attainment", Unit::fraction, "", true},
      {"prefix_hit_rate", "prefix hit rate", Unit::fraction, "", true},
      {"preemptions", "preemptions", Unit::number, "", false},
      {"dropped", "dropped", Unit::number, "", false},
      {"slo_met", "SLO met", Unit::number, "", true},
  };
  return metrics;
}

const MetricInfo* find_metric(std::string_view name) {
  for (const MetricInfo& m : run_metrics()) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

std::vector<std::string> run_metric_names() {
  std::vector<std::string> names;
  for (const MetricInfo& m : run_metrics())
    names.emplace_back(m.name);
  return names;
}

std::string format_metric(std::string_view name, double value) {
  if (name == "slo_met") return value != 0 ? "yes" : "no";
  const MetricInfo* m = find_metric(name);
  const bool whole = std::isfinite(value) && value == std::floor(value) && std::abs(value) < 1e15;
  if (!m) return whole ? fmt::format("{:.0f}", value) : fmt::format("{:.4g}", value);
  if (m->unit == Unit::number && m->suffix.empty() && whole) return fmt::format("{:.0f}", value);
  // Rates read best as grouped whole numbers ("1,208 tok/s") until they need a prefix.
  if (m->unit == Unit::number && std::abs(value) >= 100 && std::abs(value) < 1e7)
    return core::group_digits(std::llround(value)) + " " + std::string(m->suffix);
  return core::svg::format_value(value, m->unit, m->suffix);
}

}  // namespace kvsim::report
