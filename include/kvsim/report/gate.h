#pragma once
// The CI gate: compares the metrics of two run results point by point against regression rules
// ("cost_per_mtok:+5%,ttft_p99:+10%") and renders the comparison as a Markdown table for PR
// comments. `kvsim report` exits 3 when a rule fails.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/report/run_doc.h"

namespace kvsim::report {

/// `metric:+X%` fails when current > baseline + |baseline|·X/100; `metric:-X%` when current <
/// baseline − |baseline|·X/100 (for throughput-like metrics); `metric:+A` / `metric:-A` the same
/// with an absolute allowance A in the metric's unit (seconds, bytes, dollars, ...).
struct GateRule {
  std::string metric;
  bool increase = true;  ///< '+': an increase beyond the allowance fails; '-': a decrease
  bool relative = true;  ///< X% of the baseline, else an absolute amount
  double amount = 0;     ///< >= 0
  std::string text;      ///< the rule as written, trimmed
  int column = 1;        ///< 1-based column of the rule in the rules text

  /// The allowance as written: "+5%", "-2%", "+0.05".
  std::string allowance() const;
  /// True when `current` breaks the rule against `baseline`.
  bool fails(double baseline, double current) const;
};

/// Parses comma-separated rules. InputError at `source` line 1, column of the problem, for a
/// malformed rule, an unknown metric (with the nearest name suggested) or a negative amount.
/// Known metrics are the schema's (report/run_metrics.h) plus `extra_metrics`.
std::vector<GateRule> parse_gate_rules(std::string_view text, const std::string& source,
                                       const std::vector<std::string>& extra_metrics = {});

enum class Verdict {
  ok,         ///< within the rule
  better,     ///< changed in the good direction
  regressed,  ///< the rule fails
  failed,     ///< the point failed in the current run but not in the baseline: a regression
  fixed,      ///< the point failed in the baseline only
  both_failed,
  missing,    ///< the metric is null in the current run but not in the baseline: a regression
  undefined,  ///< null in the baseline (nothing to compare)
};

std::string_view to_string(Verdict v);

struct GateRow {
  GateRow() = default;
  GateRow(std::string point_, std::string label_, std::string metric_,
          std::optional<double> baseline_, std::optional<double> current_,
          std::optional<size_t> rule_ = std::nullopt)
      : point(std::move(point_)),
        label(std::move(label_)),
        metric(std::move(metric_)),
        baseline(baseline_),
        current(current_),
        rule(rule_) {}

  std::string point, label, metric;
  std::optional<double> baseline, current;
  std::optional<size_t> rule;  ///< index into GateResult::rules; none for whole-point rows
  Verdict verdict = Verdict::ok;
  std::string detail;  ///< the error of a failed point
};

struct GateResult {
  std::vector<GateRule> rules;
  std::vector<GateRow> rows;
  /// Ungated metrics whose value changed, for the collapsed second table.
  std::vector<GateRow> other_changes;
  std::vector<std::string> only_in_baseline, only_in_current;
  /// Points with the same id but different parameters: the sweeps differ.
  std::vector<std::string> mismatched;
  std::string baseline_file, current_file, scenario;
  size_t compared_points = 0;

  size_t regressions() const;
  /// Both files hold the same points with the same parameters.
  bool comparable() const;
};

/// Compares `current` against `baseline`. A metric a rule names must be present in every ok
/// point (InputError naming points[i].metrics otherwise).
GateResult run_gate(const RunDoc& baseline, const RunDoc& current, std::vector<GateRule> rules);

/// The Markdown report: a verdict line, the gated table (point, metric, baseline, current,
/// change, rule, verdict), points present in one file only, and the other changed metrics in a
/// collapsed <details> block.
std::string gate_markdown(const GateResult& r);

}  // namespace kvsim::report
