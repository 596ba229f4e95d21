#include <fmt/format.h>

#include "kvsim/perf/roofline.h"
#include "kvsim/report/json_parts.h"
#include "kvsim/report/replay_report.h"
#include "kvsim/version.h"

namespace kvsim::report {

namespace {

constexpr size_t kRejectedRowsShown = 20;

/// [[value, fraction], ...] (see serve::Distribution::cdf).
core::Json cdf_json(const serve::Distribution& d) {
  core::Json points = core::Json::array();
  for (const auto& [value, fraction] : d.cdf)
    points.push(core::Json::array().push(value).push(fraction));
  return points;
}

core::Json distribution_json(const serve::Distribution& d) {
  return core::Json::object()
      .set("n", static_cast<int64_t>(d.n))
      .set("mean", d.mean)
      .set("p50", d.p50)
      .set("p90", d.p90)
      .set("p99", d.p99)
      .set("max", d.max)
      .set("cdf", cdf_json(d));
}

core::Json bounds_json(const std::array<double, 9>& seconds, double total) {
  core::Json j = core::Json::object();
  for (size_t b = 0; b < seconds.size(); ++b) {
    if (seconds[b] > 0)
      j.set(perf::to_string(static_cast<perf::Bound>(b)), total > 0 ? seconds[b] / total : 0.0);
  }
  return j;
}

core::Json trace_json(const workload::RequestSet& t) {
  core::Json rejected = core::Json::array();
  for (size_t i = 0; i < t.rejected.size() && i < kRejectedRowsShown; ++i) {
    rejected.push(
        core::Json::object().set("line", t.rejected[i].line).set("reason", t.rejected[i].reason));
  }
  core::Json notes = core::Json::array();
  for (const auto& n : t.notes)
    notes.push(n);
  return core::Json::object()
      .set("source", t.source)
      .set("format", t.format)
      .set("rows_read", t.rows_read)
      .set("requests", static_cast<int64_t>(t.requests.size()))
      .set("rejected", t.rejected_count)
      .set("out_of_order", t.out_of_order)
      .set("rejected_rows", std::move(rejected))
      .set("notes", std::move(notes));
}

core::Json timeline_json(const serve::ReplayResult& r) {
  core::Json out = core::Json::array();
  for (const serve::TimelineBucket& b : r.timeline) {
    const double w = b.width_s > 0 ? b.width_s : 1;
    out.push(core::Json::object()
                 .set("t_s", b.start_s)
                 .set("width_s", b.width_s)
                 .set("used_bytes_mean", b.mean.used_bytes)
                 .set("used_bytes_peak", b.peak.used_bytes)
                 .set("cached_bytes_mean", b.mean.cached_bytes)
                 .set("fragmented_bytes_mean", b.mean.fragmented_bytes)
                 .set("host_bytes_mean", b.mean.host_bytes)
                 .set("running_mean", b.mean.running)
                 .set("waiting_mean", b.mean.waiting)
                 .set("busy_fraction", b.busy_s / w)
                 .set("hbm_bytes_per_s", b.hbm_bytes / w)
                 .set("tokens_per_s", b.tokens / w)
                 .set("bound_fraction", bounds_json(b.bound_s, b.busy_s)));
  }
  return out;
}

}  // namespace

core::Json replay_json(const serve::Deployment& d, const workload::RequestSet& trace,
                       const serve::ReplayResult& r) {
  core::Json j = core::Json::object();
  j.set("schema_version", kReplaySchemaVersion)
      .set("kvsim_version", KVSIM_VERSION)
      .set("command", "replay");
  j.set("deployment", core::Json::object()
                          .set("model", d.model->name)
                          .set("hardware", d.hardware->name)
                          .set("tp", d.parallelism.tp)
                          .set("pp", d.parallelism.pp)
                          .set("ep", d.parallelism.ep)
                          .set("replicas", d.config.replicas)
                          .set("gpus", d.parallelism.gpus() * d.config.replicas)
                          .set("kv_policy", kv_policy_json(d.policy))
                          .set("engine", d.config.describe()));
  j.set("trace", trace_json(trace));
  core::Json by_reason = core::Json::object();
  for (size_t i = 1; i < r.dropped_by_reason.size(); ++i) {
    by_reason.set(serve::to_string(static_cast<serve::DropReason>(i)), r.dropped_by_reason[i]);
  }
  j.set("requests", core::Json::object()
                        .set("arrived", r.arrived)
                        .set("completed", r.completed)
                        .set("dropped", r.dropped)
                        .set("dropped_by_reason", std::move(by_reason)));
  j.set("latency_s", core::Json::object()
                         .set("ttft", distribution_json(r.ttft))
                         .set("tpot", distribution_json(r.tpot))
                         .set("e2e", distribution_json(r.e2e))
                         .set("queueing", distribution_json(r.queueing)));
  j.set("throughput", core::Json::object()
                          .set("makespan_s", r.makespan_s)
                          .set("input_tokens_per_s", r.input_tokens_per_s)
                          .set("output_tokens_per_s", r.output_tokens_per_s)
                          .set("requests_per_s", r.requests_per_s)
                          .set("goodput_requests_per_s", r.goodput_requests_per_s)
                          .set("slo_attainment", r.slo_attainment)
                          .set("slo_ttft_s", d.config.slo_ttft_s)
                          .set("slo_tpot_s", d.config.slo_tpot_s));
  j.set("kv", core::Json::object()
                  .set("budget_bytes", r.kv_budget_bytes)
                  .set("peak_used_bytes", r.peak_kv_bytes)
                  .set("peak_used_fraction",
                       r.kv_budget_bytes > 0 ? r.peak_kv_bytes / r.kv_budget_bytes : 0.0)
                  .set("peak_cached_bytes", r.peak_cached_bytes)
                  .set("peak_host_bytes", r.peak_host_bytes));
  core::Json tiers = core::Json::object();
  for (size_t i = 0; i < r.hit_blocks_by_tier.size(); ++i) {
    tiers.set(i == 0                      ? std::string("hbm")
              : d.policy.tiers.size() > i ? d.policy.tiers[i]->name()
                                          : fmt::format("tier{}", i),
              r.hit_blocks_by_tier[i]);
  }
  j.set("prefix_cache",
        core::Json::object()
            .set("enabled", d.policy.find_sharing("prefix") != nullptr)
            .set("prompt_tokens", r.prompt_tokens)
            .set("hit_tokens", r.prefix_hit_tokens)
            .set("hit_rate", r.prompt_tokens > 0 ? static_cast<double>(r.prefix_hit_tokens) /
                                                       static_cast<double>(r.prompt_tokens)
                                                 : 0.0)
            .set("hit_blocks_by_tier", std::move(tiers))
            .set("evictions", r.cache_evictions));
  j.set("scheduling", core::Json::object()
                          .set("steps", r.steps)
                          .set("fast_forward_runs", r.segments)
                          .set("preemptions", r.preemptions)
                          .set("swaps_out", r.swaps_out)
                          .set("swaps_in", r.swaps_in));
  j.set("hardware_use", core::Json::object()
                            .set("busy_s", r.busy_s)
                            .set("hbm_bytes", r.hbm_bytes)
                            .set("hbm_utilization", r.hbm_utilization)
                            .set("bound_fraction", bounds_json(r.bound_s, r.busy_s)));
  j.set("timeline", timeline_json(r));
  core::Json inv = core::Json::array();
  for (const serve::Invariant& i : r.invariants) {
    inv.push(core::Json::object().set("name", i.name).set("ok", i.ok).set("detail", i.detail));
  }
  j.set("invariants_ok", r.invariants_ok()).set("invariants", std::move(inv));
  core::Json notes = core::Json::array();
  for (const auto& n : r.notes)
    notes.push(n);
  j.set("notes", std::move(notes));
  return j;
}

}  // namespace kvsim::report
