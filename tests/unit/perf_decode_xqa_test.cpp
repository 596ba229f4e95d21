// The tensor-core decode kernel's CTA-level costs, as TensorRT-LLM's XQA runs them: every CTA of a
// split grid pays the per-CTA overhead (AttentionPathParams::overhead_per_cta), an idle split of a
// sliding window a share of it and of the combine (idle_split_overhead); a CTA streams at most one
// KV tile per tile latency, with resident_ctas_per_sm CTAs of an SM at a time; a CTA's fixed
// latency precedes its stream (cta_latency_s); the fp8 kernel's overhead overlaps its stream by its
// own exponent (fp8_overlap). Both decode kernels compute over a padded head dim: XQA's headElems
// (64, 128 or 256) and MMHA's dh_max (a power of two), the latter checked here too.

#include <gtest/gtest.h>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/decode_attention.h"

namespace kvsim::perf {
namespace {

/// H100 with the tensor path reduced to the terms under test: a flat per-CTA overhead, a launch
/// floor of 1 us, no combine, no per-row latency, no HBM ramp, (almost) a hard max of overhead
/// and stream.
hw::HardwareProfile h100_xqa() {
  hw::HardwareProfile hw = hw::load_hardware("h100-sxm");
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.floor_s = p.fp8_floor_s = 1e-6;
  p.overhead_base_s = 100e-9;
  p.overhead_per_head_dim_s = p.overhead_per_group_dim_s = 0;
  p.fp8_overhead_scale = 1;
  p.cta_row_s = p.cta_latency_s = 0;
  p.combine_s = p.combine_per_split_s = 0;
  p.saturating_units = 1;
  p.tile_latency_s = p.tile_latency_per_row_s = 0;
  p.overlap = p.fp8_overlap = 64;
  return hw;
}

// Batch 1, one KV head of 8 query heads, head dim 128, 64k tokens: 64 splits of 1,024 tokens
// (16 tiles of 64), one CTA each.
const DecodeAttentionOp kLongSequence{1, 65536, 8, 1, 128, "bf16"};

TEST(DecodeXqa, EverySplitCtaPaysTheOverheadWhenPerCta) {
  hw::HardwareProfile hw = h100_xqa();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.overhead_base_s = 1e-6;  // 64 CTAs x 1 us = 64 us: the overhead bounds the body
  const DecodeAttentionOp op{8, 1024, 8, 1, 128, "bf16"};  // 8 units x 8 splits
  const DecodeAttentionPlan plan = plan_decode_attention(op, hw);
  ASSERT_TRUE(plan.tensor_path);
  ASSERT_DOUBLE_EQ(plan.units_before_split, 8);
  ASSERT_DOUBLE_EQ(plan.splits, 8);
  p.overhead_per_cta = false;
  const OpCost per_unit = decode_attention_cost(op, hw);
  p.overhead_per_cta = true;
  const OpCost per_cta = decode_attention_cost(op, hw);
  EXPECT_NEAR(per_unit.seconds, 1e-6 + 8e-6, 1e-9);
  EXPECT_NEAR(per_cta.seconds, 1e-6 + 64e-6, 1e-9);
  EXPECT_EQ(per_cta.bound, Bound::overhead);
}

TEST(DecodeXqa, IdleWindowSplitsPayTheirShareOfOverheadAndCombine) {
  hw::HardwareProfile hw = h100_xqa();
  hw.kernels.decode_attention.window_full_grid = true;
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.overhead_base_s = 1e-6;
  p.overhead_per_cta = true;
  p.window_split_tokens = p.fp8_window_split_tokens = 0;
  // 8 units over 16,384 tokens: 32 splits of 512 planned over the whole sequence; a 128-token
  // window lands in one of them, the other 31 are idle.
  const DecodeAttentionOp op{8, 16384, 8, 1, 128, "bf16", 1, 128};
  const DecodeAttentionPlan plan = plan_decode_attention(op, hw);
  ASSERT_DOUBLE_EQ(plan.splits, 32);
  ASSERT_DOUBLE_EQ(plan.active_splits, 1);
  p.idle_split_overhead = 0;
  EXPECT_NEAR(decode_attention_cost(op, hw).seconds, 1e-6 + 8 * 1e-6, 1e-9);
  p.idle_split_overhead = 0.5;
  EXPECT_NEAR(decode_attention_cost(op, hw).seconds, 1e-6 + 8 * (1 + 31 * 0.5) * 1e-6, 1e-9);
  // The fp8 kernel's shapes take their own share.
  DecodeAttentionOp fp8 = op;
  fp8.kv_dtype = "fp8";
  p.fp8_idle_split_overhead = 0.25;
  EXPECT_NEAR(decode_attention_cost(fp8, hw).seconds, 1e-6 + 8 * (1 + 31 * 0.25) * 1e-6, 1e-9);
  // The combine reads the idle splits' partials at the same share.
  p.combine_per_split_s = 0.1e-6;
  EXPECT_NEAR(decode_attention_cost(fp8, hw).seconds, 1e-6 + (8 + 0.1) * (1 + 31 * 0.25) * 1e-6,
              1e-9);
}

TEST(DecodeXqa, TileLatencyBoundsTheStreamOfFewCtas) {
  hw::HardwareProfile hw = h100_xqa();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.overhead_base_s = 0;
  const DecodeAttentionPlan plan = plan_decode_attention(kLongSequence, hw);
  ASSERT_DOUBLE_EQ(plan.splits, 64);
  ASSERT_DOUBLE_EQ(plan.padded_tokens, 65536);
  const double hbm_only = decode_attention_cost(kLongSequence, hw).seconds;
  // 33.6 MB of KV at 0.9 x 3.35 TB/s is ~11 us; 16 tiles at 1 us each take 16 us.
  ASSERT_LT(hbm_only, 1e-6 + 12e-6);
  p.tile_latency_s = 1e-6;
  p.resident_ctas_per_sm = 2;
  OpCost c = decode_attention_cost(kLongSequence, hw);
  EXPECT_NEAR(c.seconds, 1e-6 + 16e-6, 1e-9);
  EXPECT_EQ(c.bound, Bound::hbm);
  // Each of the CTA's 8 query rows adds to the tile latency.
  p.tile_latency_per_row_s = 0.1e-6;
  EXPECT_NEAR(decode_attention_cost(kLongSequence, hw).seconds, 1e-6 + 16 * 1.8e-6, 1e-9);
  // 64 CTAs on 16 SMs of 2 resident CTAs take two turns.
  p.tile_latency_per_row_s = 0;
  hw.sm_count = 16;
  EXPECT_NEAR(decode_attention_cost(kLongSequence, hw).seconds, 1e-6 + 32e-6, 1e-9);
  // Without resident CTAs the bound is off.
  hw.sm_count = 132;
  p.resident_ctas_per_sm = 0;
  EXPECT_DOUBLE_EQ(decode_attention_cost(kLongSequence, hw).seconds, hbm_only);
}

TEST(DecodeXqa, CtaLatencyPrecedesTheStream) {
  hw::HardwareProfile hw = h100_xqa();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.overhead_base_s = 0;
  const double stream = decode_attention_cost(kLongSequence, hw).seconds - 1e-6;
  p.cta_latency_s = 2e-6;
  const OpCost c = decode_attention_cost(kLongSequence, hw);
  EXPECT_NEAR(c.seconds, 1e-6 + 2e-6 + stream, 1e-9);
  EXPECT_EQ(c.bound, Bound::hbm);
  // A larger per-CTA overhead overlaps the stream instead: the latency no longer shows.
  p.overhead_base_s = 1e-6;
  p.overhead_per_cta = true;
  EXPECT_NEAR(decode_attention_cost(kLongSequence, hw).seconds, 1e-6 + 64e-6, 1e-9);
  // With no stream to follow it, the latency alone bounds the body.
  const DecodeAttentionOp tiny{1, 2, 8, 1, 128, "bf16"};
  p.overhead_base_s = 0;
  hw.kernels.decode_attention.tensor_min_block_factor = 0;
  const OpCost t = decode_attention_cost(tiny, hw);
  EXPECT_GT(t.seconds, 1e-6 + 2e-6);
  EXPECT_LT(t.seconds, 1e-6 + 2.1e-6);
  EXPECT_EQ(t.bound, Bound::overhead);
}

TEST(DecodeXqa, Fp8KernelOverlapsItsOverheadByItsOwnExponent) {
  hw::HardwareProfile hw = h100_xqa();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  DecodeAttentionOp fp8 = kLongSequence;
  fp8.kv_dtype = "fp8";
  p.overhead_base_s = 0;
  const double stream = decode_attention_cost(fp8, hw).seconds - 1e-6;
  p.overhead_base_s = 200e-9;
  p.overhead_per_cta = true;
  const double overhead = 64 * 200e-9;  // 12.8 us, above the stream
  ASSERT_LT(stream, overhead);
  EXPECT_NEAR(decode_attention_cost(fp8, hw).seconds, 1e-6 + overhead, 1e-9);
  p.fp8_overlap = 1;  // additive: the fp8 kernel's overhead never overlaps its stream
  EXPECT_NEAR(decode_attention_cost(fp8, hw).seconds, 1e-6 + overhead + stream, 1e-9);
  // A 16-bit cache keeps the path's overlap (a hard max here).
  EXPECT_NEAR(decode_attention_cost(kLongSequence, hw).seconds, 1e-6 + overhead, 1e-9);
  // 0 falls back to the path's overlap.
  p.fp8_overlap = 0;
  EXPECT_NEAR(decode_attention_cost(fp8, hw).seconds, 1e-6 + overhead, 1e-9);
}

TEST(DecodeXqa, HeadDim192RunsAsTheKernelHeadDim256) {
  hw::HardwareProfile hw = h100_xqa();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.overhead_base_s = 0;
  p.overhead_per_head_dim_s = 1e-6;  // per CTA, at a kernel head dim of 128
  hw.kernels.decode_attention.tensor_min_block_factor = 0;
  // 4 units of group 8 over 2 tokens: no split, a stream far below the overhead.
  const auto tiny = [](int64_t head_dim) {
    return DecodeAttentionOp{4, 2, 8, 1, head_dim, "bf16"};
  };
  ASSERT_TRUE(plan_decode_attention(tiny(192), hw).tensor_path);
  // XQA pads a head of 192 to 256 elements: it pays what 256 does, twice what 128 does.
  EXPECT_NEAR(decode_attention_cost(tiny(128), hw).seconds, 1e-6 + 4 * 1e-6, 1e-9);
  EXPECT_NEAR(decode_attention_cost(tiny(192), hw).seconds, 1e-6 + 4 * 2e-6, 1e-9);
  EXPECT_NEAR(decode_attention_cost(tiny(256), hw).seconds, 1e-6 + 4 * 2e-6, 1e-9);
  // ... and 64 is its smallest head.
  EXPECT_NEAR(decode_attention_cost(tiny(32), hw).seconds, 1e-6 + 4 * 0.5e-6, 1e-9);
  // The bytes moved stay the real head dim's.
  EXPECT_DOUBLE_EQ(decode_attention_cost(tiny(192), hw).work.level(Level::hbm),
                   decode_attention_work(tiny(192)).level(Level::hbm));
  EXPECT_LT(decode_attention_work(tiny(192)).level(Level::hbm),
            decode_attention_work(tiny(256)).level(Level::hbm));
}

TEST(DecodeXqa, TileLatencyGrowsWithTheKernelHeadDim) {
  hw::HardwareProfile hw = h100_xqa();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.overhead_base_s = 0;
  p.tile_latency_s = 1e-6;
  p.resident_ctas_per_sm = 2;
  // kLongSequence at head dim 256: 64 CTAs of 16 tiles; 67 MB of KV stream in ~22 us, while
  // 16 tiles at 2 x 1 us take 32 us.
  DecodeAttentionOp wide = kLongSequence;
  wide.head_dim = 256;
  EXPECT_NEAR(decode_attention_cost(kLongSequence, hw).seconds, 1e-6 + 16e-6, 1e-9);
  EXPECT_NEAR(decode_attention_cost(wide, hw).seconds, 1e-6 + 32e-6, 1e-9);
  wide.head_dim = 192;
  EXPECT_NEAR(decode_attention_cost(wide, hw).seconds, 1e-6 + 32e-6, 1e-9);
}

TEST(DecodeMmha, CudaCorePathLatencyRunsAtDhMax) {
  hw::HardwareProfile hw = hw::load_hardware("h100-sxm");
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  p.floor_s = p.fp8_floor_s = 1e-6;
  p.overhead_base_s = p.overhead_per_head_dim_s = p.overhead_per_group_dim_s = 0;
  p.extra_wave_s = 0;
  p.overlap = 64;
  p.cta_row_s = 4e-6;  // one CTA's serial work at a head dim of 128
  // MHA, batch 1, 8 heads over 2 tokens: the CUDA-core kernel, no split.
  const auto mha = [](int64_t head_dim) { return DecodeAttentionOp{1, 2, 8, 8, head_dim, "bf16"}; };
  ASSERT_FALSE(plan_decode_attention(mha(96), hw).tensor_path);
  ASSERT_DOUBLE_EQ(plan_decode_attention(mha(96), hw).splits, 1);
  // dh_max: 96 -> 128, 160 -> 256.
  EXPECT_NEAR(decode_attention_cost(mha(96), hw).seconds, 1e-6 + 4e-6, 1e-8);
  EXPECT_NEAR(decode_attention_cost(mha(160), hw).seconds, 1e-6 + 8e-6, 1e-8);
}

}  // namespace
}  // namespace kvsim::perf
