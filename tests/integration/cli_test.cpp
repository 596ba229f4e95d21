// The command line as a user meets it: every subcommand, its output and its exit codes.

#include <gtest/gtest.h>

#include <filesystem>

#include "../unit/test_util.h"
#include "kvsim/core/doc.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Cli, VersionAndHelp) {
  Result v = run_kvsim({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(contains(v.out, "kvsim 0.1.0")) << v.out;
  Result h = run_kvsim({"--help"});
  EXPECT_EQ(h.code, 0);
  for (const char* cmd : {"run", "capacity", "list", "check"})
    EXPECT_TRUE(contains(h.out, cmd)) << cmd;
  Result ch = run_kvsim({"capacity", "--help"});
  EXPECT_EQ(ch.code, 0);
  for (const char* flag : {"--model", "--hardware", "--tp", "--pp", "--context", "--batch",
                           "--kv-dtype", "--attention", "--window", "--block-tokens", "--json"}) {
    EXPECT_TRUE(contains(ch.out, flag)) << flag;
  }
}

TEST(Cli, UsageErrorsExitTwo) {
  Result none = run_kvsim({});
  EXPECT_EQ(none.code, 2);
  Result bad = run_kvsim({"frobnicate"});
  EXPECT_EQ(bad.code, 2);
  Result missing = run_kvsim({"capacity", "--model", "llama-3.1-8b"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "--hardware")) << missing.err;
}

TEST(Cli, RunWithNoArgumentsRunsTheDefaultScenarioFromAnyDirectory) {
  Result r = run_kvsim({"run"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "scenario: default")) << r.out;
  EXPECT_TRUE(contains(r.out, "Llama 3.1 70B")) << r.out;
  EXPECT_TRUE(contains(r.out, "327,680 B for the whole model")) << r.out;
  EXPECT_TRUE(contains(r.out, "max concurrent sequences")) << r.out;
}

TEST(Cli, ListsBuiltins) {
  Result hw = run_kvsim({"list", "hardware"});
  ASSERT_EQ(hw.code, 0) << hw.err;
  for (const char* n :
       {"h100-sxm", "h100-pcie", "h200", "b200", "a100-80gb", "l40s", "mi300x", "mi325x"}) {
    EXPECT_TRUE(contains(hw.out, n)) << n;
  }
  Result models = run_kvsim({"list", "models"});
  ASSERT_EQ(models.code, 0) << models.err;
  for (const char* n : {"llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "mistral-7b",
                        "mixtral-8x7b", "qwen2.5-72b", "deepseek-v2-lite", "deepseek-v3",
                        "gemma-2-27b", "gemma-3-27b", "gpt-oss-120b"}) {
    EXPECT_TRUE(contains(models.out, n)) << n;
  }
  EXPECT_TRUE(contains(models.out, "70,272")) << models.out;  // DeepSeek-V3 MLA bytes per token
  Result s = run_kvsim({"list", "strategies"});
  ASSERT_EQ(s.code, 0);
  for (const char* n :
       {"mha",          "gqa",    "mqa",         "mla",        "bf16",           "fp16",
        "fp8",          "int8",   "int4",        "full",       "sliding_window", "sinks_recent",
        "token_budget", "prefix", "cross_layer", "contiguous", "paged",          "hbm",
        "host",         "nvme"}) {
    EXPECT_TRUE(contains(s.out, n)) << n;
  }
  EXPECT_EQ(run_kvsim({"list", "gpus"}).code, 2);
}

TEST(Cli, CapacityJsonHasTheDocumentedKeys) {
  Result r = run_kvsim({"capacity", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp",
                        "4", "--context", "32768", "--batch", "8", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const core::Doc j = core::parse_json(r.out, "out.json");
  EXPECT_EQ(j.find("kv_bytes_per_token")->find("model")->text, "327680");
  EXPECT_EQ(j.find("kv_bytes_per_token")->find("per_gpu")->text, "81920");
  for (const char* k : {"schema_version", "model", "hardware", "parallelism", "policy", "options",
                        "query", "memory_per_gpu", "capacity", "sequence", "batch", "layer_groups",
                        "stages", "offload", "warnings", "model_notes"}) {
    EXPECT_NE(j.find(k), nullptr) << k;
  }
  for (const char* k : {"device_bytes", "usable_bytes", "weights_bytes", "activation_bytes",
                        "runtime_reserve_bytes", "kv_budget_bytes"}) {
    EXPECT_NE(j.find("memory_per_gpu")->find(k), nullptr) << k;
  }
  for (const char* k :
       {"kv_tokens", "kv_blocks", "max_sequences", "max_context_batch1", "max_context_memory"}) {
    EXPECT_NE(j.find("capacity")->find(k), nullptr) << k;
  }
  EXPECT_EQ(j.find("sequence")->find("allocated_bytes")->text, std::to_string(32768LL * 81920));
  // Deterministic: the same command prints the same bytes.
  EXPECT_EQ(r.out, run_kvsim({"capacity", "--model", "llama-3.1-70b", "--hardware", "h100-sxm",
                              "--tp", "4", "--context", "32768", "--batch", "8", "--json"})
                       .out);
}

TEST(Cli, CapacityFlagsSelectEveryQuestion) {
  auto bytes_per_token = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"capacity",   "--model",  "llama-3.1-70b",
                                     "--hardware", "h100-sxm", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    Result r = run_kvsim(args);
    EXPECT_EQ(r.code, 0) << r.err;
    return core::parse_json(r.out, "o.json").find("kv_bytes_per_token")->find("model")->text;
  };
  EXPECT_EQ(bytes_per_token({"--kv-dtype", "fp8"}), "163840");
  EXPECT_EQ(bytes_per_token({"--attention", "gqa:kv_heads=4"}), "163840");
  EXPECT_EQ(bytes_per_token({"--attention", "mla:latent_dim=512,rope_dim=64"}), "92160");
  EXPECT_EQ(bytes_per_token({"--kv-dtype", "int4:group_size=128,zero_point=false"}),
            std::to_string(132 * 8 * 80));
  EXPECT_EQ(bytes_per_token({"--sharing", "cross_layer:factor=2"}), "163840");
  Result w = run_kvsim({"capacity", "--model", "llama-3.1-8b", "--hardware", "h100-sxm", "--window",
                        "4096", "--block-tokens", "32", "--context", "100000", "--json"});
  ASSERT_EQ(w.code, 0) << w.err;
  const core::Doc j = core::parse_json(w.out, "w.json");
  EXPECT_EQ(j.find("policy")->find("retention")->text, "sliding_window(window=4096)");
  EXPECT_EQ(j.find("capacity")->find("block_tokens")->text, "32");
  EXPECT_TRUE(
      j.find("capacity")->find("max_context_memory")->is_null());  // a window never fills memory
}

TEST(Cli, CapacityShowsReplicationAndHybridLayers) {
  Result tp16 =
      run_kvsim({"capacity", "--model", "llama-3.1-70b", "--hardware", "h100-sxm", "--tp", "16"});
  ASSERT_EQ(tp16.code, 0) << tp16.err;
  EXPECT_TRUE(
      contains(tp16.out, "8 KV heads < TP 16: each rank holds 1 head, every head replicated 2×"))
      << tp16.out;
  Result mla = run_kvsim({"capacity", "--model", "deepseek-v3", "--hardware", "h200", "--tp", "8"});
  ASSERT_EQ(mla.code, 0) << mla.err;
  EXPECT_TRUE(contains(mla.out, "replicated on all 8 TP ranks")) << mla.out;
  Result g3 = run_kvsim(
      {"capacity", "--model", "gemma-3-27b", "--hardware", "h100-sxm", "--context", "32768"});
  ASSERT_EQ(g3.code, 0) << g3.err;
  EXPECT_TRUE(contains(g3.out, "Per-layer KV (hybrid)")) << g3.out;
  EXPECT_TRUE(contains(g3.out, "52 × (from 0)")) << g3.out;
  EXPECT_TRUE(contains(g3.out, "window 1024")) << g3.out;
}

TEST(Cli, CapacityWorksOnEveryShippedConfigJson) {
  for (const auto& entry : std::filesystem::directory_iterator(data_path("models"))) {
    Result r = run_kvsim({"capacity", "--model", entry.path().string(), "--hardware", "h200",
                          "--tp", "8", "--context", "4096"});
    EXPECT_EQ(r.code, 0) << entry.path() << "\n" << r.err;
    EXPECT_TRUE(contains(r.out, "max concurrent sequences")) << entry.path();
  }
}

TEST(Cli, BadFlagValuesAreClearErrors) {
  auto err = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"capacity", "--model", "llama-3.1-70b", "--hardware",
                                     "h100-sxm"};
    args.insert(args.end(), extra.begin(), extra.end());
    Result r = run_kvsim(args);
    EXPECT_EQ(r.code, 2) << r.out;
    EXPECT_TRUE(r.out.empty()) << "nothing half-written on stdout: " << r.out;
    return r.err;
  };
  EXPECT_TRUE(contains(err({"--context", "12abc"}),
                       "kvsim: error: --context: expected an integer, got '12abc'"));
  EXPECT_TRUE(contains(err({"--context", "0"}), "--context: 0 is out of range: must be >= 1"));
  EXPECT_TRUE(contains(err({"--context", "-5"}), "--context: -5 is out of range"));
  EXPECT_TRUE(
      contains(err({"--mem-util", "nan"}), "--mem-util: expected a finite number, got 'nan'"));
  EXPECT_TRUE(contains(err({"--context", "10000000", "--batch", "100000"}),
                       "--context: context 10000000 exceeds the model's maximum context"));
  EXPECT_TRUE(contains(err({"--context", "131072", "--batch", "100000000000000", "--tp", "4"}),
                       "overflows 64 bits"));
  EXPECT_TRUE(
      contains(err({"--tp", "3"}), "--tp: 64 attention heads cannot be split evenly over TP 3"));
  EXPECT_TRUE(contains(err({"--kv-dtype", "fp9"}),
                       "--kv-dtype: unknown precision 'fp9'; did you mean 'fp8'?"));
  EXPECT_TRUE(contains(err({"--attention", "gqa:kv_heads=5"}),
                       "--attention: layer 0: kv_heads 5 does not divide"));
  EXPECT_TRUE(contains(err({"--window", "4096", "--retention", "full"}), "give one"));
  EXPECT_TRUE(contains(err({"--allocation", "contiguous", "--sharing", "prefix"}),
                       "needs 'paged' allocation"));
  Result hw = run_kvsim({"capacity", "--model", "llama-3.1-70b", "--hardware", "h100"});
  EXPECT_EQ(hw.code, 2);
  EXPECT_TRUE(
      contains(hw.err,
               "kvsim: error: --hardware: unknown hardware 'h100'; did you mean 'h100-pcie' or "
               "'h100-sxm'?"))
      << hw.err;
}

TEST(Cli, MissingAndMalformedFilesAreErrorsWithLocations) {
  Result missing =
      run_kvsim({"capacity", "--model", "/nonexistent/config.json", "--hardware", "h100-sxm"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "/nonexistent/config.json: error: cannot open file"))
      << missing.err;
  TempFile bad_json("config.json",
                    "{\n  \"hidden_size\": 4096,\n  \"num_hidden_layers\": 32,\n}\n");
  Result j = run_kvsim({"capacity", "--model", bad_json.path(), "--hardware", "h100-sxm"});
  EXPECT_EQ(j.code, 2);
  EXPECT_TRUE(contains(j.err, bad_json.path() + ":4:1: error: malformed JSON")) << j.err;
  TempFile incomplete("config.json", "{\"hidden_size\": 4096, \"num_hidden_layers\": 32}");
  Result i = run_kvsim({"capacity", "--model", incomplete.path(), "--hardware", "h100-sxm"});
  EXPECT_EQ(i.code, 2);
  EXPECT_TRUE(contains(i.err, "missing key 'vocab_size'")) << i.err;
}

TEST(Cli, CheckValidatesEveryKindOfFile) {
  const std::string root = KVSIM_SOURCE_DIR;
  for (const std::string f : {"scenarios/default.yaml", "hardware_profiles/h100-sxm.yaml",
                              "scenarios/models/gemma-3-27b.yaml"}) {
    Result r = run_kvsim({"check", root + "/" + f});
    EXPECT_EQ(r.code, 0) << f << ": " << r.err;
    EXPECT_TRUE(contains(r.out, "ok: ")) << r.out;
  }
  Result hf = run_kvsim({"check", data_path("models/openai--gpt-oss-120b_config.json")});
  EXPECT_EQ(hf.code, 0) << hf.err;
  TempFile kv("kv.yaml", "precision: fp8\nretention: {impl: sliding_window, window: 4096}\n");
  Result k = run_kvsim({"check", kv.path()});
  EXPECT_EQ(k.code, 0) << k.err;
  EXPECT_TRUE(contains(k.out, "KV policy")) << k.out;
}

// `kvsim check` on a file holding `text` fails with exit 2 and `expected` (after "<path>") on
// stderr.
void expect_check_error(const std::string& text, const std::string& expected) {
  TempFile f("s.yaml", text);
  Result r = run_kvsim({"check", f.path()});
  EXPECT_EQ(r.code, 2) << text;
  EXPECT_TRUE(contains(r.err, f.path() + expected))
      << "expected: " << expected << "\ngot: " << r.err;
}

TEST(Cli, CheckRejectsBadScenariosAtTheirKey) {
  const std::string head = "name: x\nmodel: llama-3.1-70b\nhardware: h100-sxm\n";
  expect_check_error(head + "paralelism: {tp: 4}\n",
                     ":4:1: error: unknown key 'paralelism'; did you mean 'parallelism'?");
  expect_check_error(head + "parallelism: {tp: 3}\n",
                     ":4:19: error: 64 attention heads cannot be split evenly over TP 3");
  expect_check_error(
      "name: x\nmodel: lama-3.1-70b\nhardware: h100-sxm\n",
      ":2:8: error: model: unknown model 'lama-3.1-70b'; did you mean 'llama-3.1-70b'?");
  expect_check_error(head + "capacity: {context: 500000}\n",
                     ":4:21: error: context 500000 exceeds");
  expect_check_error(head + "kv: {precision: fp9}\n",
                     ":4:17: error: kv.precision: unknown precision 'fp9'");
  expect_check_error("name: x\nmodel: [llama\n", ":3:1: error: malformed YAML");
  expect_check_error("colour: blue\n", ":1:1: error: cannot tell what this file is");
}

TEST(Cli, RunScenarioResolvesPathsNextToTheScenario) {
  TempFile model(
      "tiny.yaml",
      "name: tiny\nhidden_size: 1024\nnum_layers: 4\nvocab_size: 1000\nmax_context: 4096\n"
      "attention: {kind: gqa, q_heads: 8, kv_heads: 2}\nmlp: {intermediate_size: 4096}\n");
  const std::string scenario = model.dir() + "/s.yaml";
  std::ofstream(scenario)
      << "name: local\nmodel: tiny.yaml\nhardware: l40s\ncapacity: {context: 2048, batch: 4}\n";
  Result r = run_kvsim({"run", scenario});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "scenario: local")) << r.out;
  // 4 layers x 2 heads x 256 values x 2 B = 4,096 B per token.
  EXPECT_TRUE(contains(r.out, "4,096 B for the whole model")) << r.out;
}

}  // namespace
}  // namespace kvsim::test
