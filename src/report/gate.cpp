// The CI gate: rule parsing and the point-by-point comparison (report/gate.h).

#include "kvsim/report/gate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kvsim/core/scalar.h"
#include "kvsim/core/suggest.h"
#include "kvsim/report/run_metrics.h"

namespace kvsim::report {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t';
}

/// One rule from `text` (already cut at commas) starting at 1-based `column` of the whole text.
GateRule parse_rule(std::string_view text, int column, const std::string& source,
                    const std::vector<std::string>& known) {
  auto fail = [&](int col, const std::string& message) {
    core::fail_at(core::SourceLoc::of(source, 1, col), message);
  };
  size_t start = 0, end = text.size();
  while (start < end && is_space(text[start]))
    ++start;
  while (end > start && is_space(text[end - 1]))
    --end;
  const std::string_view rule = text.substr(start, end - start);
  const int at = column + static_cast<int>(start);
  if (rule.empty()) fail(column, "empty rule: expected METRIC:+X% or METRIC:-X% between commas");
  const size_t colon = rule.find(':');
  if (colon == std::string_view::npos) {
    fail(at, fmt::format("rule '{}' has no ':': expected METRIC:+X% (fails when the metric "
                         "grows by more than X%) or METRIC:-X% (shrinks by more than X%)",
                         rule));
  }
  GateRule r;
  r.text = std::string(rule);
  r.column = at;
  r.metric = std::string(rule.substr(0, colon));
  while (!r.metric.empty() && is_space(r.metric.back()))
    r.metric.pop_back();
  if (r.metric.empty()) fail(at, fmt::format("rule '{}' names no metric before ':'", rule));
  if (std::find(known.begin(), known.end(), r.metric) == known.end()) {
    std::string hint = core::did_you_mean(r.metric, known);
    if (hint.empty()) hint = " (metrics: " + core::join(known) + ")";
    fail(at, fmt::format("unknown metric '{}'{}", r.metric, hint));
  }
  size_t pos = colon + 1;
  while (pos < rule.size() && is_space(rule[pos]))
    ++pos;
  const int sign_col = at + static_cast<int>(pos);
  if (pos >= rule.size() || (rule[pos] != '+' && rule[pos] != '-')) {
    fail(sign_col, fmt::format("rule '{}': expected '+' or '-' after ':' (e.g. {}:+10% fails on "
                               "an increase of more than 10%, {}:-10% on a decrease)",
                               rule, r.metric, r.metric));
  }
  r.increase = rule[pos] == '+';
  std::string_view amount = rule.substr(pos + 1);
  r.relative = !amount.empty() && amount.back() == '%';
  if (r.relative) amount.remove_suffix(1);
  const std::optional<double> v = core::parse_double(amount);
  if (!v || *v < 0) {
    fail(sign_col + 1, fmt::format("rule '{}': expected a non-negative number after '{}', got "
                                   "'{}' (a percentage such as 5% or an absolute amount such as "
                                   "0.05)",
                                   rule, rule[pos], amount));
  }
  r.amount = *v;
  return r;
}

/// 0-based index of `p` in `doc.points`, for key paths in messages.
size_t index_of(const RunDoc& doc, const RunPoint& p) {
  return static_cast<size_t>(&p - doc.points.data());
}

const Metric& require_metric(const RunDoc& doc, const RunPoint& p, const GateRule& rule) {
  const Metric* m = p.metric(rule.metric);
  if (m == nullptr) {
    core::fail_at(p.loc, fmt::format("points[{}].metrics: point {} has no metric '{}' (named by "
                                     "the rule '{}')",
                                     index_of(doc, p), p.id, rule.metric, rule.text));
  }
  return *m;
}

std::string params_text(const RunPoint& p) {
  std::string out;
  for (const auto& [k, v] : p.params)
    out += (out.empty() ? "" : ", ") + k + "=" + v;
  return out;
}

void compare_ok_points(const RunDoc& bdoc, const RunPoint& b, const RunDoc& cdoc, const RunPoint& c,
                       GateResult& r) {
  for (size_t i = 0; i < r.rules.size(); ++i) {
    const GateRule& rule = r.rules[i];
    const Metric& mb = require_metric(bdoc, b, rule);
    const Metric& mc = require_metric(cdoc, c, rule);
    GateRow row{c.id, c.label, rule.metric, mb.value, mc.value, i};
    if (!mb.value) {
      row.verdict = Verdict::undefined;
    } else if (!mc.value) {
      row.verdict = Verdict::missing;
    } else if (rule.fails(*mb.value, *mc.value)) {
      row.verdict = Verdict::regressed;
    } else if (rule.increase ? *mc.value < *mb.value : *mc.value > *mb.value) {
      row.verdict = Verdict::better;
    }
    r.rows.push_back(std::move(row));
  }
  for (const Metric& mc : c.metrics) {
    const bool gated = std::any_of(r.rules.begin(), r.rules.end(),
                                   [&](const GateRule& g) { return g.metric == mc.name; });
    const Metric* mb = b.metric(mc.name);
    if (gated || mb == nullptr || mb->value == mc.value) continue;
    r.other_changes.push_back({c.id, c.label, mc.name, mb->value, mc.value});
  }
}

}  // namespace

std::string GateRule::allowance() const {
  return fmt::format("{}{:g}{}", increase ? '+' : '-', amount, relative ? "%" : "");
}

bool GateRule::fails(double baseline, double current) const {
  const double allowed = relative ? std::abs(baseline) * amount / 100 : amount;
  return increase ? current > baseline + allowed : current < baseline - allowed;
}

std::vector<GateRule> parse_gate_rules(std::string_view text, const std::string& source,
                                       const std::vector<std::string>& extra_metrics) {
  std::vector<std::string> known = run_metric_names();
  for (const std::string& m : extra_metrics) {
    if (std::find(known.begin(), known.end(), m) == known.end()) known.push_back(m);
  }
  std::vector<GateRule> rules;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string_view::npos ? text.size() : comma;
    rules.push_back(
        parse_rule(text.substr(start, end - start), static_cast<int>(start) + 1, source, known));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return rules;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::ok:
      return "ok";
    case Verdict::better:
      return "better";
    case Verdict::regressed:
      return "regressed";
    case Verdict::failed:
      return "failed";
    case Verdict::fixed:
      return "fixed";
    case Verdict::both_failed:
      return "failed in both";
    case Verdict::missing:
      return "missing";
    case Verdict::undefined:
      return "n/a";
  }
  return "?";
}

size_t GateResult::regressions() const {
  return static_cast<size_t>(std::count_if(rows.begin(), rows.end(), [](const GateRow& row) {
    return row.verdict == Verdict::regressed || row.verdict == Verdict::failed ||
           row.verdict == Verdict::missing;
  }));
}

bool GateResult::comparable() const {
  return only_in_baseline.empty() && only_in_current.empty() && mismatched.empty();
}

GateResult run_gate(const RunDoc& baseline, const RunDoc& current, std::vector<GateRule> rules) {
  GateResult r;
  r.rules = std::move(rules);
  r.baseline_file = baseline.file;
  r.current_file = current.file;
  r.scenario = current.scenario_name;
  for (const RunPoint& b : baseline.points) {
    const RunPoint* c = current.find(b.id);
    if (c == nullptr) {
      r.only_in_baseline.push_back(b.id + (b.label.empty() ? "" : " " + b.label));
      continue;
    }
    if (params_text(b) != params_text(*c)) {
      r.mismatched.push_back(fmt::format("{}: '{}' in the baseline, '{}' in the current run", b.id,
                                         params_text(b), params_text(*c)));
      continue;
    }
    ++r.compared_points;
    if (b.ok() && c->ok()) {
      compare_ok_points(baseline, b, current, *c, r);
      continue;
    }
    GateRow row{c->id, c->label, "", std::nullopt, std::nullopt, std::nullopt};
    row.verdict = b.ok() ? Verdict::failed : c->ok() ? Verdict::fixed : Verdict::both_failed;
    row.detail = c->ok() ? b.error : c->error;
    r.rows.push_back(std::move(row));
  }
  for (const RunPoint& c : current.points) {
    if (baseline.find(c.id) == nullptr)
      r.only_in_current.push_back(c.id + (c.label.empty() ? "" : " " + c.label));
  }
  return r;
}

}  // namespace kvsim::report
