// kvsim report: the CI gate between two run results (Markdown diff table, exit 3 on a
// regression), and the HTML page of one run result.

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/files.h"
#include "kvsim/report/gate.h"
#include "kvsim/report/run_html.h"

namespace kvsim::cli {
namespace {

struct ReportFlags {
  std::string baseline, current, fail_on, out, html;
};

/// Metric names present in some point of both results (rules may name metrics beyond the
/// schema's when both files have them).
std::vector<std::string> shared_metrics(const report::RunDoc& a, const report::RunDoc& b) {
  std::vector<std::string> names;
  for (const report::RunPoint& p : a.points) {
    for (const report::Metric& m : p.metrics) {
      bool in_b = false;
      for (const report::RunPoint& q : b.points)
        in_b = in_b || q.metric(m.name) != nullptr;
      if (in_b && std::find(names.begin(), names.end(), m.name) == names.end())
        names.push_back(m.name);
    }
  }
  return names;
}

int run_report(const ReportFlags& f) {
  if (f.current.empty()) core::fail_at(flag_loc(), "--current RUN.json is required");
  if (f.baseline.empty() && f.html.empty()) {
    core::fail_at(flag_loc(),
                  "give --baseline OLD.json (the CI gate) or --html FILE.html (the "
                  "report page of --current), or both");
  }
  if (f.baseline.empty() && (!f.fail_on.empty() || !f.out.empty()))
    core::fail_at(flag_loc(), "--fail-on and --out need --baseline");
  const core::Doc current_doc = core::parse_json(core::read_text_file(f.current), f.current);
  if (!f.html.empty()) core::write_file_atomic(f.html, report::run_html(current_doc));
  if (f.baseline.empty()) return kExitOk;

  const report::RunDoc baseline = report::load_run_doc(f.baseline);
  const report::RunDoc current = report::read_run_doc(current_doc);
  std::vector<report::GateRule> rules;
  if (!f.fail_on.empty())
    rules = report::parse_gate_rules(f.fail_on, "--fail-on", shared_metrics(baseline, current));
  const report::GateResult result = report::run_gate(baseline, current, std::move(rules));
  const std::string md = report::gate_markdown(result);
  if (!f.out.empty()) core::write_file_atomic(f.out, md);
  std::cout << md;
  if (!result.comparable()) {
    std::cerr << fmt::format(
        "kvsim: error: {} and {} hold different points ({} only in the baseline, {} only in the "
        "current run, {} with different parameters): regenerate the baseline\n",
        f.baseline, f.current, result.only_in_baseline.size(), result.only_in_current.size(),
        result.mismatched.size());
    return kExitBadInput;
  }
  if (result.regressions() > 0) {
    std::cerr << fmt::format("kvsim: gate failed: {} regression(s)\n", result.regressions());
    return kExitGateFailed;
  }
  return kExitOk;
}

}  // namespace

Runner add_report(CLI::App& app) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Compare two run results against regression rules (CI gate: exit 3 on a regression), "
      "and/or write the HTML page of a run result");
  cmd->add_option("--baseline", f->baseline, "run result JSON to compare against (committed)");
  cmd->add_option("--current", f->current, "run result JSON of this change");
  cmd->add_option("--fail-on", f->fail_on,
                  "comma-separated rules, e.g. 'cost_per_mtok:+5%,ttft_p99:+10%,"
                  "output_tokens_per_s:-5%,peak_kv_bytes:+0%'; METRIC:+X fails on an increase "
                  "beyond X (X% or an absolute amount), METRIC:-X on a decrease");
  cmd->add_option("--out", f->out, "also write the Markdown table to this file");
  cmd->add_option("--html", f->html, "write the self-contained HTML report of --current here");
  return [f] { return run_report(*f); };
}

}  // namespace kvsim::cli
