// The CI gate (report/gate.h): rule parsing with column-exact errors, the regression arithmetic,
// point matching, and the Markdown table.

#include "kvsim/report/gate.h"

#include <gtest/gtest.h>

#include "kvsim/core/doc.h"
#include "run_fixture_util.h"
#include "test_util.h"

namespace kvsim::test {
namespace {

using report::GateRule;
using report::Verdict;

report::RunDoc doc(const std::string& text, const std::string& name) {
  return report::read_run_doc(core::parse_json(text, name));
}

std::string rule_error(const std::string& rules) {
  return input_error([&] { report::parse_gate_rules(rules, "--fail-on"); });
}

TEST(GateRules, ParsesRelativeAndAbsoluteRules) {
  const auto rules = report::parse_gate_rules(
      "cost_per_mtok:+5%, ttft_p99:+10% ,output_tokens_per_s:-2.5%,tpot_p99:+0.005", "--fail-on");
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules[0].metric, "cost_per_mtok");
  EXPECT_TRUE(rules[0].increase);
  EXPECT_TRUE(rules[0].relative);
  EXPECT_EQ(rules[0].amount, 5);
  EXPECT_EQ(rules[1].text, "ttft_p99:+10%");
  EXPECT_EQ(rules[1].column, 20);
  EXPECT_FALSE(rules[2].increase);
  EXPECT_EQ(rules[2].allowance(), "-2.5%");
  EXPECT_FALSE(rules[3].relative);
  EXPECT_EQ(rules[3].allowance(), "+0.005");
}

TEST(GateRules, ErrorsPointAtTheColumn) {
  std::string e = rule_error("cost_per_mtok:+5%,ttft_p95:+10%");
  EXPECT_NE(e.find("--fail-on:1:19: error: unknown metric 'ttft_p95'; did you mean"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("ttft_p99"), std::string::npos) << e;
  e = rule_error("cost_per_mtok:+5%,ttft_p99:10%");
  EXPECT_NE(e.find("--fail-on:1:28: error: rule 'ttft_p99:10%': expected '+' or '-' after ':'"),
            std::string::npos)
      << e;
  e = rule_error("ttft_p99:+ten%");
  EXPECT_NE(e.find("--fail-on:1:11: error: rule 'ttft_p99:+ten%': expected a non-negative number"),
            std::string::npos)
      << e;
  e = rule_error("ttft_p99");
  EXPECT_NE(e.find("--fail-on:1:1: error: rule 'ttft_p99' has no ':'"), std::string::npos) << e;
  e = rule_error("ttft_p99:+1%,");
  EXPECT_NE(e.find("--fail-on:1:14: error: empty rule"), std::string::npos) << e;
  e = rule_error("frobnication:+1%");
  EXPECT_NE(e.find("(metrics: cost_per_mtok, cost_per_request"), std::string::npos) << e;
  // A metric beyond the schema is accepted when the caller knows both files carry it.
  EXPECT_EQ(report::parse_gate_rules("usd_per_hour:+1%", "--fail-on", {"usd_per_hour"}).size(), 1u);
}

TEST(GateRules, RegressionArithmetic) {
  const auto r = report::parse_gate_rules(
      "cost_per_mtok:+5%,output_tokens_per_s:-5%,peak_kv_bytes:+0%,ttft_p99:+0.25", "x");
  EXPECT_FALSE(r[0].fails(1.0, 1.05));  // exactly at the allowance passes
  EXPECT_TRUE(r[0].fails(1.0, 1.0501));
  EXPECT_FALSE(r[0].fails(1.0, 0.5));  // cheaper is never a regression
  EXPECT_FALSE(r[1].fails(100, 95));
  EXPECT_TRUE(r[1].fails(100, 94.9));
  EXPECT_FALSE(r[1].fails(100, 1000));
  EXPECT_FALSE(r[2].fails(3698851840, 3698851840));
  EXPECT_TRUE(r[2].fails(3698851840, 3698851841));  // +0% means any growth
  EXPECT_FALSE(r[3].fails(2.0, 2.25));
  EXPECT_TRUE(r[3].fails(2.0, 2.2501));
  EXPECT_TRUE(r[0].fails(0, 0.01));  // from zero, any increase exceeds a relative allowance
}

constexpr const char* kRules = "cost_per_mtok:+5%,ttft_p99:+10%,peak_kv_bytes:+0%";

TEST(Gate, IdenticalResultsPass) {
  const std::string text = run_fixture_text();
  const auto r = report::run_gate(doc(text, "old.json"), doc(text, "new.json"),
                                  report::parse_gate_rules(kRules, "--fail-on"));
  EXPECT_TRUE(r.comparable());
  EXPECT_EQ(r.compared_points, 6u);
  EXPECT_EQ(r.regressions(), 0u);
  EXPECT_EQ(r.rows.size(), 4u * 3 + 2);  // 4 ok points × 3 rules + 2 failed-in-both points
  EXPECT_EQ(r.rows.back().verdict, Verdict::both_failed);
  EXPECT_TRUE(r.other_changes.empty());
  const std::string md = report::gate_markdown(r);
  EXPECT_NE(md.find("### kvsim gate: ✅ no regressions"), std::string::npos) << md;
  EXPECT_NE(md.find("| point | metric | baseline | current | change | rule | verdict |"),
            std::string::npos);
}

TEST(Gate, FindsRegressionsImprovementsAndNewFailures) {
  const std::string base = run_fixture_text();
  std::string cur = set_metric(base, "p0003", "cost_per_mtok", "0.45");  // +15%
  cur = set_metric(cur, "p0002", "ttft_p99", "1.5");                     // better
  cur = set_metric(cur, "p0001", "ttft_p99", "null");                    // no longer defined
  cur = set_metric(cur, "p0000", "output_tokens_per_s", "300");          // not gated
  const auto r = report::run_gate(doc(base, "old.json"), doc(cur, "new.json"),
                                  report::parse_gate_rules(kRules, "--fail-on"));
  EXPECT_EQ(r.regressions(), 2u);
  auto verdict = [&](const std::string& point, const std::string& metric) {
    for (const report::GateRow& row : r.rows) {
      if (row.point == point && row.metric == metric) return row.verdict;
    }
    ADD_FAILURE() << point << " " << metric;
    return Verdict::ok;
  };
  EXPECT_EQ(verdict("p0003", "cost_per_mtok"), Verdict::regressed);
  EXPECT_EQ(verdict("p0002", "ttft_p99"), Verdict::better);
  EXPECT_EQ(verdict("p0001", "ttft_p99"), Verdict::missing);
  EXPECT_EQ(verdict("p0000", "cost_per_mtok"), Verdict::ok);
  ASSERT_EQ(r.other_changes.size(), 1u);
  EXPECT_EQ(r.other_changes[0].metric, "output_tokens_per_s");
  const std::string md = report::gate_markdown(r);
  EXPECT_NE(md.find("### kvsim gate: ❌ 2 regressions"), std::string::npos) << md;
  EXPECT_NE(md.find("| cost_per_mtok | $0.390 | $0.450 | +15.24% | +5% | ❌ **regressed** |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("<details><summary>Other metrics that changed (not gated): 1</summary>"),
            std::string::npos);
}

TEST(Gate, LongComparisonsFoldTheUnchangedRows) {
  const std::string base = run_fixture_text();
  const std::string cur = set_metric(base, "p0001", "tpot_p99", "0.08");
  const auto r = report::run_gate(
      doc(base, "old.json"), doc(cur, "new.json"),
      report::parse_gate_rules("cost_per_mtok:+5%,cost_per_request:+5%,ttft_p50:+10%,"
                               "ttft_p99:+10%,tpot_p50:+10%,tpot_p99:+10%,e2e_p99:+10%,"
                               "peak_kv_bytes:+0%,output_tokens_per_s:-5%,slo_attainment:-0.01,"
                               "slo_met:-0",
                               "--fail-on"));
  ASSERT_EQ(r.rows.size(), 4u * 11 + 2);
  const std::string md = report::gate_markdown(r);
  const size_t details = md.find("<details><summary>Unchanged gated values: 43</summary>");
  ASSERT_NE(details, std::string::npos) << md;
  const size_t changed = md.find("| `p0001` hardware=h100-sxm, kv.precision=fp8 | tpot_p99 |");
  EXPECT_LT(changed, details);                       // the changed row stays in view
  EXPECT_LT(md.find("| (whole point) |"), details);  // failed points too
}

TEST(Gate, APointThatStartsFailingIsARegression) {
  const std::string base = run_fixture_text();
  // p0003 fails in the current run: keep only its header and an error.
  const size_t start = point_start(base, "p0003");
  const size_t status = base.find("\"status\": \"ok\"", start);
  const size_t next = base.find("\"id\": \"p0004\"");
  const size_t end = base.rfind('}', base.rfind('{', next));
  std::string cur = base.substr(0, status) +
                    "\"status\": \"error\", \"error\": \"x.yaml:1:1: error: out of memory\"\n    " +
                    base.substr(end);
  const auto r = report::run_gate(doc(base, "old.json"), doc(cur, "new.json"),
                                  report::parse_gate_rules(kRules, "--fail-on"));
  EXPECT_EQ(r.regressions(), 1u);
  const std::string md = report::gate_markdown(r);
  EXPECT_NE(md.find("(whole point) | ok | failed |  |  | ❌ **failed** |"), std::string::npos) << md;
  EXPECT_NE(md.find("`p0003` failed in the current run: `x.yaml:1:1: error: out of memory`"),
            std::string::npos)
      << md;
}

TEST(Gate, DifferentSweepsAreNotComparable) {
  const std::string base = run_fixture_text();
  std::string cur = replace_after(base, 0, "\"id\": \"p0005\"", "\"id\": \"p0006\"");
  cur = replace_after(cur, point_start(cur, "p0001"), "\"kv.precision\": \"fp8\"",
                      "\"kv.precision\": \"int4\"");
  const auto r = report::run_gate(doc(base, "old.json"), doc(cur, "new.json"), {});
  EXPECT_FALSE(r.comparable());
  EXPECT_EQ(r.only_in_baseline,
            (std::vector<std::string>{"p0005 hardware=l40s, kv.precision=fp8"}));
  EXPECT_EQ(r.only_in_current, (std::vector<std::string>{"p0006 hardware=l40s, kv.precision=fp8"}));
  ASSERT_EQ(r.mismatched.size(), 1u);
  EXPECT_NE(r.mismatched[0].find("p0001: 'hardware=h100-sxm, kv.precision=fp8' in the baseline, "
                                 "'hardware=h100-sxm, kv.precision=int4' in the current run"),
            std::string::npos);
  EXPECT_NE(report::gate_markdown(r).find("- only in the baseline: p0005"), std::string::npos);
}

TEST(Gate, ARuledMetricMissingFromAPointIsAnInputError) {
  const std::string base = run_fixture_text();
  const std::string cur =
      replace_after(base, point_start(base, "p0002"), "\"ttft_p99\":", "\"ttft_p99_old\":");
  const std::string e = input_error([&] {
    report::run_gate(doc(base, "old.json"), doc(cur, "new.json"),
                     report::parse_gate_rules(kRules, "--fail-on"));
  });
  EXPECT_NE(e.find("new.json:"), std::string::npos) << e;
  EXPECT_NE(e.find("points[2].metrics: point p0002 has no metric 'ttft_p99'"), std::string::npos)
      << e;
}

TEST(GateWorkflowExample, UsesValidRulesAndTheRealFlags) {
  // reports/ci/kvsim-gate.yml is copied by teams as is: its rules must parse and its kvsim report
  // command must use flags that exist.
  const core::Doc wf =
      core::load_document_file(std::string(KVSIM_SOURCE_DIR) + "/reports/ci/kvsim-gate.yml");
  const core::Doc* env = wf.find("env");
  ASSERT_NE(env, nullptr);
  const core::Doc* rules = env->find("RULES");
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(report::parse_gate_rules(rules->text, "RULES").size(), 5u);
  const core::Doc* steps = wf.find("jobs")->find("gate")->find("steps");
  ASSERT_NE(steps, nullptr);
  std::string gate_step;
  for (const core::Doc& step : steps->items) {
    const core::Doc* run = step.find("run");
    if (run && run->text.find("kvsim report --baseline") != std::string::npos)
      gate_step = run->text;
  }
  for (const char* flag : {"--baseline", "--current", "--fail-on", "--out", "--html"})
    EXPECT_NE(gate_step.find(flag), std::string::npos) << flag;
}

}  // namespace
}  // namespace kvsim::test
