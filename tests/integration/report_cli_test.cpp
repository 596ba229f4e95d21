// `kvsim report` as CI runs it: every exit code of the gate (0 pass, 3 regression, 2 bad input),
// the Markdown table on stdout and in --out, and the HTML page with --html.

#include <gtest/gtest.h>

#include <filesystem>

#include "../unit/run_fixture_util.h"
#include "../unit/test_util.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

constexpr const char* kRules = "cost_per_mtok:+5%,ttft_p99:+10%,peak_kv_bytes:+0%";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

Result gate(const std::string& baseline, const std::string& current,
            const std::string& rules = kRules) {
  return run_kvsim({"report", "--baseline", baseline, "--current", current, "--fail-on", rules});
}

TEST(ReportCli, IdenticalResultsExitZeroWithATable) {
  Result r = gate(run_fixture_path(), run_fixture_path());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "### kvsim gate: ✅ no regressions")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "| `p0003` hardware=h200, kv.precision=fp8 | ttft_p99 | 2.12 s | "
                       "2.12 s | 0% | +10% | ok |"))
      << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST(ReportCli, ARegressionExitsThreeAndWritesTheTable) {
  TempFile current("new.json", set_metric(run_fixture_text(), "p0002", "peak_kv_bytes",
                                          "49534730241.0"));  // one byte more
  const std::string md = current.dir() + "/gate.md";
  Result r = run_kvsim({"report", "--baseline", run_fixture_path(), "--current", current.path(),
                        "--fail-on", kRules, "--out", md});
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(contains(r.out, "### kvsim gate: ❌ 1 regression")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "| peak_kv_bytes | 46.1 GiB | 46.1 GiB | +2e-09% | +0% | ❌ "
                       "**regressed** |"))
      << r.out;
  EXPECT_TRUE(contains(r.err, "gate failed: 1 regression")) << r.err;
  EXPECT_EQ(slurp(md), r.out);
  // A throughput rule: a 10% drop fails a -5% rule, a rise passes it.
  TempFile slower("slower.json",
                  set_metric(run_fixture_text(), "p0003", "output_tokens_per_s", "1089.0"));
  EXPECT_EQ(gate(run_fixture_path(), slower.path(), "output_tokens_per_s:-5%").code, 3);
  EXPECT_EQ(gate(slower.path(), run_fixture_path(), "output_tokens_per_s:-5%").code, 0);
}

TEST(ReportCli, BadRulesExitTwoWithTheColumn) {
  Result r = gate(run_fixture_path(), run_fixture_path(), "cost_per_mtok:+5%,ttft_p95:+10%");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--fail-on:1:19: error: unknown metric 'ttft_p95'; did you mean"))
      << r.err;
  r = gate(run_fixture_path(), run_fixture_path(), "ttft_p99:10%");
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--fail-on:1:10: error:")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST(ReportCli, BadFilesExitTwo) {
  Result r = gate("/nonexistent/old.json", run_fixture_path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "/nonexistent/old.json")) << r.err;

  TempFile v2("v2.json", replace_after(run_fixture_text(), 0, "\"schema_version\": 1",
                                       "\"schema_version\": 2"));
  r = gate(run_fixture_path(), v2.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, v2.path() + ":2:21: error: schema_version: version 2 is not "
                                          "supported"))
      << r.err;

  TempFile broken("broken.json", "{\"schema_version\": 1,");
  r = gate(broken.path(), run_fixture_path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, broken.path() + ":1:")) << r.err;
}

TEST(ReportCli, PointsInOneFileOnlyExitTwoAndAreListed) {
  const std::string text = run_fixture_text();
  TempFile current("new.json", replace_after(text, 0, "\"id\": \"p0005\"", "\"id\": \"p0006\""));
  Result r = gate(run_fixture_path(), current.path());
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.out, "- only in the baseline: p0005 hardware=l40s, kv.precision=fp8"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "- only in the current run: p0006")) << r.out;
  EXPECT_TRUE(contains(r.err,
                       "hold different points (1 only in the baseline, 1 only in the "
                       "current run, 0 with different parameters)"))
      << r.err;
}

TEST(ReportCli, UsageErrorsExitTwo) {
  EXPECT_EQ(run_kvsim({"report", "--baseline", run_fixture_path()}).code, 2);
  Result r = run_kvsim({"report", "--current", run_fixture_path()});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "--baseline")) << r.err;
  EXPECT_EQ(run_kvsim({"report", "--current", run_fixture_path(), "--fail-on", kRules}).code, 2);
  Result help = run_kvsim({"report", "--help"});
  EXPECT_EQ(help.code, 0);
  for (const char* flag : {"--baseline", "--current", "--fail-on", "--out", "--html"})
    EXPECT_TRUE(contains(help.out, flag)) << flag;
}

TEST(ReportCli, HtmlPageOfARun) {
  TempFile dir("placeholder", "");
  const std::string html = dir.dir() + "/report/run.html";
  Result r = run_kvsim({"report", "--current", run_fixture_path(), "--html", html});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string page = slurp(html);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_TRUE(contains(page, "kvsim report: chat-70b-tp2"));
  EXPECT_FALSE(std::filesystem::exists(html + ".tmp"));
  // A bad result writes nothing.
  TempFile bad("bad.json", set_metric(run_fixture_text(), "p0000", "ttft_p99", "\"x\""));
  const std::string html2 = dir.dir() + "/bad.html";
  r = run_kvsim({"report", "--current", bad.path(), "--html", html2});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "points[0].metrics.ttft_p99")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(html2));
}

}  // namespace
}  // namespace kvsim::test
