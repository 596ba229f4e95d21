// Tidy CSV of a run result: one row per point, flat columns, for pandas.

#include "kvsim/report/run_report.h"

namespace kvsim::report {
namespace {

// Columns after the sweep parameters: header name and path in a point.
const std::vector<std::pair<const char*, const char*>>& columns() {
  static const std::vector<std::pair<const char*, const char*>> c = {
      {"model", "deployment.model"},
      {"hardware", "deployment.hardware"},
      {"tp", "deployment.tp"},
      {"pp", "deployment.pp"},
      {"ep", "deployment.ep"},
      {"replicas", "deployment.replicas"},
      {"gpus", "deployment.gpus"},
      {"kv_attention", "deployment.kv_policy.attention"},
      {"kv_precision", "deployment.kv_policy.precision"},
      {"kv_retention", "deployment.kv_policy.retention"},
      {"kv_allocation", "deployment.kv_policy.allocation"},
      {"slo_met", "metrics.slo_met"},
      {"cost_per_mtok", "metrics.cost_per_mtok"},
      {"cost_per_request", "metrics.cost_per_request"},
      {"usd_per_mtok_input", "cost.usd_per_mtok_input"},
      {"usd_per_mtok_output", "cost.usd_per_mtok_output"},
      {"usd_per_gpu_hour", "cost.usd_per_gpu_hour"},
      {"energy_usd_per_hour", "cost.energy_usd_per_hour"},
      {"usd_per_hour", "cost.usd_per_hour"},
      {"usd_total", "cost.usd_total"},
      {"duration_s", "cost.duration_s"},
      {"ttft_p50", "metrics.ttft_p50"},
      {"ttft_p99", "metrics.ttft_p99"},
      {"tpot_p50", "metrics.tpot_p50"},
      {"tpot_p99", "metrics.tpot_p99"},
      {"e2e_p99", "metrics.e2e_p99"},
      {"ttft_at_slo_percentile", "slo.ttft_at_percentile_s"},
      {"tpot_at_slo_percentile", "slo.tpot_at_percentile_s"},
      {"slo_attainment", "metrics.slo_attainment"},
      {"goodput_requests_per_s", "metrics.goodput_requests_per_s"},
      {"input_tokens_per_s", "metrics.input_tokens_per_s"},
      {"output_tokens_per_s", "metrics.output_tokens_per_s"},
      {"prefix_hit_rate", "metrics.prefix_hit_rate"},
      {"preemptions", "metrics.preemptions"},
      {"dropped", "metrics.dropped"},
      {"peak_kv_bytes", "metrics.peak_kv_bytes"},
      {"kv_budget_bytes", "memory.per_gpu.kv_budget_bytes"},
      {"weights_bytes", "memory.per_gpu.weights_bytes"},
      {"activations_bytes", "memory.per_gpu.activations_bytes"},
      {"runtime_reserved_bytes", "memory.per_gpu.runtime_reserved_bytes"},
      {"capacity_context", "capacity.query.context"},
      {"capacity_max_sequences", "capacity.capacity.max_sequences"},
      {"capacity_max_context", "capacity.capacity.max_context_batch1"},
  };
  return c;
}

std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string value(const core::Doc* d) {
  if (!d || d->is_null()) return "";
  if (d->is_scalar()) return d->text;
  return field("");
}

}  // namespace

std::string run_csv(const core::Doc& run) {
  std::vector<std::string> axes;
  for (const core::Doc& a : doc_at(run, "sweep.axes")->items)
    axes.push_back(a.find("key")->text);
  std::string o = "id,label,status,error";
  for (const std::string& a : axes)
    o += "," + field(a);
  for (const auto& [name, path] : columns())
    o += std::string(",") + name;
  o += "\n";
  for (const core::Doc& p : run.find("points")->items) {
    o += field(p.find("id")->text) + "," + field(p.find("label")->text) + "," +
         field(p.find("status")->text) + "," + field(p.find("error") ? p.find("error")->text : "");
    for (const std::string& a : axes) {
      const core::Doc* v = p.find("params")->find(a);
      o += "," + field(v ? v->text : "");
    }
    for (const auto& [name, path] : columns())
      o += "," + field(value(doc_at(p, path)));
    o += "\n";
  }
  return o;
}

}  // namespace kvsim::report
