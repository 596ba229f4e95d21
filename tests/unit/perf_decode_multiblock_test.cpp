// The CUDA-core decode kernel's grid when its launcher tunes the block size
// (AttentionPathParams::wave_blocks_per_sm), as TensorRT-LLM's MMHA does: a sequence's heads
// split only up to one wave of CTAs, rounded up, each split at least 256 tokens at head dim 128
// (head dims rounded up to a power of two); small grids grow their blocks to fill the SMs; and
// a grid past one wave pays for its tail.

#include <gtest/gtest.h>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/decode_attention.h"

namespace kvsim::perf {
namespace {

/// H100 (132 SMs) with the CUDA-core path at MMHA's constants: the multi-block kernel (grids
/// under 132 units) has two base blocks per SM and grows them to one per SM; the single-block
/// kernel has four, grown to one per SM under 176 units, two under 528; 256-token splits at head
/// dim 128.
hw::HardwareProfile h100_mmha() {
  hw::HardwareProfile hw = hw::load_hardware("h100-sxm");
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  p.fill_units = 132;
  p.min_split_tokens = 256;
  p.split_ref_head_dim = 128;
  p.split_sqrt_factor = 0;
  p.wave_blocks_per_sm = 2;
  p.unsplit_blocks_per_sm = 4;
  return hw;
}

/// No launch floor, per-unit overhead, per-CTA latency or combine: only throughput costs time.
void drop_fixed_costs(hw::AttentionPathParams& p) {
  p.floor_s = p.fp8_floor_s = 0;
  p.overhead_base_s = p.overhead_per_head_dim_s = p.overhead_per_group_dim_s = 0;
  p.cta_row_s = p.combine_s = p.combine_per_split_s = p.extra_wave_s = 0;
}

double splits(const DecodeAttentionOp& op, const hw::HardwareProfile& hw) {
  const DecodeAttentionPlan plan = plan_decode_attention(op, hw);
  EXPECT_FALSE(plan.tensor_path);
  return plan.splits;
}

TEST(DecodeMultiBlock, SplitsFillOneWaveRoundedUp) {
  hw::HardwareProfile hw = h100_mmha();
  ASSERT_EQ(hw.sm_count, 132);
  // 32 heads: split above 256 tokens, at most divUp(132, 32) = 5 splits.
  EXPECT_DOUBLE_EQ(splits({1, 256, 32, 32, 128, "bf16"}, hw), 1);
  EXPECT_DOUBLE_EQ(splits({1, 257, 32, 32, 128, "bf16"}, hw), 2);
  EXPECT_DOUBLE_EQ(splits({1, 4096, 32, 32, 128, "bf16"}, hw), 5);
  // 131 heads still split in two; 132 fill the machine and never split.
  EXPECT_DOUBLE_EQ(splits({1, 65536, 131, 131, 128, "bf16"}, hw), 2);
  EXPECT_DOUBLE_EQ(splits({1, 65536, 132, 132, 128, "bf16"}, hw), 1);
  // Without whole waves the same grid rounds down: floor(132 / 32) = 4.
  hw.kernels.decode_attention.cuda_core.wave_blocks_per_sm = 0;
  EXPECT_DOUBLE_EQ(splits({1, 4096, 32, 32, 128, "bf16"}, hw), 4);
}

TEST(DecodeMultiBlock, SplitLengthFollowsThePowerOfTwoHeadDim) {
  const hw::HardwareProfile hw = h100_mmha();
  // Head dim 64: 512-token splits; 256 and 192 (laid out as 256): 128-token splits.
  EXPECT_DOUBLE_EQ(splits({1, 512, 16, 16, 64, "bf16"}, hw), 1);
  EXPECT_DOUBLE_EQ(splits({1, 513, 16, 16, 64, "bf16"}, hw), 2);
  EXPECT_DOUBLE_EQ(splits({1, 128, 16, 16, 192, "bf16"}, hw), 1);
  EXPECT_DOUBLE_EQ(splits({1, 129, 16, 16, 192, "bf16"}, hw), 2);
  EXPECT_DOUBLE_EQ(splits({1, 129, 16, 16, 256, "bf16"}, hw), 2);
}

TEST(DecodeMultiBlock, EachWaveAfterTheFirstAddsItsLatency) {
  hw::HardwareProfile hw = h100_mmha();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  const auto extra = [&](const DecodeAttentionOp& op) {
    p.extra_wave_s = 0;
    const double without = decode_attention_cost(op, hw).seconds;
    p.extra_wave_s = 5e-6;
    return decode_attention_cost(op, hw).seconds - without;
  };
  // 64 heads x 3 splits = 192 CTAs: two waves. 128 x 2 = 256: two. 4 x 33 = 132: one.
  EXPECT_NEAR(extra({1, 65536, 64, 1, 128, "bf16"}), 5e-6, 1e-12);
  EXPECT_NEAR(extra({1, 65536, 128, 128, 128, "bf16"}), 5e-6, 1e-12);
  EXPECT_NEAR(extra({1, 65536, 4, 4, 128, "bf16"}), 0, 1e-12);
  // No split, no waves.
  EXPECT_NEAR(extra({1, 64, 64, 1, 128, "bf16"}), 0, 1e-12);
}

TEST(DecodeMultiBlock, TailWaveStreamsAtItsOwnRamp) {
  hw::HardwareProfile hw = h100_mmha();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  // Only the HBM stream costs time; math is free.
  drop_fixed_costs(p);
  p.compute = 1;
  // 16 heads x 9 splits = 144 CTAs: a full wave of 132, then a tail of 12.
  const DecodeAttentionOp op{1, 65536, 16, 16, 128, "bf16"};
  ASSERT_DOUBLE_EQ(plan_decode_attention(op, hw).splits, 9);
  p.saturating_units = 12;  // the tail alone saturates HBM: no padding
  const double saturated = decode_attention_cost(op, hw).seconds;
  p.saturating_units = 72;  // the tail streams at 12 / 72 of the rate: 132 + 72 slots of 144
  const double ramped = decode_attention_cost(op, hw).seconds;
  EXPECT_EQ(decode_attention_cost(op, hw).bound, Bound::hbm);
  EXPECT_NEAR(ramped / saturated, (132.0 + 72.0) / 144.0, 1e-9);
}

TEST(DecodeMultiBlock, UnsplitGridsRunInWavesOfGrownBlocks) {
  hw::HardwareProfile hw = h100_mmha();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  drop_fixed_costs(p);
  p.compute = 1;
  p.saturating_units = 100;
  // One sequence of 256 tokens at head dim 128 never splits; its time is then proportional to
  // its HBM slots, as every head streams the same bytes.
  const auto seconds = [&](int64_t heads) {
    const DecodeAttentionOp op{1, 256, heads, heads, 128, "bf16"};
    EXPECT_DOUBLE_EQ(plan_decode_attention(op, hw).splits, 1);
    return decode_attention_cost(op, hw).seconds;
  };
  // 264 units: blocks of 512 threads, two per SM: one wave, 264 slots.
  const double full = seconds(264);
  // 320: two waves of 264 and 56 (the tail at the ramp of 100 slots).
  EXPECT_NEAR(seconds(320) / full, (264.0 + 100.0) / 264.0, 1e-9);
  // 200: still 512 threads (factor divUp(528, 200) = 3), so one wave of 200.
  EXPECT_NEAR(seconds(200) / full, 200.0 / 264.0, 1e-9);
  // 160: factor 4, blocks of 1,024 threads, one per SM: waves of 132 and 28 (at 100 slots).
  EXPECT_NEAR(seconds(160) / full, (132.0 + 100.0) / 264.0, 1e-9);
  // 600: past 528 units the blocks keep 256 threads, four per SM: waves of 528 and 72.
  EXPECT_NEAR(seconds(600) / full, (528.0 + 100.0) / 264.0, 1e-9);
  // Without the single-block kernel's own figure it takes the multi-block kernel's two: 200
  // units grow to one 512-thread block per SM, waves of 132 and 68.
  p.unsplit_blocks_per_sm = 0;
  EXPECT_NEAR(seconds(200) / seconds(264), (132.0 + 100.0) / 264.0, 1e-9);
  // Without the tuning (0) there are no waves: 200 units stream at their own rate.
  p.wave_blocks_per_sm = 0;
  const double full_flat = seconds(264);
  EXPECT_NEAR(seconds(200) / full_flat, 200.0 / 264.0, 1e-9);
}

TEST(DecodeMultiBlock, SerialWorkTakesAsManyRoundsAsTheBusiestSmHoldsCtas) {
  hw::HardwareProfile hw = h100_mmha();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  drop_fixed_costs(p);
  // Query heads sharing one KV head: per-head math and L2 reads, next to no HBM traffic.
  const auto seconds = [&](int64_t heads) {
    const DecodeAttentionOp op{1, 256, heads, 1, 128, "bf16"};
    const OpCost c = decode_attention_cost(op, hw);
    EXPECT_NE(c.bound, Bound::hbm);
    return c.seconds;
  };
  // 264 heads: two CTAs on every SM. 320: three on some, so three rounds for 320 / 264 of the
  // work: 396 / 264 of the time.
  EXPECT_NEAR(seconds(320) / seconds(264), 396.0 / 264.0, 1e-9);
}

TEST(DecodeMultiBlock, UnsplitWavesChainTheirLifetimes) {
  hw::HardwareProfile hw = h100_mmha();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  drop_fixed_costs(p);
  p.overlap = 60;  // a hard max of latency and throughput
  p.extra_wave_s = 5e-6;
  // 2 cached tokens per head: the throughput terms stay far below one wave's lifetime.
  const auto seconds = [&](int64_t heads) {
    const DecodeAttentionOp op{1, 2, heads, heads, 128, "bf16"};
    EXPECT_DOUBLE_EQ(plan_decode_attention(op, hw).splits, 1);
    return decode_attention_cost(op, hw).seconds;
  };
  // Waves of 528 from 528 units: 1,056 take two, 1,057 three.
  EXPECT_LT(seconds(528), 1e-6);
  EXPECT_DOUBLE_EQ(seconds(1056), 5e-6);
  EXPECT_DOUBLE_EQ(seconds(1057), 10e-6);
  // 160 units run 1,024-thread blocks, one per SM: two waves; 192 run 512-thread ones: one.
  EXPECT_DOUBLE_EQ(seconds(160), 5e-6);
  EXPECT_LT(seconds(192), 1e-6);
}

}  // namespace
}  // namespace kvsim::perf
