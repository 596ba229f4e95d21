#include "kvsim/perf/capacity.h"

#include <gtest/gtest.h>

#include "kvsim/core/checked.h"
#include "kvsim/core/units.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/parameters.h"
#include "test_util.h"

namespace kvsim::perf {
namespace {

kv::KvPolicy policy_from(const std::string& yaml) {
  if (yaml.empty()) return {};
  core::Doc d = core::parse_yaml(yaml, "kv.yaml");
  return kv::parse_kv_policy(&d);
}

struct Fixture {
  model::ModelSpec m;
  hw::HardwareProfile hw;
  Parallelism par;
  MemoryOptions opt;
};

Fixture setup(const char* model, const char* hardware, int64_t tp = 1, int64_t pp = 1) {
  Fixture s{model::load_model(model), hw::load_hardware(hardware), Parallelism{tp, pp},
            MemoryOptions{}};
  s.opt.runtime_reserve_bytes = 0;  // exact arithmetic in the tests below
  return s;
}

TEST(StageLayers, SplitsEvenlyWithRemainderFirst) {
  EXPECT_EQ(stage_layers(80, 1, 0), std::make_pair(int64_t{0}, int64_t{80}));
  EXPECT_EQ(stage_layers(61, 4, 0), std::make_pair(int64_t{0}, int64_t{16}));
  EXPECT_EQ(stage_layers(61, 4, 1), std::make_pair(int64_t{16}, int64_t{31}));
  EXPECT_EQ(stage_layers(61, 4, 3), std::make_pair(int64_t{46}, int64_t{61}));
}

TEST(Weights, Llama70BSplitOverTensorParallelRanks) {
  const auto m = model::load_model("llama-3.1-70b");
  const WeightBytes one = stage_weight_bytes(m, 1, 0, 80, true, true, 1);
  EXPECT_EQ(one.total(), 2 * model::count_params(m).total());  // bf16, nothing replicated but norms
  const WeightBytes four = stage_weight_bytes(m, 4, 0, 80, true, true, 1);
  // Everything but the norms (81 x 2 x 8192 + 8192 params) splits four ways.
  const int64_t norms = (80 * 2 + 1) * 8192 * 2;
  EXPECT_EQ(four.replicated, norms);
  EXPECT_EQ(four.total() - norms, (one.total() - norms) / 4);
}

TEST(Weights, TiedEmbeddingNeedsACopyOnTheLastStage) {
  const auto m = model::load_model("gemma-2-27b");
  const int64_t vocab_bytes = 256000LL * 4608 * 2;
  EXPECT_EQ(stage_weight_bytes(m, 1, 0, 46, true, true, 1).embedding, vocab_bytes);
  EXPECT_EQ(stage_weight_bytes(m, 1, 0, 23, true, false, 2).embedding, vocab_bytes);
  EXPECT_EQ(stage_weight_bytes(m, 1, 23, 46, false, true, 2).embedding, vocab_bytes);
}

TEST(Weights, FormatsApplyPerPart) {
  const auto m = model::load_model("gpt-oss-120b");
  const WeightBytes w = stage_weight_bytes(m, 1, 0, 36, true, true, 1);
  // OpenAI: the MXFP4 checkpoint is 60.8 GiB.
  EXPECT_NEAR(static_cast<double>(w.total()) / static_cast<double>(core::kGiB), 60.8, 0.3);
  // Experts at 4.25 bits per parameter.
  const model::ModelParams p = model::count_params(m);
  int64_t experts = 0;
  for (const auto& l : p.layers)
    experts += l.experts_routed;
  EXPECT_EQ(w.experts, (experts * 17 + 31) / 32);
}

TEST(Capacity, Llama70BOnFourH100sByHand) {
  Fixture s = setup("llama-3.1-70b", "h100-sxm", 4);
  const CapacityResult r = compute_capacity(s.m, s.hw, s.par, {}, s.opt, {32768, 8});
  const StageMemory& sm = r.binding_memory();
  const int64_t usable = static_cast<int64_t>(static_cast<double>(s.hw.hbm.capacity_bytes) * 0.9);
  EXPECT_EQ(sm.kv_budget_bytes, usable - sm.weights.total() - sm.activation_bytes);
  const StageCapacity& c = r.binding();
  const int64_t block = 16 * 81920;  // 16 tokens x 81,920 B per GPU
  EXPECT_EQ(c.kv_capacity_blocks, sm.kv_budget_bytes / block);
  EXPECT_EQ(c.kv_capacity_tokens, c.kv_capacity_blocks * 16);
  EXPECT_EQ(c.at_context.allocated_bytes, 32768LL * 81920);
  EXPECT_EQ(c.max_sequences, sm.kv_budget_bytes / (32768LL * 81920));
  EXPECT_EQ(c.batch_allocated_bytes, 8 * 32768LL * 81920);
  EXPECT_EQ(r.max_context_batch1, 131072);
  EXPECT_EQ(*c.max_context_memory, c.kv_capacity_tokens);
}

TEST(Capacity, MemoryLimitedContextAndUnboundedWindows) {
  Fixture s = setup("llama-3.1-405b", "h200", 8);
  const CapacityResult r = compute_capacity(s.m, s.hw, s.par, {}, s.opt, {1024, 1});
  const int64_t per_token = 516096 / 8;
  EXPECT_EQ(*r.binding().max_context_memory, r.binding().kv_budget_bytes / (16 * per_token) * 16);
  // Mistral keeps only a 4,096-token window: memory never limits the context.
  Fixture ms = setup("mistral-7b", "h100-sxm");
  const CapacityResult mr = compute_capacity(ms.m, ms.hw, ms.par, {}, ms.opt, {32768, 1});
  EXPECT_FALSE(mr.binding().max_context_memory.has_value());
  EXPECT_EQ(mr.max_context_batch1, 32768);
}

TEST(Capacity, PrefixSharingStoresTheCommonPrefixOnce) {
  Fixture s = setup("llama-3.1-8b", "h100-sxm");
  const auto shared = policy_from("sharing: [{impl: prefix, shared_tokens: 4096}]");
  const CapacityResult r = compute_capacity(s.m, s.hw, s.par, shared, s.opt, {8192, 10});
  const int64_t seq = 8192LL * 131072;
  const int64_t prefix = 4096LL * 131072;
  EXPECT_EQ(r.binding().shared_prefix_bytes, prefix);
  EXPECT_EQ(r.binding().batch_allocated_bytes, prefix + 10 * (seq - prefix));
  EXPECT_EQ(r.binding().max_sequences, (r.binding().kv_budget_bytes - prefix) / (seq - prefix));
}

TEST(Capacity, PipelineStagesReportTheBindingOne) {
  Fixture s = setup("llama-3.1-70b", "h100-sxm", 1, 4);
  const CapacityResult r = compute_capacity(s.m, s.hw, s.par, {}, s.opt, {8192, 1});
  ASSERT_EQ(r.stages.size(), 4u);
  // The first and last stages carry the embedding and LM head, so they have less room for KV.
  EXPECT_LT(r.plan.stages[0].kv_budget_bytes, r.plan.stages[1].kv_budget_bytes);
  EXPECT_TRUE(r.binding_stage == 0 || r.binding_stage == 3);
  EXPECT_EQ(r.plan.stages[1].kv->bytes_per_token_gpu(), 20 * 8 * 256 * 2);
}

TEST(Capacity, DoesNotFitIsAnAnswerNotAnError) {
  Fixture s = setup("llama-3.1-405b", "h100-sxm", 1);
  const CapacityResult r = compute_capacity(s.m, s.hw, s.par, {}, s.opt, {8192, 1});
  EXPECT_LT(r.binding().kv_budget_bytes, 0);
  EXPECT_EQ(r.binding().max_sequences, 0);
  EXPECT_FALSE(r.binding().batch_fits);
  ASSERT_FALSE(r.warnings.empty());
}

TEST(Capacity, SettingsThatDoNotFitTogetherNameTheirField) {
  Fixture s = setup("llama-3.1-70b", "h100-sxm", 4);
  auto field = [&](const CapacityQuery& q, Parallelism par, const kv::KvPolicy& p = {}) {
    try {
      compute_capacity(s.m, s.hw, par, p, s.opt, q);
    } catch (const core::ConfigError& e) {
      return e.field();
    }
    return std::string("no error");
  };
  EXPECT_EQ(field({200000, 1}, s.par), "context");
  EXPECT_EQ(field({1024, 1}, Parallelism{6, 1}), "tp");
  EXPECT_EQ(field({1024, 1}, Parallelism{1, 81}), "pp");
  EXPECT_EQ(field({1024, 1}, s.par, policy_from("sharing: [{impl: prefix, shared_tokens: 2048}]")),
            "kv.sharing");
  EXPECT_EQ(field({1024, 1}, s.par, policy_from("tiers: [host]")), "no error");
}

TEST(Capacity, HugeBatchTimesContextOverflowsLoudly) {
  Fixture s = setup("llama-3.1-70b", "h100-sxm", 4);
  EXPECT_THROW(compute_capacity(s.m, s.hw, s.par, {}, s.opt, {131072, int64_t{1} << 50}),
               core::OverflowError);
}

TEST(Capacity, HostTierHoldsOffloadedTokens) {
  Fixture s = setup("llama-3.1-8b", "h100-sxm");
  const CapacityResult r = compute_capacity(
      s.m, s.hw, s.par, policy_from("tiers: [{impl: host, capacity_gib: 64, bandwidth_gb_s: 50}]"),
      s.opt, {8192, 1});
  ASSERT_EQ(r.offload.size(), 1u);
  EXPECT_EQ(r.offload[0].tokens, 64 * core::kGiB / 131072);
  EXPECT_EQ(r.offload[0].sequences, 64 * core::kGiB / (8192LL * 131072));
}

}  // namespace
}  // namespace kvsim::perf
