// `kvsim replay` as a user meets it: real sample traces, generators, the JSON keys the README
// documents, determinism, and every kind of bad input the issue lists.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "kvsim/core/doc.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

std::string repo(const std::string& rel) {
  return std::string(KVSIM_SOURCE_DIR) + "/" + rel;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const core::Doc& at(const core::Doc& d, const std::string& dotted) {
  const core::Doc* cur = &d;
  size_t start = 0;
  while (start <= dotted.size()) {
    const size_t dot = std::min(dotted.find('.', start), dotted.size());
    const std::string key = dotted.substr(start, dot - start);
    cur = cur->find(key);
    if (cur == nullptr) throw std::runtime_error("missing key " + dotted);
    start = dot + 1;
  }
  return *cur;
}

double num(const core::Doc& d, const std::string& dotted) {
  return std::stod(at(d, dotted).text);
}

/// A temporary file with `text`, removed at the end of the test.
struct Scratch {
  std::filesystem::path path;
  Scratch(const std::string& name, const std::string& text)
      : path(std::filesystem::temp_directory_path() /
             ("kvsim_replay_" + std::to_string(::getpid()) + "_" + name)) {
    std::ofstream(path, std::ios::binary) << text;
  }
  ~Scratch() { std::filesystem::remove(path); }
};

const std::vector<std::string> kDeploy = {"--model",  "llama-3.1-70b", "--hardware",
                                          "h100-sxm", "--tp",          "4"};

std::vector<std::string> args(std::vector<std::string> a) {
  a.insert(a.end(), kDeploy.begin(), kDeploy.end());
  return a;
}

TEST(ReplayCli, MooncakeSampleWithThePrefixCacheGivesTheDocumentedJson) {
  const Result r = run_kvsim(
      args({"replay", "--trace", repo("scenarios/traces/mooncake_conversation_sample.jsonl"),
            "--sharing", "prefix", "--max-requests", "400", "--replicas", "8", "--router",
            "prefix_aware", "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const core::Doc j = core::parse_json(r.out, "replay.json");
  // Every key the README lists under "kvsim replay --json".
  for (const char* key : {"schema_version",
                          "kvsim_version",
                          "deployment.model",
                          "deployment.kv_policy",
                          "deployment.engine",
                          "trace.format",
                          "trace.rows_read",
                          "trace.rejected",
                          "requests.arrived",
                          "requests.completed",
                          "requests.dropped",
                          "latency_s.ttft.p99",
                          "latency_s.tpot.p50",
                          "latency_s.e2e.max",
                          "latency_s.queueing.mean",
                          "latency_s.ttft.cdf",
                          "throughput.output_tokens_per_s",
                          "throughput.goodput_requests_per_s",
                          "kv.budget_bytes",
                          "kv.peak_used_bytes",
                          "prefix_cache.hit_rate",
                          "prefix_cache.evictions",
                          "scheduling.preemptions",
                          "scheduling.fast_forward_runs",
                          "hardware_use.hbm_utilization",
                          "hardware_use.bound_fraction",
                          "timeline",
                          "invariants_ok",
                          "invariants",
                          "notes"}) {
    EXPECT_NO_THROW(at(j, key)) << key;
  }
  EXPECT_EQ(at(j, "trace.format").text, "mooncake");
  EXPECT_EQ(at(j, "invariants_ok").text, "true");
  EXPECT_EQ(num(j, "requests.arrived"), 400);
  EXPECT_EQ(num(j, "requests.completed") + num(j, "requests.dropped"), 400);
  // Real prefix sharing in the Mooncake trace. With an unbounded cache, 13.7 % of these 400
  // prompts' tokens are a previously seen leading run of hash blocks (a scan of the file); the
  // replay's LRU caches on 8 replicas must get most of that and can never beat it.
  EXPECT_GT(num(j, "prefix_cache.hit_rate"), 0.08);
  EXPECT_LT(num(j, "prefix_cache.hit_rate"), 0.137);
  EXPECT_LE(num(j, "kv.peak_used_bytes"), num(j, "kv.budget_bytes"));
  EXPECT_LE(num(j, "latency_s.ttft.p50"), num(j, "latency_s.ttft.p99"));
  EXPECT_GT(at(j, "timeline").items.size(), 10u);
}

TEST(ReplayCli, SameSeedSameBytesOtherSeedOtherBytes) {
  const std::string spec = repo("scenarios/generators/chat_sessions.yaml");
  auto run = [&](const std::string& generator) {
    return run_kvsim(args({"replay", "--generator", generator, "--sharing", "prefix",
                           "--max-requests", "300", "--json"}));
  };
  const Result a = run(spec), b = run(spec);
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  std::string text = slurp(spec);
  text.replace(text.find("seed: 1"), 7, "seed: 2");
  const Scratch other("seed2.yaml", text);
  const Result c = run(other.path.string());
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_NE(a.out, c.out);
}

TEST(ReplayCli, AzureSamplesReplayWithRecordsAndRateScale) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kvsim_replay_records_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string records = (dir / "records.csv").string();
  const Result r =
      run_kvsim(args({"replay", "--trace", repo("scenarios/traces/azure_code_2023_sample.csv"),
                      "--rate-scale", "2", "--records", records}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "1000 arrived, 1000 completed, 0 dropped")) << r.out;
  const std::string csv = slurp(records);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 1001);  // header + one row per request
  std::filesystem::remove_all(dir);
}

TEST(ReplayCli, UnsortedGarbageAndTruncatedRowsAreReportedWithLines) {
  const Result unsorted =
      run_kvsim(args({"replay", "--trace", repo("tests/data/traces/unsorted.csv"), "--json"}));
  ASSERT_EQ(unsorted.code, 0) << unsorted.err;
  EXPECT_TRUE(contains(unsorted.out, "not sorted")) << unsorted.out;
  const Result bad =
      run_kvsim(args({"replay", "--trace", repo("tests/data/traces/bad_rows.csv"), "--json"}));
  ASSERT_EQ(bad.code, 0) << bad.err;
  const core::Doc j = core::parse_json(bad.out, "bad.json");
  EXPECT_GT(num(j, "trace.rejected"), 4);
  EXPECT_EQ(num(j, "trace.rejected") + num(j, "trace.requests"), num(j, "trace.rows_read"));
  for (const core::Doc& row : at(j, "trace.rejected_rows").items) {
    EXPECT_GT(std::stoi(at(row, "line").text), 1);
    EXPECT_FALSE(at(row, "reason").text.empty());
  }
}

TEST(ReplayCli, RequestsBeyondContextOrMemoryAreDroppedWithAReasonAndTheRunContinues) {
  const Scratch trace("too_long.csv",
                      "arrival_s,input_tokens,output_tokens\n"
                      "0,1000,10\n"
                      "0.5,200000,10\n"  // beyond Llama-3.1-70B's 131,072-token context
                      "1,2000,20\n");
  const Result r = run_kvsim(args({"replay", "--trace", trace.path.string(), "--json"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const core::Doc j = core::parse_json(r.out, "r.json");
  EXPECT_EQ(num(j, "requests.completed"), 2);
  EXPECT_EQ(num(j, "requests.dropped"), 1);
  EXPECT_EQ(num(j, "requests.dropped_by_reason.exceeds_context"), 1);
  EXPECT_TRUE(contains(r.out, "line 3: dropped (exceeds_context)")) << r.out;
  // A request within the context that no KV budget could ever hold: Llama-3.1-8B on one H100
  // with a quarter of its memory (about 4 GiB of KV, some 30k tokens) and a 100k-token prompt.
  const Scratch big("too_big.csv",
                    "arrival_s,input_tokens,output_tokens\n"
                    "0,1000,10\n"
                    "1,100000,10\n");
  const Result mem = run_kvsim({"replay", "--trace", big.path.string(), "--model", "llama-3.1-8b",
                                "--hardware", "h100-sxm", "--mem-util", "0.25", "--json"});
  ASSERT_EQ(mem.code, 0) << mem.err;
  const core::Doc m = core::parse_json(mem.out, "m.json");
  EXPECT_EQ(num(m, "requests.completed"), 1);
  EXPECT_EQ(num(m, "requests.dropped_by_reason.exceeds_memory"), 1);
  EXPECT_TRUE(contains(mem.out, "line 3: dropped (exceeds_memory)")) << mem.out;
}

TEST(ReplayCli, BadInputsAreErrorsNamingFileLineOrFlag) {
  const Result missing = run_kvsim(args({"replay", "--trace", "no/such/file.csv"}));
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "no/such/file.csv")) << missing.err;
  const Result both = run_kvsim(args({"replay"}));
  EXPECT_EQ(both.code, 2);
  EXPECT_TRUE(contains(both.err, "--trace")) << both.err;
  const Result format =
      run_kvsim(args({"replay", "--trace", repo("scenarios/traces/azure_conv_2023_sample.csv"),
                      "--trace-format", "mooncak"}));
  EXPECT_EQ(format.code, 2);
  EXPECT_TRUE(contains(format.err, "mooncake")) << format.err;  // the suggestion
  const Result unknown =
      run_kvsim(args({"replay", "--trace", repo("tests/data/traces/not_a_trace.txt")}));
  EXPECT_EQ(unknown.code, 2);
  EXPECT_TRUE(contains(unknown.err, "not_a_trace.txt:1")) << unknown.err;
  const Result header =
      run_kvsim(args({"replay", "--trace", repo("tests/data/traces/missing_column.csv")}));
  EXPECT_EQ(header.code, 2);
  EXPECT_TRUE(contains(header.err, "missing_column.csv")) << header.err;
  const Scratch empty("empty.csv", "");
  const Result e = run_kvsim(args({"replay", "--trace", empty.path.string()}));
  EXPECT_EQ(e.code, 2);
  EXPECT_TRUE(contains(e.err, "empty")) << e.err;
  const Result window =
      run_kvsim(args({"replay", "--trace", repo("scenarios/traces/azure_conv_2023_sample.csv"),
                      "--start", "100000"}));
  EXPECT_EQ(window.code, 2);
  EXPECT_TRUE(contains(window.err, "no requests to replay")) << window.err;
  const Result scale =
      run_kvsim(args({"replay", "--trace", repo("scenarios/traces/azure_conv_2023_sample.csv"),
                      "--rate-scale", "-1"}));
  EXPECT_EQ(scale.code, 2);
  EXPECT_TRUE(contains(scale.err, "--rate-scale")) << scale.err;
}

TEST(ReplayCli, ListsTraceFormatsAndEnginePlugins) {
  const Result f = run_kvsim({"list", "trace-formats"});
  ASSERT_EQ(f.code, 0);
  for (const char* name :
       {"azure", "mooncake", "burstgpt", "bailian", "native_csv", "native_jsonl"})
    EXPECT_TRUE(contains(f.out, name)) << name;
  const Result e = run_kvsim({"list", "engine"});
  ASSERT_EQ(e.code, 0);
  for (const char* name :
       {"vllm", "prefill_first", "static", "round_robin", "least_loaded", "prefix_aware"}) {
    EXPECT_TRUE(contains(e.out, name)) << name;
  }
  const Result w = run_kvsim({"list", "workloads"});
  ASSERT_EQ(w.code, 0);
  for (const char* name : {"poisson", "gamma", "lognormal", "empirical"})
    EXPECT_TRUE(contains(w.out, name)) << name;
}

}  // namespace
}  // namespace kvsim::test
