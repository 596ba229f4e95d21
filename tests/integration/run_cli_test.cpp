// `kvsim run`, `compare`, `merge` and `check` on scenario files: reports, determinism, shards,
// golden outputs and every bad-input case.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kvsim/core/doc.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

namespace fs = std::filesystem;

bool contains(const std::string& h, const std::string& n) {
  return h.find(n) != std::string::npos;
}

class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("kvsim_run_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }
  std::string str() const { return path_.string(); }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path_))
      out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path_ / name, std::ios::binary) << text;
  }

 private:
  fs::path path_;
};

const std::string kSource = KVSIM_SOURCE_DIR;
const std::string kSmall = "tests/golden/small.yaml";

// Runs in the source directory, so scenario paths in the outputs are the relative ones.
Result run_in_source(std::vector<std::string> args) {
  return run_kvsim(args, kSource);
}

TEST(RunCli, DefaultScenarioWritesEveryFormatAndNoTemporaryFiles) {
  TempDir out;
  Result r = run_kvsim({"run", "--out", out.str()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(out.files(), (std::vector<std::string>{"default.csv", "default.html", "default.json",
                                                   "default.md"}));
  const core::Doc j = core::load_document_file(out / "default.json");
  EXPECT_EQ(j.find("schema_version")->text, "1");
  const core::Doc& p = j.find("points")->items.at(0);
  EXPECT_EQ(p.find("id")->text, "p0000");
  EXPECT_EQ(p.find("status")->text, "ok");
  for (const char* key :
       {"deployment", "memory", "capacity", "replay", "roofline", "cost", "slo", "metrics"})
    EXPECT_NE(p.find(key), nullptr) << key;
  for (const char* key : {"cost_per_mtok", "cost_per_request", "ttft_p50", "ttft_p99", "tpot_p50",
                          "tpot_p99", "e2e_p99", "peak_kv_bytes", "output_tokens_per_s",
                          "input_tokens_per_s", "goodput_requests_per_s", "slo_attainment",
                          "prefix_hit_rate", "preemptions", "dropped", "slo_met"})
    EXPECT_NE(p.find("metrics")->find(key), nullptr) << key;
  EXPECT_TRUE(contains(slurp(out / "default.md"), "| p0000 |"));
  EXPECT_TRUE(contains(slurp(out / "default.csv"), "id,label,status,error,model,hardware"));
}

TEST(RunCli, OutputDoesNotDependOnTheThreadCount) {
  TempDir a, b;
  ASSERT_EQ(
      run_in_source({"run", kSmall, "--format", "json,csv", "--out", a.str(), "--threads", "1"})
          .code,
      0);
  ASSERT_EQ(
      run_in_source({"run", kSmall, "--format", "json,csv", "--out", b.str(), "--threads", "4"})
          .code,
      0);
  EXPECT_EQ(slurp(a / "small.json"), slurp(b / "small.json"));
  EXPECT_EQ(slurp(a / "small.csv"), slurp(b / "small.csv"));
}

// tests/golden/small.{json,md,csv} hold the expected reports (scripts/regen-reports.sh rewrites
// them after an intended change).
TEST(RunCli, GoldenReportsOfASmallScenario) {
  TempDir out;
  Result r = run_in_source({"run", kSmall, "--format", "json,md,csv", "--out", out.str()});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* ext : {"json", "md", "csv"}) {
    EXPECT_EQ(slurp(out / (std::string("small.") + ext)),
              slurp(kSource + "/tests/golden/small." + ext))
        << ext << ": run scripts/regen-reports.sh if the change is intended";
  }
}

TEST(RunCli, AFailingPointIsReportedWhileTheOthersComplete) {
  Result r = run_in_source({"run", kSmall, "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const core::Doc j = core::parse_json(r.out, "run.json");
  const auto& pts = j.find("points")->items;
  ASSERT_EQ(pts.size(), 4u);
  EXPECT_EQ(pts[0].find("status")->text, "ok");
  EXPECT_EQ(pts[1].find("status")->text, "error");
  EXPECT_EQ(pts[1].find("label")->text, "kv.precision=bf16, parallelism.tp=3");
  // The error names the file, line and key that made the point fail: the sweep value 3.
  EXPECT_TRUE(contains(pts[1].find("error")->text,
                       "tests/golden/small.yaml:21:23: error: 32 attention heads cannot be split "
                       "evenly over TP 3"))
      << pts[1].find("error")->text;
  EXPECT_EQ(pts[1].entries.size(), 5u);  // id, label, params, status, error
  EXPECT_EQ(pts[2].find("status")->text, "ok");
  EXPECT_TRUE(contains(r.err, "point p0001 failed")) << r.err;
}

TEST(RunCli, ShardsMergeIntoTheSingleRunByteForByte) {
  TempDir single, shards;
  ASSERT_EQ(run_in_source({"run", kSmall, "--format", "json,md", "--out", single.str()}).code, 0);
  std::vector<std::string> args = {"merge", shards / "merged.json", "--format", "json,md"};
  for (int i = 3; i >= 1; --i) {  // any order
    const std::string shard = std::to_string(i) + "/3";
    Result r =
        run_in_source({"run", kSmall, "--shard", shard, "--format", "json", "--out", shards.str()});
    ASSERT_EQ(r.code, 0) << r.err;  // shard 2 holds only p0001, which fails: still a good shard
    args.push_back(shards / ("small.shard-" + std::to_string(i) + "-of-3.json"));
  }
  Result m = run_kvsim(args);
  ASSERT_EQ(m.code, 0) << m.err;
  EXPECT_EQ(slurp(shards / "merged.json"), slurp(single / "small.json"));
  EXPECT_EQ(slurp(shards / "merged.md"), slurp(single / "small.md"));
  // A shard is a slice: every third point.
  const core::Doc s1 = core::load_document_file(shards / "small.shard-1-of-3.json");
  ASSERT_EQ(s1.find("points")->items.size(), 2u);
  EXPECT_EQ(s1.find("points")->items[1].find("id")->text, "p0003");
}

// Planning (computed by shard 1 only) and a comparison (computed when merging) survive the merge;
// a shard may hold no point at all.
TEST(RunCli, MergedPlanningAndComparisonEqualTheSingleRun) {
  TempDir d;
  d.write("cmp.yaml", slurp(kSource + "/" + kSmall) + "compare: {hardware: [h100-sxm, h200]}\n");
  for (const std::vector<std::string>& run :
       {std::vector<std::string>{"run"}, std::vector<std::string>{"run", d / "cmp.yaml"}}) {
    TempDir single, shards;
    std::vector<std::string> a = run;
    a.insert(a.end(), {"--format", "json", "--out", single.str()});
    ASSERT_EQ(run_kvsim(a).code, 0);
    std::vector<std::string> merge = {"merge", shards / "merged.json"};
    for (int i = 1; i <= 2; ++i) {
      std::vector<std::string> b = run;
      b.insert(b.end(),
               {"--shard", std::to_string(i) + "/2", "--format", "json", "--out", shards.str()});
      Result r = run_kvsim(b);
      ASSERT_EQ(r.code, 0) << r.err;
    }
    for (const std::string& f : shards.files())
      merge.push_back(shards / f);
    Result m = run_kvsim(merge);
    ASSERT_EQ(m.code, 0) << m.err;
    const std::string name = run.size() == 1 ? "default.json" : "small.json";
    const std::string merged = slurp(shards / "merged.json");
    EXPECT_EQ(merged, slurp(single / name));
    EXPECT_TRUE(contains(merged, run.size() == 1 ? "\"planning\"" : "\"compare\"")) << name;
  }
}

TEST(RunCli, MergeRejectsMissingRepeatedAndForeignShards) {
  TempDir d;
  ASSERT_EQ(
      run_in_source({"run", kSmall, "--shard", "1/2", "--format", "json", "--out", d.str()}).code,
      0);
  ASSERT_EQ(
      run_in_source({"run", kSmall, "--shard", "2/2", "--format", "json", "--out", d.str()}).code,
      0);
  ASSERT_EQ(run_kvsim({"run", "--shard", "1/2", "--format", "json", "--out", d.str()}).code, 0);
  const std::string s1 = d / "small.shard-1-of-2.json", s2 = d / "small.shard-2-of-2.json";
  Result missing = run_kvsim({"merge", d / "m.json", s1});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "shard 2 of 2 is missing")) << missing.err;
  Result twice = run_kvsim({"merge", d / "m.json", s1, s1});
  EXPECT_EQ(twice.code, 2);
  EXPECT_TRUE(contains(twice.err, "shard 1 also given")) << twice.err;
  Result foreign = run_kvsim({"merge", d / "m.json", s1, d / "default.shard-1-of-2.json"});
  EXPECT_EQ(foreign.code, 2);
  EXPECT_TRUE(contains(foreign.err, "'scenario' differs")) << foreign.err;
  EXPECT_FALSE(fs::exists(d / "m.json"));
}

TEST(RunCli, TooManyPointsNeedConfirmation) {
  Result r = run_in_source({"run", kSmall, "--max-points", "3", "--json"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err,
                       "tests/golden/small.yaml:20:3: error: the sweep has 4 points, more "
                       "than --max-points 3; pass --yes"))
      << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(run_in_source({"run", kSmall, "--max-points", "3", "--yes", "--json"}).code, 0);
}

TEST(RunCli, BadScenariosStopBeforeAnythingRuns) {
  TempDir d;
  const std::string head = "name: bad\nmodel: llama-3.1-8b\nhardware: h100-sxm\n";
  auto expect = [&](const std::string& body, const std::string& message) {
    d.write("bad.yaml", head + body);
    TempDir out;
    for (const char* cmd : {"run", "check"}) {
      Result r = cmd == std::string("run") ? run_kvsim({"run", d / "bad.yaml", "--out", out.str()})
                                           : run_kvsim({"check", d / "bad.yaml"});
      EXPECT_EQ(r.code, 2) << cmd << " " << body;
      EXPECT_TRUE(contains(r.err, d / "bad.yaml" + message)) << cmd << "\n" << r.err;
    }
    EXPECT_TRUE(out.files().empty());
  };
  expect("workload: {generatr: {}}\n",
         ":4:12: error: unknown key 'generatr' in 'workload'; did you mean 'generator'?");
  expect("sweep: {kv.precison: [fp8]}\n",
         ":4:9: error: unknown key 'precison' in 'kv'; did you mean 'precision'?");
  expect("sweep: {hardwre: [h200]}\n",
         ":4:9: error: sweep: 'hardwre' does not start with a scenario key; did you mean "
         "'hardware'?");
  expect("workload: {trace: {file: nowhere.jsonl}}\n",
         ":4:26: error: workload.trace.file: trace file");
  expect(
      "workload: {generator: {requests: 5, arrival: poisson, input: {impl: fixed, tokens: 8}, "
      "output: {impl: fixed, tokens: 8}}}\n",
      ":4:46: error: missing key 'rate' in 'workload.generator.arrival'");
}

TEST(RunCli, CheckWarnsAboutPointsThatWillFail) {
  Result r = run_in_source({"check", kSmall});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "ok: tests/golden/small.yaml: scenario small (4 points)")) << r.out;
  EXPECT_TRUE(contains(r.err,
                       "warning: point p0001 (kv.precision=bf16, parallelism.tp=3) will "
                       "fail: tests/golden/small.yaml:21:23: error: 32 attention heads"))
      << r.err;
}

TEST(RunCli, InterruptedRunLeavesNoFiles) {
  TempDir out;
  // A sweep long enough to be interrupted while running (tens of seconds of replays).
  out.write(
      "slow.yaml",
      "name: slow\nmodel: llama-3.1-70b\nhardware: h100-sxm\nparallelism: {tp: 4}\n"
      "workload: {generator: {requests: 200000, arrival: {impl: poisson, rate: 20}, input: "
      "{impl: fixed, tokens: 2000}, output: {impl: fixed, tokens: 300}}}\n"
      "sweep: {kv.precision: [bf16, fp8, int8, int4], engine.max_num_seqs: [64, 128, 256]}\n");
  const std::string cmd = shell_quote(KVSIM_BINARY) + " run " + shell_quote(out / "slow.yaml") +
                          " --threads 1 --out " + shell_quote(out / "reports") +
                          " & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; echo $? > " +
                          shell_quote(out / "status");
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(slurp(out / "status"), "143\n");  // killed by SIGTERM, not finished
  EXPECT_FALSE(fs::exists(out / "reports") && !fs::is_empty(out / "reports"));
}

TEST(RunCli, CompareRanksSkusByCostPerToken) {
  Result r = run_in_source({"compare", kSmall, "--hardware", "h100-sxm,h200", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const core::Doc j = core::parse_json(r.out, "c.json");
  EXPECT_EQ(j.find("command")->text, "compare");
  EXPECT_EQ(j.find("sweep")->find("points")->text, "8");
  const auto& ranking = j.find("compare")->find("ranking")->items;
  ASSERT_EQ(ranking.size(), 2u);
  EXPECT_EQ(ranking[0].find("rank")->text, "1");
  const double a = std::stod(ranking[0].find("usd_per_mtok")->text);
  const double b = std::stod(ranking[1].find("usd_per_mtok")->text);
  EXPECT_LE(a, b);
  Result md = run_in_source({"compare", kSmall, "--hardware", "h100-sxm,h200"});
  EXPECT_TRUE(contains(md.out, "## SKU comparison")) << md.out;
  EXPECT_EQ(run_in_source({"compare", kSmall, "--hardware", "h100-sxm,h100-sxm"}).code, 2);
}

TEST(RunCli, HelpNamesTheCommandsAndFlags) {
  const Result h = run_kvsim({"--help"});
  for (const char* cmd : {"run", "compare", "merge", "check"})
    EXPECT_TRUE(contains(h.out, cmd)) << cmd;
  const Result r = run_kvsim({"run", "--help"});
  for (const char* flag :
       {"--out", "--format", "--threads", "--shard", "--max-points", "--yes", "--json"})
    EXPECT_TRUE(contains(r.out, flag)) << flag;
  EXPECT_TRUE(contains(run_kvsim({"compare", "--help"}).out, "--hardware"));
  EXPECT_TRUE(contains(run_kvsim({"merge", "--help"}).out, "--format"));
}

TEST(RunCli, FlagErrors) {
  EXPECT_EQ(run_kvsim({"run", "--format", "pdf"}).code, 2);
  EXPECT_TRUE(contains(run_kvsim({"run", "--format", "jsn"}).err, "did you mean 'json'"));
  EXPECT_EQ(run_kvsim({"run", "--shard", "3/2"}).code, 2);
  EXPECT_EQ(run_kvsim({"run", "--shard", "1"}).code, 2);
  EXPECT_EQ(run_kvsim({"run", "--threads", "0"}).code, 2);
  EXPECT_EQ(run_kvsim({"merge", "out.txt", "a.json"}).code, 2);
}

}  // namespace
}  // namespace kvsim::test
