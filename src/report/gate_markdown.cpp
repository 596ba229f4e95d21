// The Markdown rendering of a CI gate comparison (report/gate.h), for PR comments and terminals.

#include <fmt/format.h>

#include <cmath>

#include "kvsim/core/svg.h"
#include "kvsim/report/gate.h"
#include "kvsim/report/run_metrics.h"

namespace kvsim::report {
namespace {

/// Text safe inside a Markdown table cell: HTML-escaped (GitHub renders the entities), no pipes,
/// no line breaks, no backticks.
std::string cell(std::string_view text) {
  std::string out;
  for (char c : core::svg::escape(text)) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\t')
      out += ' ';
    else
      out += c == '`' ? '\'' : c;
  }
  return out;
}

std::string value(const std::string& metric, const std::optional<double>& v) {
  return v ? format_metric(metric, *v) : "null";
}

std::string change(const std::string& metric, const std::optional<double>& b,
                   const std::optional<double>& c) {
  if (!b || !c) return "";
  const double d = *c - *b;
  if (d == 0) return "0%";
  if (*b == 0) return (d > 0 ? "+" : "-") + format_metric(metric, std::abs(d));
  const double pct = d / std::abs(*b) * 100;
  if (std::abs(pct) < 0.005) return fmt::format("{:+.2g}%", pct);
  return fmt::format("{:+.2f}%", pct);
}

std::string verdict_text(Verdict v) {
  switch (v) {
    case Verdict::regressed:
    case Verdict::failed:
    case Verdict::missing:
      return fmt::format("❌ **{}**", to_string(v));
    case Verdict::better:
    case Verdict::fixed:
      return fmt::format("✅ {}", to_string(v));
    default:
      return std::string(to_string(v));
  }
}

std::string point_cell(const GateRow& row) {
  return fmt::format("`{}` {}", cell(row.point), cell(row.label));
}

constexpr size_t kMaxPlainRows = 40;
constexpr const char* kGatedHeader =
    "| point | metric | baseline | current | change | rule | verdict |\n"
    "|:--|:--|--:|--:|--:|:--|:--|\n";

std::string gated_row(const GateResult& r, const GateRow& row) {
  if (!row.rule) {
    return fmt::format(
        "| {} | (whole point) | {} | {} |  |  | {} |\n", point_cell(row),
        row.verdict == Verdict::fixed || row.verdict == Verdict::both_failed ? "failed" : "ok",
        row.verdict == Verdict::fixed ? "ok" : "failed", verdict_text(row.verdict));
  }
  return fmt::format("| {} | {} | {} | {} | {} | {} | {} |\n", point_cell(row), row.metric,
                     cell(value(row.metric, row.baseline)), cell(value(row.metric, row.current)),
                     change(row.metric, row.baseline, row.current), r.rules[*row.rule].allowance(),
                     verdict_text(row.verdict));
}

std::string headline(const GateResult& r) {
  if (!r.comparable()) return "### kvsim gate: ⚠️ the two results hold different points\n";
  const size_t n = r.regressions();
  if (n == 0) return "### kvsim gate: ✅ no regressions\n";
  return fmt::format("### kvsim gate: ❌ {} regression{}\n", n, n == 1 ? "" : "s");
}

}  // namespace

std::string gate_markdown(const GateResult& r) {
  std::string out = headline(r) + "\n";
  out += fmt::format("Scenario `{}`: {} point{} compared; baseline `{}`, current `{}`.\n",
                     cell(r.scenario), r.compared_points, r.compared_points == 1 ? "" : "s",
                     cell(r.baseline_file), cell(r.current_file));
  if (!r.rules.empty()) {
    std::string rules;
    for (const GateRule& g : r.rules)
      rules += (rules.empty() ? "" : " · ") + fmt::format("`{}`", cell(g.text));
    out += "Rules: " + rules + "\n";
  }
  if (!r.rows.empty()) {
    // Long comparisons keep the rows that say something in view and fold the unchanged ones.
    const bool fold = r.rows.size() > kMaxPlainRows;
    std::string shown, folded;
    size_t n_folded = 0;
    for (const GateRow& row : r.rows) {
      const bool quiet = row.verdict == Verdict::ok && row.baseline == row.current;
      (fold && quiet ? folded : shown) += gated_row(r, row);
      n_folded += fold && quiet ? 1 : 0;
    }
    if (!shown.empty()) out += std::string("\n") + kGatedHeader + shown;
    if (shown.empty()) out += "\nEvery gated value is unchanged.\n";
    if (n_folded > 0) {
      out += fmt::format(
          "\n<details><summary>Unchanged gated values: {}</summary>\n\n{}{}\n"
          "</details>\n",
          n_folded, kGatedHeader, folded);
    }
    for (const GateRow& row : r.rows) {
      if (row.rule || row.detail.empty()) continue;
      const char* when = row.verdict == Verdict::fixed    ? "failed in the baseline"
                         : row.verdict == Verdict::failed ? "failed in the current run"
                                                          : "failed in both runs";
      out += fmt::format("\n`{}` {}: `{}`\n", cell(row.point), when, cell(row.detail));
    }
  }
  if (!r.comparable()) {
    out +=
        "\nThe sweeps differ, so these points cannot be compared; regenerate the baseline when "
        "the scenario changes.\n\n";
    for (const std::string& p : r.only_in_baseline)
      out += "- only in the baseline: " + cell(p) + "\n";
    for (const std::string& p : r.only_in_current)
      out += "- only in the current run: " + cell(p) + "\n";
    for (const std::string& p : r.mismatched)
      out += "- same id, different parameters: " + cell(p) + "\n";
  }
  if (!r.other_changes.empty()) {
    out += fmt::format(
        "\n<details><summary>Other metrics that changed (not gated): {}</summary>\n\n"
        "| point | metric | baseline | current | change |\n|:--|:--|--:|--:|--:|\n",
        r.other_changes.size());
    for (const GateRow& row : r.other_changes) {
      out +=
          fmt::format("| {} | {} | {} | {} | {} |\n", point_cell(row), row.metric,
                      cell(value(row.metric, row.baseline)), cell(value(row.metric, row.current)),
                      change(row.metric, row.baseline, row.current));
    }
    out += "\n</details>\n";
  }
  return out;
}

}  // namespace kvsim::report
