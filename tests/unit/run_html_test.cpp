// Reading a run result back (report/run_doc.h) and its HTML page (report/run_html.h), against the
// hand-made fixture tests/golden/run_fixture.json and the golden page run_fixture.html.

#include "kvsim/report/run_html.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "kvsim/core/doc.h"
#include "kvsim/core/svg.h"
#include "kvsim/report/run_doc.h"
#include "run_fixture_util.h"
#include "test_util.h"

namespace kvsim::test {
namespace {

core::Doc parse(const std::string& text) {
  return core::parse_json(text, "run_fixture.json");
}

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

std::string read_error(const std::string& text) {
  return input_error([&] { report::read_run_doc(parse(text)); });
}

TEST(RunDoc, ReadsTheFixture) {
  const report::RunDoc d = report::read_run_doc(parse(run_fixture_text()));
  EXPECT_EQ(d.scenario_name, "chat-70b-tp2");
  ASSERT_EQ(d.axes.size(), 2u);
  EXPECT_EQ(d.axes[0].values, (std::vector<std::string>{"h100-sxm", "h200", "l40s"}));
  ASSERT_EQ(d.points.size(), 6u);
  const report::RunPoint& p = d.points[3];
  EXPECT_EQ(p.id, "p0003");
  EXPECT_TRUE(p.ok());
  EXPECT_EQ(p.hardware, "h200");
  EXPECT_EQ(p.gpus, 2);
  ASSERT_TRUE(p.replay && p.roofline && p.cost && p.slo);
  EXPECT_GT(p.replay->timeline.size(), 10u);
  EXPECT_EQ(p.replay->ttft.cdf.back().second, 1.0);
  EXPECT_EQ(p.roofline->operators.size(), 5u);
  EXPECT_EQ(p.metrics.size(), 16u);
  ASSERT_NE(p.metric("ttft_p99"), nullptr);
  EXPECT_DOUBLE_EQ(*p.metric("ttft_p99")->value, p.replay->ttft.p99);
  EXPECT_FALSE(d.points[4].ok());
  EXPECT_NE(d.points[4].error.find("no memory left for KV"), std::string::npos);
  EXPECT_FALSE(d.compare.has_value());
}

TEST(RunDoc, SchemaViolationsNameTheKeyAndPlace) {
  const std::string text = run_fixture_text();
  std::string e =
      read_error(replace_after(text, 0, "\"schema_version\": 1", "\"schema_version\": 2"));
  EXPECT_NE(e.find("run_fixture.json:2:"), std::string::npos) << e;
  EXPECT_NE(e.find("schema_version: version 2 is not supported"), std::string::npos) << e;

  e = read_error(replace_after(text, 0, "\"hardware_name\": \"NVIDIA H100 SXM5 80GB HBM3\",", ""));
  EXPECT_NE(e.find("missing key 'hardware_name' in 'points[0].deployment'"), std::string::npos)
      << e;

  e = read_error(set_metric(text, "p0002", "ttft_p99", "\"slow\""));
  EXPECT_NE(e.find("points[2].metrics.ttft_p99: expected a finite number"), std::string::npos) << e;

  e = read_error(replace_after(text, point_start(text, "p0001"), "\"status\": \"ok\"",
                               "\"status\": \"okay\""));
  EXPECT_NE(e.find("points[1].status: expected \"ok\" or \"error\""), std::string::npos) << e;

  e = read_error(replace_after(text, 0, "\"id\": \"p0001\"", "\"id\": \"p0000\""));
  EXPECT_NE(e.find("duplicate point id 'p0000'"), std::string::npos) << e;

  e = read_error(
      replace_after(text, point_start(text, "p0000"), "\"cdf\": [", "\"cdf\": [[1, 2, 3], "));
  EXPECT_NE(e.find("points[0].replay.latency_s.ttft.cdf[0]: expected [value_s, fraction]"),
            std::string::npos)
      << e;

  e = read_error(text.substr(0, text.size() / 2));
  EXPECT_NE(e.find("run_fixture.json:"), std::string::npos) << e;
}

// What the run writer may legitimately produce beyond the fixture: a capacity-only point (no
// replay), null numbers, and a `compare` object holding its ranking.
constexpr const char* kVariant = R"({
  "schema_version": 1, "kvsim_version": "0.1.0", "command": "compare",
  "scenario": {"name": "tiny <&> run", "description": "", "file": "<built-in default>"},
  "sweep": {"axes": [{"key": "hardware", "values": ["h100-sxm", "b200"]}], "points": 2,
            "shard": {"index": 1, "count": 1}},
  "points": [
    {"id": "p0000", "label": "hardware=h100-sxm", "params": {"hardware": "h100-sxm"},
     "status": "ok",
     "deployment": {"model": "llama-3.1-8b", "hardware": "h100-sxm", "hardware_name": "NVIDIA H100",
                    "tp": 1, "pp": 1, "replicas": 1, "gpus": 1, "engine": {"scheduler": "vllm"}},
     "memory": {"per_gpu": {"capacity_bytes": 85520809984, "weights_bytes": 16060522496,
                            "activations_bytes": 1.0e9, "runtime_reserved_bytes": 1073741824,
                            "kv_budget_bytes": 5.9e10, "peak_kv_used_bytes": null}},
     "metrics": {"cost_per_mtok": null, "ttft_p99": 0.5}},
    {"id": "p0001", "label": "hardware=b200", "params": {"hardware": "b200"}, "status": "error",
     "error": "x.yaml:3:1: error: <boom>"}
  ],
  "compare": {"metric": "usd_per_mtok",
              "ranking": [{"rank": null, "hardware": "h100-sxm", "point": null,
                           "usd_per_mtok": null, "slo_met": false}]}
})";

TEST(RunDoc, AcceptsCapacityOnlyPointsNullsAndACompareRanking) {
  const report::RunDoc d = report::read_run_doc(parse(kVariant));
  ASSERT_EQ(d.points.size(), 2u);
  EXPECT_FALSE(d.points[0].replay.has_value());
  EXPECT_FALSE(d.points[0].memory.peak_kv_used_bytes.has_value());
  EXPECT_FALSE(d.points[0].metric("cost_per_mtok")->value.has_value());
  ASSERT_TRUE(d.compare.has_value());
  ASSERT_EQ(d.compare->size(), 1u);
  EXPECT_EQ((*d.compare)[0].hardware, "h100-sxm");
  EXPECT_TRUE((*d.compare)[0].point.empty());

  const std::string html = report::run_html(parse(kVariant));
  EXPECT_NE(html.find("kvsim report: tiny &lt;&amp;&gt; run"), std::string::npos);
  EXPECT_NE(html.find("x.yaml:3:1: error: &lt;boom&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<boom>"), std::string::npos);
  EXPECT_EQ(html.find("id=\"kv-memory\""), std::string::npos);  // nothing was replayed
  EXPECT_NE(html.find("id=\"memory\""), std::string::npos);
  EXPECT_NE(html.find("no point meets it"), std::string::npos);
}

TEST(RunHtml, PageHasEveryPlotAndNoExternalResources) {
  const std::string html = report::run_html(parse(run_fixture_text()));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  // KV timeline, three latency CDFs, two rooflines (H100, H200), memory, cost.
  EXPECT_EQ(count(html, "<svg xmlns"), 8u);
  for (const char* id : {"points", "errors", "kv-memory", "latency", "roofline", "memory", "cost"})
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  EXPECT_EQ(count(html, "<tr id=\"point-"), 6u);
  EXPECT_EQ(count(html, "<pre class=\"error\">"), 2u);
  EXPECT_EQ(count(html, ">SLO: TTFT p99 ≤ 2.50 s</text>"), 1u);  // in the legend
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(count(html, "http://"), count(html, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(html, report::run_html(parse(run_fixture_text())));
}

TEST(RunHtml, PerPointPlotsShowTheFirstEightPoints) {
  // Ten more copies of p0000 under new ids: 14 replayed points in all.
  const std::string text = run_fixture_text();
  const size_t first = text.rfind('{', point_start(text, "p0000"));
  const size_t second = text.rfind('{', point_start(text, "p0001"));
  const std::string point = text.substr(first, text.rfind(',', second) - first);
  std::string more;
  for (int i = 0; i < 10; ++i)
    more += ",\n    " + replace_after(point, 0, "\"id\": \"p0000\"",
                                      "\"id\": \"p10" + std::to_string(10 + i) + "\"");
  const size_t end = text.find("\n  ]", point_start(text, "p0005"));  // closes "points"
  const std::string big = text.substr(0, end) + more + text.substr(end);
  const std::string html = report::run_html(parse(big));
  EXPECT_EQ(count(html, "<tr id=\"point-"), 16u);  // the table lists every point
  EXPECT_NE(html.find("showing 8 of 14 replayed points"), std::string::npos);
  const size_t timeline = html.find("id=\"kv-timeline-clip\"");
  const size_t next = html.find("</svg>", timeline);
  EXPECT_EQ(count(html.substr(timeline, next - timeline), "<g class=\"series\""),
            16u);  // 8 + budgets
}

TEST(RunHtml, ComparisonPointsLeadAndSharedPeaksShareARoof) {
  std::string text = run_fixture_text();
  text = replace_after(text, 0, "\"bf16\": 989000000000000.0,",
                       "\"bf16\": 989000000000000.0, \"fp16\": 989000000000000.0,");
  const size_t end = text.rfind("\n  ]");
  text = text.substr(0, end) +
         "\n  ],\n  \"compare\": {\"metric\": \"usd_per_mtok\", \"ranking\": [{\"rank\": 1, "
         "\"hardware\": \"h200\", \"point\": \"p0003\", \"usd_per_mtok\": 0.39, \"gpus\": 2, "
         "\"slo_met\": true}, {\"rank\": null, \"hardware\": \"h100-sxm\", \"point\": null, "
         "\"usd_per_mtok\": null, \"slo_met\": false}]}\n}\n";
  const std::string html = report::run_html(parse(text));
  EXPECT_NE(html.find("bf16/fp16 roof: 989 TFLOP/s peak"), std::string::npos);
  // p0003 leads every per-point plot and takes the first colour.
  const size_t legend = html.find("<g class=\"legend\">", html.find("kv-timeline-clip"));
  const size_t first_text = html.find("\">", html.find("<text", legend)) + 2;
  EXPECT_EQ(html.substr(first_text, html.find("</text>", first_text) - first_text),
            "p0003 hardware=h200, kv.precision=fp8");
  const size_t stroke = html.find("stroke=\"", legend) + 8;
  EXPECT_EQ(html.substr(stroke, 7), core::svg::palette(0));
  EXPECT_NE(html.find("From the comparison (kvsim compare)"), std::string::npos);
  EXPECT_NE(html.find("no cost: l40s (no successful point), h100-sxm"), std::string::npos);
}

TEST(RunHtml, BudgetsFarAboveTheUseAreNamedNotDrawn) {
  const std::string text = run_fixture_text();
  const size_t kv = text.find("\"budget_bytes\": ", point_start(text, "p0001"));
  const size_t end = text.find(',', kv);
  const std::string big = text.substr(0, kv) + "\"budget_bytes\": 2e12" + text.substr(end);
  const std::string html = report::run_html(parse(big));
  EXPECT_NE(html.find("KV budgets above the plot: p0001 1.82 TiB"), std::string::npos);
  EXPECT_EQ(html.find("KV budget of p0001"), std::string::npos);
  EXPECT_NE(html.find("KV budget of p0000"), std::string::npos);
}

TEST(RunHtml, MatchesTheGoldenPage) {
  const std::string golden = std::string(KVSIM_SOURCE_DIR) + "/tests/golden/run_fixture.html";
  const std::string html = report::run_html(parse(run_fixture_text()));
  if (std::getenv("KVSIM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << html;
    GTEST_SKIP() << "rewrote " << golden;
  }
  EXPECT_TRUE(html == read_whole_file(golden))
      << "the page differs from " << golden
      << "; if the change is intended, rerun with KVSIM_UPDATE_GOLDEN=1 and review the diff";
}

}  // namespace
}  // namespace kvsim::test
