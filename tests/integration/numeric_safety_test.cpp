// Inputs whose sizes would overflow 64 bits (or a double-to-integer conversion) through the
// command line: each must be an error naming the input (exit 2), or a correct answer, never a
// wrapped number, a crash or an abort. The asan preset runs these with the
// undefined-behaviour sanitizer in the kvsim binary, so a silent signed overflow fails them too.

#include <gtest/gtest.h>

#include <string>

#include "../unit/test_util.h"
#include "run_kvsim.h"

namespace kvsim::test {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

constexpr const char* kInt64Max = "9223372036854775807";

// llama-3.1-8b with some fields replaced.
std::string model_yaml(const std::string& hidden, const std::string& layers,
                       const std::string& intermediate, const std::string& max_context) {
  return "name: huge\nhidden_size: " + hidden + "\nnum_layers: " + layers +
         "\nvocab_size: 128256\nmax_context: " + max_context +
         "\nattention: {kind: gqa, q_heads: 32, kv_heads: 8, head_dim: 128}\n"
         "mlp: {intermediate_size: " +
         intermediate + "}\n";
}

// Exit 2 with a located error that mentions `what`.
void expect_input_error(const Result& r, const std::string& what) {
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "error:")) << r.err;
  EXPECT_TRUE(contains(r.err, what)) << "expected '" << what << "' in: " << r.err;
  EXPECT_FALSE(contains(r.err, "terminate")) << r.err;
}

TEST(NumericSafety, CapacityHugeContextAndBatch) {
  expect_input_error(run_kvsim({"capacity", "--model", "llama-3.1-8b", "--hardware", "h100-sxm",
                                "--context", kInt64Max}),
                     "context");
  expect_input_error(run_kvsim({"capacity", "--model", "llama-3.1-8b", "--hardware", "h100-sxm",
                                "--context", "100000", "--batch", kInt64Max}),
                     "--batch");
  expect_input_error(run_kvsim({"capacity", "--model", "llama-3.1-8b", "--hardware", "h100-sxm",
                                "--context", "99999999999999999999999"}),
                     "--context");
}

TEST(NumericSafety, ScenarioBatchWhoseBytesOverflowIsAnErrorAtCapacityBatch) {
  // 2^40 sequences of 8,192 fp8 tokens of gemma-3-27b: more bytes than 64 bits count.
  TempFile s("huge.yaml",
             "name: huge\nmodel: gemma-3-27b\nhardware: h200\n"
             "kv: {precision: fp8, allocation: {impl: paged, block_tokens: 32}}\n"
             "capacity: {context: 8192,\n  batch: 1099511627776}\n");
  const Result r = run_kvsim({"run", s.path(), "--out", "."});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, s.path() + ":6:10: error: batch KV bytes overflows")) << r.err;
}

TEST(NumericSafety, CapacityHugeModelIsAnErrorNamingTheKey) {
  // Weights of 10^5 layers x 2^24 hidden x 2^40 intermediate overflow any 64-bit count.
  TempFile wide("wide.yaml", model_yaml("16777216", "100000", "1099511627776", "131072"));
  Result r = run_kvsim({"capacity", "--model", wide.path(), "--hardware", "h100-sxm"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, wide.path())) << r.err;
  EXPECT_FALSE(contains(r.out, "-")) << r.out;  // no negative (wrapped) byte counts printed
  // A model context near INT64_MAX is accepted as a limit, and the capacity answer stays sane.
  TempFile ctx("ctx.yaml", model_yaml("4096", "32", "14336", kInt64Max));
  Result c = run_kvsim({"capacity", "--model", ctx.path(), "--hardware", "h100-sxm", "--json"});
  EXPECT_TRUE(c.code == 0 || c.code == 2) << c.err;
  if (c.code == 2) {
    EXPECT_TRUE(contains(c.err, ctx.path())) << c.err;
  }
  // A config.json with a billion layers.
  TempFile hf("config.json",
              R"({"architectures": ["LlamaForCausalLM"], "model_type": "llama",
                  "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
                  "num_key_value_heads": 8, "num_hidden_layers": 1000000000,
                  "vocab_size": 128256, "max_position_embeddings": 131072})");
  expect_input_error(run_kvsim({"capacity", "--model", hf.path(), "--hardware", "h100-sxm"}),
                     "num_hidden_layers");
}

TEST(NumericSafety, CapacityHugeHardwareFigures) {
  TempFile hw("huge.yaml",
              "name: huge\ncompute: {sm_count: 132, tensor: {bf16: 989}}\n"
              "memory: {hbm: {capacity_gib: 1e300, bandwidth_gb_s: 3350}}\n");
  expect_input_error(run_kvsim({"capacity", "--model", "llama-3.1-8b", "--hardware", hw.path()}),
                     "capacity_gib");
}

TEST(NumericSafety, ReplayTraceLengthsNearInt64MaxAreRejectedRows) {
  TempFile trace("t.csv", std::string("arrival_s,input_tokens,output_tokens\n0,100,10\n") + "1," +
                              kInt64Max + ",10\n2,100," + kInt64Max + "\n3,200,20\n");
  Result r = run_kvsim({"replay", "--trace", trace.path(), "--model", "llama-3.1-8b", "--hardware",
                        "h100-sxm", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\"rejected\": 2")) << r.out;
  EXPECT_TRUE(contains(r.out, "input_tokens")) << r.out;
  EXPECT_TRUE(contains(r.out, "\"completed\": 2")) << r.out;
  // Only huge rows: nothing to replay, said so.
  TempFile only("only.jsonl", std::string("{\"timestamp\": 0, \"input_length\": ") + kInt64Max +
                                  ", \"output_length\": " + kInt64Max + ", \"hash_ids\": [1]}\n");
  expect_input_error(run_kvsim({"replay", "--trace", only.path(), "--model", "llama-3.1-8b",
                                "--hardware", "h100-sxm"}),
                     "no requests");
}

TEST(NumericSafety, ReplayHugeEngineSettingsAreFlagErrors) {
  const std::string trace = data_path("traces/native.csv");
  expect_input_error(run_kvsim({"replay", "--trace", trace, "--model", "llama-3.1-8b", "--hardware",
                                "h100-sxm", "--max-batched-tokens", kInt64Max}),
                     "--max-batched-tokens");
  expect_input_error(run_kvsim({"replay", "--trace", trace, "--model", "llama-3.1-8b", "--hardware",
                                "h100-sxm", "--swap-space-gib", "1e300"}),
                     "--swap-space-gib");
  expect_input_error(run_kvsim({"replay", "--trace", trace, "--model", "llama-3.1-8b", "--hardware",
                                "h100-sxm", "--rate-scale", "1e-300"}),
                     "--rate-scale");
}

TEST(NumericSafety, PredictHugeOperatorsGiveFiniteTimesOrRowErrors) {
  TempFile ops("ops.csv",
               "op,m,n,k,dtype,batch,kv_len,q_heads,kv_heads,head_dim,kv_dtype,q_len,bytes,gpus\n"
               "gemm,1099511627776,1099511627776,1099511627776,bf16,,,,,,,,,\n"
               "decode_attention,,,,,1099511627776,1099511627776,1099511627776,"
               "1099511627776,1099511627776,bf16,1099511627776,,\n"
               "all_reduce,,,,,,,,,,,,1e300,8\n");
  Result r = run_kvsim({"predict", "--hardware", "h100-sxm", "--ops", ops.path()});
  if (r.code == 0) {
    EXPECT_FALSE(contains(r.out, "inf")) << r.out;
    EXPECT_FALSE(contains(r.out, "nan")) << r.out;
    EXPECT_FALSE(contains(r.out, ",-")) << r.out;
  } else {
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(contains(r.err, ops.path() + ":")) << r.err;
  }
  // Past the documented column limit (2^40) it is a row error naming the column.
  TempFile big("big.csv", std::string("op,m,n,k,dtype\ngemm,") + kInt64Max + ",1,1,bf16\n");
  expect_input_error(run_kvsim({"predict", "--hardware", "h100-sxm", "--ops", big.path()}), "'m'");
}

}  // namespace
}  // namespace kvsim::test
