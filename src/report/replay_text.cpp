#include <fmt/format.h>

#include "kvsim/core/units.h"
#include "kvsim/perf/roofline.h"
#include "kvsim/report/replay_report.h"

namespace kvsim::report {

namespace {

std::string ms_row(const char* name, const serve::Distribution& d) {
  if (d.n == 0) return fmt::format("  {:<10} (none)\n", name);
  return fmt::format("  {:<10} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f} {:>10.1f}\n", name,
                     d.mean * 1e3, d.p50 * 1e3, d.p90 * 1e3, d.p99 * 1e3, d.max * 1e3);
}

double gib(double bytes) {
  return bytes / static_cast<double>(core::kGiB);
}

}  // namespace

std::string replay_text(const serve::Deployment& d, const workload::RequestSet& trace,
                        const serve::ReplayResult& r) {
  std::string o;
  o += fmt::format("kvsim replay: {} on {} x{} ({}), {} replica(s)\n", d.model->display_name,
                   d.hardware->display_name, d.parallelism.gpus(), d.parallelism.describe(),
                   d.config.replicas);
  o += fmt::format("  KV policy: {}\n  engine:    {}\n", d.policy.describe(), d.config.describe());
  o += fmt::format("  trace:     {} ({}): {} requests from {} rows", trace.source, trace.format,
                   trace.requests.size(), trace.rows_read);
  if (trace.rejected_count > 0) o += fmt::format(", {} rows rejected", trace.rejected_count);
  o += "\n";
  for (size_t i = 0; i < trace.rejected.size() && i < 5; ++i) {
    o += fmt::format("    line {}: {}\n", trace.rejected[i].line, trace.rejected[i].reason);
  }
  if (trace.rejected_count > 5)
    o += fmt::format("    ... {} more (see --json)\n", trace.rejected_count - 5);
  for (const auto& n : trace.notes)
    o += fmt::format("    note: {}\n", n);

  o += fmt::format("\nRequests: {} arrived, {} completed, {} dropped", r.arrived, r.completed,
                   r.dropped);
  if (r.dropped > 0) {
    o += fmt::format(" ({} exceed the context, {} exceed memory)", r.dropped_by_reason[1],
                     r.dropped_by_reason[2]);
  }
  o += fmt::format("\n\nLatency (ms)       mean        p50        p90        p99        max\n");
  o += ms_row("TTFT", r.ttft) + ms_row("TPOT", r.tpot) + ms_row("end-to-end", r.e2e) +
       ms_row("queueing", r.queueing);

  o += fmt::format(
      "\nThroughput over {:.1f} s: {:.0f} input tok/s, {:.0f} output tok/s, {:.2f} req/s\n",
      r.makespan_s, r.input_tokens_per_s, r.output_tokens_per_s, r.requests_per_s);
  if (d.config.slo_ttft_s > 0 || d.config.slo_tpot_s > 0) {
    o += fmt::format(
        "Goodput (TTFT <= {:g} s, TPOT <= {:g} s): {:.2f} req/s, {:.1f}% of completed requests\n",
        d.config.slo_ttft_s, d.config.slo_tpot_s, r.goodput_requests_per_s, 100 * r.slo_attainment);
  }
  o += fmt::format(
      "\nKV per GPU: budget {:.2f} GiB, peak used {:.2f} GiB ({:.1f}%), peak cached {:.2f} GiB",
      gib(r.kv_budget_bytes), gib(r.peak_kv_bytes),
      r.kv_budget_bytes > 0 ? 100 * r.peak_kv_bytes / r.kv_budget_bytes : 0,
      gib(r.peak_cached_bytes));
  if (r.peak_host_bytes > 0) o += fmt::format(", peak host {:.2f} GiB", gib(r.peak_host_bytes));
  o += "\n";
  if (d.policy.find_sharing("prefix")) {
    o += fmt::format("Prefix cache: {:.1f}% of {} prompt tokens hit, {} blocks evicted\n",
                     r.prompt_tokens > 0 ? 100.0 * static_cast<double>(r.prefix_hit_tokens) /
                                               static_cast<double>(r.prompt_tokens)
                                         : 0.0,
                     r.prompt_tokens, r.cache_evictions);
  }
  o += fmt::format(
      "Scheduling: {} steps ({} fast-forwarded runs), {} preemptions, {} swaps out, {} in\n",
      r.steps, r.segments, r.preemptions, r.swaps_out, r.swaps_in);
  o += fmt::format("GPU: busy {:.1f} s, HBM {:.1f}% of peak while busy; time by bound:", r.busy_s,
                   100 * r.hbm_utilization);
  for (size_t b = 0; b < r.bound_s.size(); ++b) {
    if (r.bound_s[b] > 0 && r.busy_s > 0) {
      o += fmt::format(" {} {:.0f}%", perf::to_string(static_cast<perf::Bound>(b)),
                       100 * r.bound_s[b] / r.busy_s);
    }
  }
  o += "\n";
  o += fmt::format("\nInvariants: {}\n", r.invariants_ok() ? "all hold" : "VIOLATED");
  for (const serve::Invariant& i : r.invariants) {
    o += fmt::format("  [{}] {}{}\n", i.ok ? "ok" : "FAIL", i.name, i.ok ? "" : ": " + i.detail);
  }
  for (const auto& n : r.notes)
    o += fmt::format("note: {}\n", n);
  return o;
}

}  // namespace kvsim::report
