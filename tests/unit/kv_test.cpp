// Hand-worked KV sizes for every question's plug-ins.

#include <gtest/gtest.h>

#include "kvsim/core/registry.h"
#include "kvsim/kv/kv_plan.h"
#include "kvsim/kv/kv_policy.h"
#include "test_util.h"

namespace kvsim::kv {
namespace {

// A policy from a YAML `kv:` map, defaults filled for `m`.
KvPolicy policy(const std::string& yaml, const model::ModelSpec& m) {
  KvPolicy p;
  if (!yaml.empty()) {
    core::Doc d = core::parse_yaml(yaml, "kv.yaml");
    p = parse_kv_policy(&d);
  }
  p.fill_defaults(m);
  return p;
}

KvPlan plan(const model::ModelSpec& m, const std::string& yaml, int64_t tp = 1) {
  return KvPlan(m, policy(yaml, m), tp, 0, m.num_layers());
}

TEST(KvBytes, Llama70BBf16Is327680) {
  const auto m = model::load_model("llama-3.1-70b");
  // 2 (K,V) x 80 layers x 8 heads x 128 dims x 2 bytes.
  EXPECT_EQ(plan(m, "").bytes_per_token_model(), 327680);
  EXPECT_EQ(plan(m, "").bytes_per_token_gpu(), 327680);
}

TEST(KvBytes, DeepSeekV3MlaIs70272) {
  const auto m = model::load_model("deepseek-v3");
  // 61 layers x (512 latent + 64 rope) x 2 bytes; the MTP layer is excluded.
  EXPECT_EQ(plan(m, "").bytes_per_token_model(), 70272);
}

TEST(KvBytes, Fp8HalvesAndInt4CountsGroupScales) {
  const auto m = model::load_model("llama-3.1-70b");
  EXPECT_EQ(plan(m, "precision: fp8").bytes_per_token_model(), 163840);
  EXPECT_EQ(plan(m, "precision: int8").bytes_per_token_model(), 163840);
  // int4, group 32, fp16 scale + fp16 zero: per head-token 256 values -> 128 B payload +
  // 8 groups x 4 B = 160 B; x 8 heads x 80 layers.
  EXPECT_EQ(plan(m, "precision: int4").bytes_per_token_model(), 160 * 8 * 80);
  // group 128, scale only: 128 B + 2 groups x 2 B = 132 B per head-token.
  EXPECT_EQ(plan(m, "precision: {impl: int4, group_size: 128, zero_point: false}")
                .bytes_per_token_model(),
            132 * 8 * 80);
  // fp8 with per-head fp32 scales: 256 B + 2 x 4 B.
  EXPECT_EQ(
      plan(m, "precision: {impl: fp8, group_size: 128, scale_bytes: 4}").bytes_per_token_model(),
      264 * 8 * 80);
}

TEST(KvBytes, WhatIfLayouts) {
  const auto m = model::load_model("llama-3.1-70b");
  EXPECT_EQ(plan(m, "attention: {impl: gqa, kv_heads: 4}").bytes_per_token_model(), 163840);
  EXPECT_EQ(plan(m, "attention: mha").bytes_per_token_model(), 327680 * 8);
  EXPECT_EQ(plan(m, "attention: mqa").bytes_per_token_model(), 327680 / 8);
  EXPECT_EQ(
      plan(m, "attention: {impl: mla, latent_dim: 512, rope_dim: 64}").bytes_per_token_model(),
      80 * 576 * 2);
  // An MLA model forced to cache decompressed heads: K of 192 dims and V of 128 per head.
  const auto ds = model::load_model("deepseek-v3");
  EXPECT_EQ(plan(ds, "attention: mha").bytes_per_token_model(), 61LL * 128 * (192 + 128) * 2);
  EXPECT_THROW(plan(m, "attention: {impl: gqa, kv_heads: 5}"), core::ConfigError);
  EXPECT_THROW(plan(m, "attention: mla"), core::ConfigError);  // no latent_dim on a GQA model
}

TEST(KvBytes, CrossLayerSharingHalvesStoringLayers) {
  const auto m = model::load_model("llama-3.1-70b");
  const KvPlan p = plan(m, "sharing: [{impl: cross_layer, factor: 2}]");
  EXPECT_EQ(p.bytes_per_token_model(), 163840);
  EXPECT_EQ(p.layers()[1].owner, 0);
  EXPECT_EQ(p.layers()[1].bytes_per_token_gpu, 0);
  EXPECT_EQ(plan(m, "sharing: [{impl: cross_layer, factor: 3}]").bytes_per_token_model(),
            4096 * 27);
}

TEST(TensorParallel, GqaHeadsSplitThenReplicate) {
  const auto m = model::load_model("llama-3.1-70b");
  EXPECT_EQ(plan(m, "", 4).bytes_per_token_gpu(), 327680 / 4);  // 2 of 8 heads per rank
  EXPECT_EQ(plan(m, "", 8).bytes_per_token_gpu(), 327680 / 8);  // 1 head per rank
  const KvPlan tp16 = plan(m, "", 16);                          // 8 heads over 16 ranks
  EXPECT_EQ(tp16.bytes_per_token_gpu(), 327680 / 8);            // still one whole head each
  EXPECT_EQ(tp16.groups()[0].values.replication, 2);
  try {
    plan(m, "", 3);
    FAIL() << "TP 3 should not split 64 heads";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.field(), "tp");
  }
  const KvPlan mqa_tp8 = plan(m, "attention: mqa", 8);
  EXPECT_EQ(mqa_tp8.groups()[0].values.replication, 8);
}

TEST(TensorParallel, MlaLatentReplicatedOnEveryRank) {
  const auto m = model::load_model("deepseek-v3");
  const KvPlan p = plan(m, "", 8);
  EXPECT_EQ(p.bytes_per_token_gpu(), 70272);
  EXPECT_EQ(p.groups()[0].values.replication, 8);
}

TEST(Retention, Gemma3At32kWithItsWindows) {
  const auto m = model::load_model("gemma-3-27b");
  const KvPlan p = plan(m, "");
  // 10 global layers keep 32,768 tokens, 52 local layers keep 1,024; 16 heads x 256 x 2 B each.
  const int64_t per_layer_token = 16 * 256 * 2;
  const SequenceKv s = p.sequence(32768);
  EXPECT_EQ(s.resident_bytes, per_layer_token * (10LL * 32768 + 52LL * 1024));
  EXPECT_EQ(s.allocated_bytes, s.resident_bytes);  // both spans are block-aligned
  // Without windows every layer keeps everything.
  EXPECT_EQ(plan(m, "retention: full").sequence(32768).resident_bytes,
            per_layer_token * 62LL * 32768);
}

TEST(Paged, FragmentationOfPartialBlocks) {
  const auto m = model::load_model("llama-3.1-8b");
  const int64_t per_token = 131072;
  // 1,000 tokens in 16-token blocks: 63 blocks, 8 slots empty in the last block of each layer.
  const SequenceKv s = plan(m, "").sequence(1000);
  EXPECT_EQ(s.resident_bytes, 1000 * per_token);
  EXPECT_EQ(s.allocated_bytes, 1008 * per_token);
  EXPECT_EQ(s.wasted_bytes(), 8 * per_token);
  EXPECT_EQ(s.layer_blocks, 63 * 32);
  // 256-token blocks waste 24 slots.
  EXPECT_EQ(plan(m, "allocation: {impl: paged, block_tokens: 256}").sequence(1000).wasted_bytes(),
            24 * per_token);
}

TEST(Paged, SlidingWindowStraddlesOneExtraBlock) {
  const auto m = model::load_model("mistral-7b");
  const int64_t per_layer = 8 * 256 * 2;
  const KvPlan p = plan(m, "");
  // At 4,096 tokens the window is 256 whole blocks; one token later it spans blocks 0..256.
  EXPECT_EQ(p.sequence(4096).layer_blocks, 256 * 32);
  EXPECT_EQ(p.sequence(4097).layer_blocks, 257 * 32);
  EXPECT_EQ(p.sequence(4112).layer_blocks, 256 * 32);
  EXPECT_EQ(p.sequence(4112).resident_bytes, 4096LL * per_layer * 32);
  EXPECT_EQ(p.peak_sequence(4112).layer_blocks, 257 * 32);
  EXPECT_EQ(p.peak_sequence(100000).allocated_bytes, 257LL * 16 * per_layer * 32);
}

TEST(Retention, SinksRecentAndTokenBudget) {
  const auto m = model::load_model("llama-3.1-8b");
  // 4 sinks + 1,020 recent of 10,000 tokens: blocks {0} and blocks 561..624 (tokens 8,980..9,999).
  const KvPlan sr = plan(m, "retention: {impl: sinks_recent, sinks: 4, recent: 1020}");
  const SequenceKv s = sr.sequence(10000);
  EXPECT_EQ(s.resident_bytes, 1024LL * 131072);
  EXPECT_EQ(s.layer_blocks, (1 + (625 - 561)) * 32);
  // A token budget evicts into packed blocks: 2,000 tokens in 125 blocks.
  const KvPlan tb = plan(m, "retention: {impl: token_budget, budget: 2000}");
  EXPECT_EQ(tb.sequence(50000).layer_blocks, 125 * 32);
  EXPECT_EQ(tb.sequence(50000).wasted_bytes(), 0);
}

TEST(Contiguous, ReservesMaxLengthAndWastesTheRest) {
  const auto m = model::load_model("llama-3.1-8b");
  const KvPlan p = plan(m, "allocation: {impl: contiguous, reserve_tokens: 8192}");
  const SequenceKv s = p.sequence(1000);
  EXPECT_EQ(s.allocated_bytes, 8192LL * 131072);
  EXPECT_EQ(s.wasted_bytes(), 7192LL * 131072);
  EXPECT_EQ(p.max_context(), 8192);
  // Default reservation: the model's 131,072-token context.
  EXPECT_EQ(plan(m, "allocation: contiguous").sequence(1).allocated_bytes, 131072LL * 131072);
  // A windowed layer reserves only its window (ring buffer).
  const auto mistral = model::load_model("mistral-7b");
  EXPECT_EQ(plan(mistral, "allocation: contiguous").sequence(1).allocated_bytes,
            4096LL * 4096 * 32);
}

TEST(Prefix, SharedWholeBlocksCountOnce) {
  const auto m = model::load_model("llama-3.1-8b");
  const KvPlan p = plan(m, "sharing: [{impl: prefix, shared_tokens: 1000}]");
  // 1,000 shared tokens = 62 whole 16-token blocks (the 63rd is partly private).
  EXPECT_EQ(p.prefix_bytes(1000, 4000), 62LL * 16 * 131072);
}

TEST(Policy, BadSpecsAreErrorsWithSuggestions) {
  const auto m = model::load_model("llama-3.1-8b");
  auto err = [&](const std::string& yaml) { return test::input_error([&] { policy(yaml, m); }); };
  EXPECT_NE(
      err("precision: fp9")
          .find("kv.yaml:1:12: error: kv.precision: unknown precision 'fp9'; did you mean 'fp8'?"),
      std::string::npos);
  EXPECT_NE(err("precision: {impl: int4, group: 32}")
                .find("unknown key 'group' in 'kv.precision'; did you mean 'group_size'?"),
            std::string::npos);
  EXPECT_NE(
      err("retention: {impl: sliding_window}").find("give exactly one of 'window' or 'pattern'"),
      std::string::npos);
  EXPECT_NE(err("retension: full").find("did you mean 'retention'?"), std::string::npos);
  EXPECT_NE(err("allocation: contiguous\nsharing: [prefix]").find("needs 'paged' allocation"),
            std::string::npos);
  EXPECT_NE(err("allocation: {impl: paged, block_tokens: 0}").find("out of range"),
            std::string::npos);
  EXPECT_NE(err("tiers: [host, host]").find("listed twice"), std::string::npos);
  EXPECT_NE(err("tiers: [{impl: nvme, capacity_gib: 100}]").find("missing key 'bandwidth_gb_s'"),
            std::string::npos);
}

// Every registered plug-in builds from a minimal spec and yields a plan.
TEST(Registry, EveryPluginBuildsAndPlans) {
  const auto m = model::load_model("llama-3.1-8b");
  const std::map<std::string, std::string> params = {
      {"gqa", "kv_heads: 4"},
      {"mla", "latent_dim: 512, rope_dim: 64"},
      {"sliding_window", "window: 512"},
      {"sinks_recent", "recent: 512"},
      {"token_budget", "budget: 512"},
      {"cross_layer", "factor: 2"},
      {"nvme", "capacity_gib: 100, bandwidth_gb_s: 7"}};
  auto spec = [&](const std::string& name) {
    auto it = params.find(name);
    return "{impl: " + name + (it == params.end() ? "" : ", " + it->second) + "}";
  };
  int built = 0;
  auto each = [&](const std::string& key, const std::vector<std::string>& names, bool list) {
    for (const auto& n : names) {
      const std::string yaml = key + ": " + (list ? "[" + spec(n) + "]" : spec(n));
      EXPECT_NO_THROW(plan(m, yaml).sequence(1000)) << yaml;
      ++built;
    }
  };
  each("attention", core::Registry<AttentionLayout>::instance().names(), false);
  each("precision", core::Registry<Precision>::instance().names(), false);
  each("retention", core::Registry<Retention>::instance().names(), false);
  each("sharing", core::Registry<Sharing>::instance().names(), true);
  each("allocation", core::Registry<Allocation>::instance().names(), false);
  each("tiers", core::Registry<Tier>::instance().names(), true);
  EXPECT_EQ(built, 5 + 5 + 5 + 2 + 2 + 3);
}

}  // namespace
}  // namespace kvsim::kv
