// Kernel mechanisms of the operator models, each checked against its own formula: the square-root
// cap on one sequence's splits, the combine's cost per split, split lengths that scale with head
// dim on the CUDA-core path, split grids planned over the full sequence under a sliding window, the
// per-CTA row latency of decode attention, the shapes its fp8 kernel covers, swap-AB tiles, the
// per-k-block step, the exposed epilogue and the weight re-reads of block-scaled GEMMs.

#include <gtest/gtest.h>

#include <cmath>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/decode_attention.h"
#include "kvsim/perf/gemm.h"

namespace kvsim::perf {
namespace {

hw::HardwareProfile h100() {
  return hw::load_hardware("h100-sxm");
}

/// H100 with the tensor-core path's split planner set to known constants: 128 tokens per split,
/// 1,056 units to fill the machine, 64-token tiles, square-root cap `sqrt_factor` (0: off), and
/// no occupancy dispatch (single-sequence 16-bit shapes stay on the tensor-core path).
hw::HardwareProfile h100_with_planner(double sqrt_factor) {
  hw::HardwareProfile hw = h100();
  hw.kernels.decode_attention.tensor_min_block_factor = 0;
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.min_split_tokens = 128;
  p.fill_units = 1056;
  p.kv_tile_tokens = 64;
  p.split_sqrt_factor = sqrt_factor;
  return hw;
}

TEST(DecodeSplits, SquareRootCapGrowsTheTokensPerSplitWithTheSequence) {
  hw::HardwareProfile hw = h100_with_planner(8);
  const auto splits = [&hw](int64_t kv_len) {
    return plan_decode_attention({1, kv_len, 8, 1, 128, "bf16"}, hw).splits;  // one unit
  };
  // 16,384 tokens: 128 splits of 128 by the minimum, capped at round(sqrt(8 x 128)) = 32.
  EXPECT_DOUBLE_EQ(splits(16384), 32);
  EXPECT_DOUBLE_EQ(plan_decode_attention({1, 16384, 8, 1, 128, "bf16"}, hw).padded_tokens, 16384);
  EXPECT_DOUBLE_EQ(splits(131072), 91);  // round(sqrt(8 x 1024)) = round(90.5)
  EXPECT_DOUBLE_EQ(splits(1024), 8);     // sqrt(8 x 8) = 8: the cap does not bind
  EXPECT_DOUBLE_EQ(splits(256), 2);      // round(sqrt(16)) = 4 > 2
  // The machine-filling limit still applies: 64 units get floor(1056 / 64) = 16.
  EXPECT_DOUBLE_EQ(plan_decode_attention({64, 16384, 8, 1, 128, "bf16"}, hw).splits, 16);
  hw.kernels.decode_attention.tensor.split_sqrt_factor = 0;  // off: the minimum length alone
  EXPECT_DOUBLE_EQ(splits(16384), 128);
}

TEST(DecodeSplits, CombineCostsPerSplitItReduces) {
  hw::HardwareProfile hw = h100_with_planner(0);
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  const DecodeAttentionOp op{1, 16384, 8, 1, 128, "bf16"};  // 128 splits
  ASSERT_DOUBLE_EQ(plan_decode_attention(op, hw).splits, 128);
  p.combine_per_split_s = 0;
  const double without = decode_attention_cost(op, hw).seconds;
  p.combine_per_split_s = 50e-9;
  EXPECT_NEAR(decode_attention_cost(op, hw).seconds - without, 128 * 50e-9, 1e-12);
  // One split: no combine at all.
  const DecodeAttentionOp short_op{1, 64, 8, 1, 128, "bf16"};
  ASSERT_DOUBLE_EQ(plan_decode_attention(short_op, hw).splits, 1);
  const double with = decode_attention_cost(short_op, hw).seconds;
  p.combine_per_split_s = 0;
  EXPECT_DOUBLE_EQ(decode_attention_cost(short_op, hw).seconds, with);
}

TEST(DecodeSplits, CudaCorePathSplitsByHeadDimWhenItsLoopDoes) {
  hw::HardwareProfile hw = h100();
  hw::AttentionPathParams& p = hw.kernels.decode_attention.cuda_core;
  p.min_split_tokens = 256;  // at head dim 128
  p.kv_tile_tokens = 16;
  p.fill_units = 1024;
  p.split_sqrt_factor = 0;
  p.split_ref_head_dim = 128;
  const auto plan = [&hw](int64_t kv_len, int64_t head_dim) {
    const DecodeAttentionPlan pl = plan_decode_attention({1, kv_len, 1, 1, head_dim, "bf16"}, hw);
    EXPECT_FALSE(pl.tensor_path);  // one query row per KV head: the CUDA-core path
    return pl;
  };
  EXPECT_DOUBLE_EQ(plan(1024, 128).splits, 4);  // 256-token splits
  EXPECT_DOUBLE_EQ(plan(1024, 64).splits, 2);   // 512-token splits
  EXPECT_DOUBLE_EQ(plan(1024, 256).splits, 8);  // 128-token splits
  // Tiles scale the same way: 100 tokens pad to 128 in 32-token tiles at head dim 64, to 112
  // in 16-token tiles at 128.
  EXPECT_DOUBLE_EQ(plan(100, 64).padded_tokens, 128);
  EXPECT_DOUBLE_EQ(plan(100, 128).padded_tokens, 112);
  p.split_ref_head_dim = 0;  // off: the same token counts at every head dim
  EXPECT_DOUBLE_EQ(plan(1024, 64).splits, 4);
  EXPECT_DOUBLE_EQ(plan(100, 64).padded_tokens, 112);
}

TEST(DecodeWindow, SkippingKernelPlansOverTheWindowAlone) {
  hw::HardwareProfile hw = h100();
  hw.kernels.decode_attention.window_full_grid = false;
  const DecodeAttentionOp windowed{8, 65536, 32, 8, 64, "bf16", 1, 128};
  const DecodeAttentionOp plain{8, 128, 32, 8, 64, "bf16", 1, 0};
  const DecodeAttentionPlan a = plan_decode_attention(windowed, hw);
  const DecodeAttentionPlan b = plan_decode_attention(plain, hw);
  EXPECT_DOUBLE_EQ(a.splits, b.splits);
  EXPECT_DOUBLE_EQ(a.padded_tokens, b.padded_tokens);
}

TEST(DecodeWindow, FullGridSplitsStreamTheirIdleTokens) {
  hw::HardwareProfile hw = h100();
  hw.kernels.decode_attention.window_full_grid = true;
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.window_split_tokens = 200;
  p.fp8_window_split_tokens = 0;
  p.fill_units = 512;
  p.min_split_tokens = 256;
  p.kv_tile_tokens = 64;
  const DecodeAttentionOp op{8, 65536, 32, 8, 64, "bf16", 1, 128};  // 64 units
  const DecodeAttentionPlan plan = plan_decode_attention(op, hw);
  ASSERT_TRUE(plan.tensor_path);
  EXPECT_DOUBLE_EQ(plan.splits, 8);  // floor(512 / 64), planned over 65536 tokens
  // The 128-token window falls in one split (8192 tokens each); 7 idle splits stream 200 each.
  EXPECT_DOUBLE_EQ(plan.padded_tokens, 128 + 7 * 200);
  // Longer sequences cannot add splits past the fill: the cost saturates.
  DecodeAttentionOp longer = op;
  longer.kv_len = 131072;
  EXPECT_DOUBLE_EQ(plan_decode_attention(longer, hw).padded_tokens, plan.padded_tokens);
  EXPECT_GT(decode_attention_cost(op, hw).seconds,
            decode_attention_cost({8, 128, 32, 8, 64, "bf16", 1, 128}, hw).seconds);
  // An fp8 cache whose idle splits cost nothing: the window alone, in its one split's share.
  DecodeAttentionOp fp8 = op;
  fp8.kv_dtype = "fp8";
  const DecodeAttentionPlan q = plan_decode_attention(fp8, hw);
  EXPECT_DOUBLE_EQ(q.splits, 8);
  EXPECT_DOUBLE_EQ(q.padded_tokens, 128);
  // Without the full grid, the window is split like a 128-token sequence.
  hw.kernels.decode_attention.window_full_grid = false;
  EXPECT_DOUBLE_EQ(plan_decode_attention(fp8, hw).padded_tokens,
                   plan_decode_attention({8, 128, 32, 8, 64, "fp8", 1, 0}, hw).padded_tokens);
}

TEST(DecodeCtaLatency, BoundsTheBodyPerRowAndHeadDim) {
  hw::HardwareProfile hw = h100();
  hw.kernels.decode_attention.tensor_min_block_factor = 0;  // keep batch 1 on the tensor path
  hw::AttentionPathParams& p = hw.kernels.decode_attention.tensor;
  p.cta_row_s = 100e-9;
  p.overhead_base_s = p.overhead_per_head_dim_s = p.overhead_per_group_dim_s = 0;
  p.tile_latency_s = p.tile_latency_per_row_s = p.cta_latency_s = 0;  // the stream is tiny
  p.overlap = 64;  // the soft max is (almost) a hard max
  p.combine_s = 0;
  p.floor_s = 1e-6;
  const DecodeAttentionOp op{1, 2, 32, 1, 256, "bf16"};  // group 32, tiny KV
  ASSERT_TRUE(plan_decode_attention(op, hw).tensor_path);
  const OpCost c = decode_attention_cost(op, hw);
  EXPECT_NEAR(c.seconds, p.floor_s + 100e-9 * 32 * 256 / 128, 5e-9);
  EXPECT_EQ(c.bound, Bound::overhead);
}

TEST(DecodeFp8Kernel, ShapesOutsideItsRangePayThe16BitConstants) {
  hw::HardwareProfile hw = h100();
  hw::DecodeAttentionParams& dp = hw.kernels.decode_attention;
  hw::AttentionPathParams& p = dp.tensor;
  p.floor_s = 8e-6;
  p.fp8_floor_s = 5e-6;
  p.fp8_overhead_scale = 0.25;
  p.overlap = 64;     // (almost) a hard max: the per-unit overhead shows whole
  p.fp8_overlap = 0;  // the fp8 kernel's shapes take the same
  const auto cost = [&hw](int64_t batch, int64_t q_heads, int64_t head_dim, double min_dim,
                          double max_group_dim) {
    hw.kernels.decode_attention.fp8_min_head_dim = min_dim;
    hw.kernels.decode_attention.fp8_max_group_dim = max_group_dim;
    return decode_attention_cost({batch, 2, q_heads, 1, head_dim, "fp8"}, hw).seconds;
  };
  // The launch floor: head dim 64 is below the fp8 kernel's 128 and pays the 16-bit floor.
  EXPECT_NEAR(cost(1, 8, 64, 128, 0) - cost(1, 8, 64, 0, 0), 3e-6, 1e-12);
  EXPECT_DOUBLE_EQ(cost(1, 8, 128, 128, 0), cost(1, 8, 128, 0, 0));
  // The per-unit overhead of 4,096 units at tiny KV (overhead-bound): 16 rows x 128 dims fit in
  // 2048 and keep the fp8 scale; 32 x 128 does not and pays the whole 16-bit overhead.
  p.cta_row_s = 0;
  EXPECT_DOUBLE_EQ(cost(4096, 16, 128, 0, 2048), cost(4096, 16, 128, 0, 0));
  const double tau16 =
      p.overhead_base_s + p.overhead_per_head_dim_s + p.overhead_per_group_dim_s * 128 * 32 / 4096;
  const double unscaled = cost(4096, 32, 128, 0, 2048) - p.floor_s;
  EXPECT_NEAR(unscaled, 4096 * tau16, 0.02 * unscaled);
  // Inside the range, the scale applies to the fixed part of the overhead, not the group's.
  const double tau8 = (p.overhead_base_s + p.overhead_per_head_dim_s) * p.fp8_overhead_scale +
                      p.overhead_per_group_dim_s * 128 * 32 / 4096;
  const double scaled = cost(4096, 32, 128, 0, 0) - p.fp8_floor_s;
  EXPECT_NEAR(scaled, 4096 * tau8, 0.02 * scaled);
  EXPECT_LT(scaled, unscaled);
  dp.fp8_max_group_dim = 2048;
  EXPECT_EQ(decode_attention_cost({4096, 2, 32, 1, 128, "fp8"}, hw).bound, Bound::overhead);
}

TEST(GemmTiles, SwapAbTileServesSmallM) {
  // One 128-wide n tile and a long k: the unit's math is what varies between tiles, and a
  // 16-row swap-AB tile pads 4 rows least.
  const OpCost c = gemm_cost({4, 128, 65536, GemmDtype::fp8_block}, h100());
  EXPECT_NE(c.detail.find("tile 16x"), std::string::npos) << c.detail;
}

TEST(GemmBlockScaled, KStepLatencyPerScaleBlock) {
  hw::HardwareProfile hw = h100();
  hw::GemmKernelParams& g = hw.kernels.gemm;
  g.block_kstep_s = 0;
  g.overlap = 64;                                        // (almost) a hard max of chain and rate
  const GemmOp op{4, 128, 65536, GemmDtype::fp8_block};  // one n tile: a single unit
  const double base = gemm_cost(op, hw).seconds;
  g.block_kstep_s = 100e-9;
  const double stepped = gemm_cost(op, hw).seconds;
  EXPECT_GT(stepped, base);
  EXPECT_GE(stepped, g.floor_s + g.unit_overhead_s + 512 * 100e-9 - 1e-9);  // 65536 / 128 steps
  // Below the planned range (swap-AB kernels) tiles are whole 128-wide weight scale blocks.
  EXPECT_EQ(gemm_cost({16, 4096, 4096, GemmDtype::fp8_block}, hw).detail.find("x64,"),
            std::string::npos);
}

TEST(GemmBlockScaled, ExposedEpilogueCostsEachWaveOneTileStore) {
  hw::HardwareProfile hw = h100();
  hw::GemmKernelParams& g = hw.kernels.gemm;
  g.block_epilogue_exposed = 0;
  g.overlap = 1;  // chain and throughput add: the epilogue's latency shows in full
  // Small k, large m x n: many waves of 128-wide tiles whose stores the epilogue exposes.
  const GemmOp op{8192, 8192, 256, GemmDtype::fp8_block};
  const OpCost base = gemm_cost(op, hw);
  g.block_epilogue_exposed = 1;
  const OpCost exposed = gemm_cost(op, hw);
  // Whatever tile wins, each wave exposes one store per SM of tile x 2 bytes at the SM's share of
  // the HBM rate, so the stores add at least m x n x 2 bytes at the full rate.
  const double hbm_rate = hw.hbm.bandwidth_bytes_s * g.hbm;
  EXPECT_GE(exposed.seconds - base.seconds, 8192.0 * 8192.0 * 2 / hbm_rate * 0.999);
  EXPECT_LE(exposed.seconds - base.seconds, 8192.0 * 8192.0 * 2 / hbm_rate * 1.5);
  // Other dtypes keep their overlapped epilogue.
  const GemmOp fp8{8192, 8192, 256, GemmDtype::fp8};
  const double fp8_exposed = gemm_cost(fp8, hw).seconds;
  g.block_epilogue_exposed = 0;
  EXPECT_DOUBLE_EQ(fp8_exposed, gemm_cost(fp8, hw).seconds);
}

TEST(GemmBlockScaled, MTilesRereadTheWeightThatL2CannotHold) {
  hw::HardwareProfile hw = h100();
  hw::GemmKernelParams& g = hw.kernels.gemm;
  g.overlap = 64;  // (almost) a hard max: the HBM time shows whole
  const auto cost = [&](int64_t m, int64_t n, int64_t k, double reread) {
    g.block_weight_reread = reread;
    return gemm_cost({m, n, k, GemmDtype::fp8_block}, hw);
  };
  // 7168 x 16384 fp8 weight (117 MB) beyond a 50 MiB L2: 160 rows are two 128-row tiles (no
  // block-scaled tile is taller: the second pass re-streams the excess from HBM).
  const double weight = 7168.0 * 16384;
  const double beyond = weight - static_cast<double>(hw.l2.capacity_bytes);
  const double hbm_rate = hw.hbm.bandwidth_bytes_s * g.hbm;
  const OpCost plain = cost(160, 7168, 16384, 0);
  const OpCost reread = cost(160, 7168, 16384, 1);
  EXPECT_NE(reread.detail.find("tile 128x"), std::string::npos) << reread.detail;
  // The second pass adds the excess at the HBM rate at most (the HBM time grows by exactly that),
  // and most of it (without the re-read, a tile with more chain time but no re-read may win).
  EXPECT_LE(reread.seconds - plain.seconds, beyond / hbm_rate * 1.001);
  EXPECT_GE(reread.seconds - plain.seconds, beyond / hbm_rate * 0.8);
  // One m tile for every tile size, or a weight that fits in L2: nothing to re-read.
  EXPECT_DOUBLE_EQ(cost(16, 7168, 16384, 1).seconds, cost(16, 7168, 16384, 0).seconds);
  EXPECT_DOUBLE_EQ(cost(160, 4096, 4096, 1).seconds, cost(160, 4096, 4096, 0).seconds);
  // Other dtypes share weight tiles through L2 (their 256-row tiles stay available).
  g.block_weight_reread = 1;
  const double fp8 = gemm_cost({160, 7168, 16384, GemmDtype::fp8}, hw).seconds;
  g.block_weight_reread = 0;
  EXPECT_DOUBLE_EQ(fp8, gemm_cost({160, 7168, 16384, GemmDtype::fp8}, hw).seconds);
}

TEST(GemmBlockScaled, PlanFollowsTheKernelsWaveHeuristic) {
  // Hand-worked for n = 8192 on 132 SMs. m = 128: one 128-row tile row; width 64 gives 128
  // tiles in one wave, wider gives fewer tiles in that wave. m = 257: three tile rows; width 96
  // gives 3 x 86 = 258 tiles (2 waves, 126 in the last), 128 only 192 (60 in the last).
  // m = 513: five rows, no width reaches 2 waves; 104 gives 5 x 79 = 395 (131 in the last).
  // m = 1025: nine rows; 120 gives 621 tiles (5 waves, 93 last), 112 would need 666 (6 waves);
  // 8192 is no multiple of 2 x 120, so no multicast. m = 4097: 33 x 64 = 2112 = 16 full waves.
  struct Case {
    int64_t m;
    double rows, cols, multicast;
  };
  for (const Case& c : {Case{33, 64, 64, 1}, Case{128, 128, 64, 1}, Case{129, 128, 128, 1},
                        Case{257, 128, 96, 1}, Case{513, 128, 104, 1}, Case{1024, 128, 128, 2},
                        Case{1025, 128, 120, 1}, Case{4097, 128, 128, 2}}) {
    const BlockScaledTile t = plan_block_scaled_tile(c.m, 8192, 132);
    EXPECT_EQ(t.rows, c.rows) << c.m;
    EXPECT_EQ(t.cols, c.cols) << c.m;
    EXPECT_EQ(t.multicast, c.multicast) << c.m;
  }
  // The cost model runs the planned tile.
  const OpCost c = gemm_cost({257, 8192, 8192, GemmDtype::fp8_block}, h100());
  EXPECT_NE(c.detail.find("tile 128x96,"), std::string::npos) << c.detail;
}

TEST(GemmBlockScaled, RowsPastMInTheLastTileCostAFixedLatencyEach) {
  hw::HardwareProfile hw = h100();
  hw::GemmKernelParams& g = hw.kernels.gemm;
  const auto extra = [&](int64_t m) {
    g.block_oob_row_kstep_s = 0;
    const double base = gemm_cost({m, 8192, 8192, GemmDtype::fp8_block}, hw).seconds;
    g.block_oob_row_kstep_s = 1e-9;
    return gemm_cost({m, 8192, 8192, GemmDtype::fp8_block}, hw).seconds - base;
  };
  // m = 129 runs 128 x 128 tiles: 127 rows past m, one 128-column block, 64 k blocks.
  EXPECT_NEAR(extra(129), 127 * 64 * 1e-9, 1e-12);
  EXPECT_NEAR(extra(192), 64 * 64 * 1e-9, 1e-12);
  EXPECT_DOUBLE_EQ(extra(256), 0.0);
  // 128 x 64 tiles at m = 65: 63 rows past m, half a column block.
  EXPECT_NEAR(extra(65), 63 * 0.5 * 64 * 1e-9, 1e-12);
}

TEST(GemmWaves, StreamKSpreadsTheLastWaveBlockScaledKernelsRunWholeWaves) {
  const hw::HardwareProfile hw = h100();
  const auto t = [&](int64_t m, int64_t n, int64_t k, GemmDtype d) {
    return gemm_cost({m, n, k, d}, hw).seconds;
  };
  // bf16, 4096 x 4096: one more row past 512 adds one 128-row tile row (32 more tiles over 132
  // SMs), about a quarter of a wave; with whole waves it would cost a whole one.
  EXPECT_LT(t(513, 4096, 4096, GemmDtype::bf16) / t(512, 4096, 4096, GemmDtype::bf16), 1.2);
  // Compute-bound and many waves: time follows the tile-padded flops, not whole waves.
  const double big =
      t(8192 + 64, 8192, 8192, GemmDtype::bf16) / t(8192, 8192, 8192, GemmDtype::bf16);
  EXPECT_GT(big, 1.0);
  EXPECT_LT(big, 1.04);
  // fp8_block, n = k = 8192: m = 257 needs a third 128-row tile row and a second wave.
  EXPECT_GT(t(257, 8192, 8192, GemmDtype::fp8_block) / t(256, 8192, 8192, GemmDtype::fp8_block),
            1.5);
}

TEST(GemmSplitK, ReducingThePartialsCostsAFixedLatency) {
  hw::HardwareProfile hw = h100();
  hw::GemmKernelParams& g = hw.kernels.gemm;
  // Few tiles and a long k: the kernel splits k (the detail names the split).
  const GemmOp narrow{16, 1024, 65536, GemmDtype::bf16};
  g.split_k_reduce_s = 0;
  const OpCost free_reduce = gemm_cost(narrow, hw);
  const std::string& d = free_reduce.detail;
  ASSERT_NE(d.find("split-k "), std::string::npos) << d;
  ASSERT_NE(d.substr(d.find("split-k ") + 8), "1") << d;
  g.split_k_reduce_s = 1e-6;
  const double paid = gemm_cost(narrow, hw).seconds;
  // The reduction adds at most its fixed cost (a plan with fewer splits may win instead).
  EXPECT_GT(paid, free_reduce.seconds);
  EXPECT_LE(paid - free_reduce.seconds, 1e-6 * (1 + 1e-9));
  // A GEMM with waves of tiles does not split: nothing changes.
  const GemmOp square{8192, 8192, 8192, GemmDtype::bf16};
  const double with_cost = gemm_cost(square, hw).seconds;
  g.split_k_reduce_s = 0;
  EXPECT_DOUBLE_EQ(with_cost, gemm_cost(square, hw).seconds);
}

}  // namespace
}  // namespace kvsim::perf
