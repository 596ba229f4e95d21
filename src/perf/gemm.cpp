#include "kvsim/perf/gemm.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace kvsim::perf {

const char* to_string(GemmDtype d) {
  switch (d) {
    case GemmDtype::bf16:
      return "bf16";
    case GemmDtype::fp16:
      return "fp16";
    case GemmDtype::fp8:
      return "fp8";
    case GemmDtype::fp8_block:
      return "fp8_block";
  }
  return "?";
}

std::optional<GemmDtype> parse_gemm_dtype(std::string_view s) {
  for (GemmDtype d : {GemmDtype::bf16, GemmDtype::fp16, GemmDtype::fp8, GemmDtype::fp8_block}) {
    if (s == to_string(d)) return d;
  }
  return std::nullopt;
}

const char* to_string(ActQuant q) {
  switch (q) {
    case ActQuant::none:
      return "none";
    case ActQuant::per_tensor:
      return "per_tensor";
    case ActQuant::per_block:
      return "per_block";
  }
  return "?";
}

std::optional<ActQuant> parse_act_quant(std::string_view s) {
  for (ActQuant q : {ActQuant::none, ActQuant::per_tensor, ActQuant::per_block}) {
    if (s == to_string(q)) return q;
  }
  return std::nullopt;
}

namespace {

constexpr double kOutBytes = 2;  // bf16 output
// CTA tiles (m x n). The 16- and 32-row tiles are swap-AB kernels: for a small m the weight
// takes the wgmma M side (64 rows per warpgroup) and the activation rows its N side (8-256).
constexpr std::array<std::array<double, 2>, 8> kTiles = {
    {{16, 128}, {32, 128}, {64, 64}, {64, 128}, {128, 64}, {128, 128}, {128, 256}, {256, 128}}};
constexpr double kScaleBlock = 128;  // k (and weight n) extent of one fp8_block scale
constexpr std::array<double, 5> kSplits = {1, 2, 4, 8, 16};

double in_bytes(GemmDtype d) {
  return d == GemmDtype::bf16 || d == GemmDtype::fp16 ? 2 : 1;
}

// Bytes per element of the weight operand B.
double b_bytes(const GemmOp& op) {
  return op.b_bits > 0 ? op.b_bits / 8 : in_bytes(op.dtype);
}

hw::Dtype compute_dtype(GemmDtype d) {
  switch (d) {
    case GemmDtype::bf16:
      return hw::Dtype::bf16;
    case GemmDtype::fp16:
      return hw::Dtype::fp16;
    default:
      return hw::Dtype::fp8;
  }
}

// Bytes of the block scales of an fp8_block GEMM: fp32 per 1x128 of A and per 128x128 of B.
double scale_bytes(const GemmOp& op) {
  if (op.dtype != GemmDtype::fp8_block) return 0;
  const double kb = std::ceil(static_cast<double>(op.k) / 128);
  return 4 * (static_cast<double>(op.m) * kb + kb * std::ceil(static_cast<double>(op.n) / 128));
}

// The quantisation passes over A: (bytes, launches). Per tensor: an amax reduction, then a
// quantise pass; per block: one fused pass writing fp8 values and fp32 scales.
std::pair<double, double> quant_pass(const GemmOp& op) {
  const double a = static_cast<double>(op.m) * static_cast<double>(op.k);
  switch (op.act_quant) {
    case ActQuant::per_tensor:
      return {a * 2 + a * 2 + a * 1, 2};  // amax read; read, write fp8
    case ActQuant::per_block:
      return {a * 2 + a * 1 + a / 128 * 4, 1};
    case ActQuant::none:
      break;
  }
  return {0, 0};
}

}  // namespace

BlockScaledTile plan_block_scaled_tile(int64_t m, int64_t n, int64_t sms) {
  sms = std::max<int64_t>(sms, 1);
  BlockScaledTile best;
  const int64_t rows = m <= 64 ? 64 : 128;
  const int64_t m_tiles = (m + rows - 1) / rows;
  int64_t best_waves = 0, best_last = 0;
  for (int64_t cols = 16; cols <= 128; cols += 8) {
    const int64_t tiles = m_tiles * ((n + cols - 1) / cols);
    const int64_t waves = (tiles + sms - 1) / sms;
    const int64_t last = tiles % sms == 0 ? sms : tiles % sms;
    if (best.cols == 0 || waves < best_waves || (waves == best_waves && last > best_last)) {
      best = {static_cast<double>(rows), static_cast<double>(cols), 1};
      best_waves = waves;
      best_last = last;
    }
  }
  if (m >= 1024 && n % (2 * static_cast<int64_t>(best.cols)) == 0 && sms % 2 == 0)
    best.multicast = 2;
  return best;
}

Work gemm_work(const GemmOp& op) {
  Work w;
  const double m = static_cast<double>(op.m), n = static_cast<double>(op.n),
               k = static_cast<double>(op.k);
  w.flop(hw::Engine::tensor, compute_dtype(op.dtype)) = 2 * m * n * k;
  const auto [qbytes, qlaunches] = quant_pass(op);
  w.level(Level::hbm) =
      (m * k + k * n) * in_bytes(op.dtype) + m * n * kOutBytes + scale_bytes(op) + qbytes;
  w.launches = 1 + qlaunches;
  return w;
}

OpCost gemm_cost(const GemmOp& op, const hw::HardwareProfile& hw) {
  const hw::GemmKernelParams& p = hw.kernels.gemm;
  OpCost c;
  c.work = gemm_work(op);
  const double m = static_cast<double>(op.m), n = static_cast<double>(op.n),
               k = static_cast<double>(op.k);
  const double sms = static_cast<double>(hw.sm_count);
  const double b = in_bytes(op.dtype);
  const hw::Dtype cd = compute_dtype(op.dtype);
  double peak = hw.peak_flops(hw::Engine::tensor, cd);
  if (peak <= 0) peak = hw.peak_flops(hw::Engine::tensor, hw::Dtype::bf16);  // no fp8: emulated
  const double eff = op.dtype == GemmDtype::fp8         ? p.fp8_tensor
                     : op.dtype == GemmDtype::fp8_block ? p.fp8_block_tensor
                                                        : p.tensor;
  const double base_hbm = m * k * b + k * n * b_bytes(op) + m * n * kOutBytes + scale_bytes(op);
  const double hbm_rate = hw.hbm.bandwidth_bytes_s * p.hbm;
  const double l2_rate =
      (hw.l2.present ? hw.l2.bandwidth_bytes_s : hw.hbm.bandwidth_bytes_s) * p.l2;
  const bool split_ok = op.dtype != GemmDtype::fp8_block || p.fp8_block_split_k;
  const double weight_bytes = k * n * b_bytes(op);
  const double beyond_l2 =
      std::max(0.0, weight_bytes - (hw.l2.present ? static_cast<double>(hw.l2.capacity_bytes) : 0));

  double best = std::numeric_limits<double>::infinity();
  double best_chain = 0, best_thr = 0, best_stream = 0;
  Bound best_bound = Bound::tensor;
  const bool planned = op.dtype == GemmDtype::fp8_block && op.m >= kBlockScaledPlannedMinM;
  const BlockScaledTile plan =
      planned ? plan_block_scaled_tile(op.m, op.n, hw.sm_count) : BlockScaledTile{};
  // A planned block-scaled GEMM runs its plan's tile; other GEMMs get the best of kTiles.
  std::array<std::array<double, 2>, kTiles.size()> candidates{};  // no allocation per row
  size_t count = 0;
  if (planned) {
    candidates[count++] = {plan.rows, plan.cols};
  } else {
    for (const auto& [tm, tn] : kTiles) {
      // Below the planned range a block-scaled kernel swaps A and B: its tiles are whole
      // 128-wide weight scale blocks and at most 128 rows (the promoted fp32 accumulators of a
      // taller tile would not fit the registers).
      if (op.dtype == GemmDtype::fp8_block && (tn < kScaleBlock || tm > kScaleBlock)) continue;
      candidates[count++] = {tm, tn};
    }
  }
  // The last m tile of a planned block-scaled GEMM loads rows past m through TMA's bounds check:
  // measured, m = 129 takes 1.5x the time of m = 256 with the same tiles, falling linearly to 1x
  // as the tile fills. A fitted latency per out-of-bounds row, per 128 columns of the tile and
  // per 128-wide k block.
  const double oob_rows_s = planned ? p.block_oob_row_kstep_s *
                                          (std::ceil(m / plan.rows) * plan.rows - m) * plan.cols /
                                          kScaleBlock * std::ceil(k / kScaleBlock)
                                    : 0.0;
  for (size_t i = 0; i < count; ++i) {
    const auto [tm, tn] = candidates[i];
    const double tiles = std::ceil(m / tm) * std::ceil(n / tn);
    for (double split : kSplits) {
      if (split > 1 && (!split_ok || k / split < p.split_k_min_k)) continue;
      const double units = tiles * split;
      // Block-scaled kernels run whole waves of tiles. The cuBLAS kernels behind the other
      // dtypes share the last wave's work out over all SMs (stream-K), so their time grows with
      // units / SMs: measured, 4096 x 4096 bf16 at m = 512 and 513 takes 25 and 26 us, where
      // whole waves of 128-row tiles would take 25 and 36.
      const double waves =
          op.dtype == GemmDtype::fp8_block ? std::ceil(units / sms) : std::max(1.0, units / sms);
      double hbm = base_hbm + (split > 1 ? m * n * 4 * split * 2 : 0);  // fp32 partials
      // Block-scaled kernels do not share weight tiles between m tiles through L2: each further
      // m tile re-streams (a fitted share of) the weight bytes that L2 cannot hold.
      if (op.dtype == GemmDtype::fp8_block)
        hbm += p.block_weight_reread * (std::ceil(m / tm) - 1) * beyond_l2;
      // Block-scaled kernels promote the accumulators once per 128-wide k block, which drains
      // the wgmma pipeline: each unit pays a step latency per k block.
      const double ksteps = op.dtype == GemmDtype::fp8_block
                                ? std::ceil(std::ceil(k / split) / kScaleBlock) * p.block_kstep_s
                                : 0.0;
      // Block-scaled kernels store each output tile without overlapping the next tile's main
      // loop; the exposed part of that store runs at one SM's share of the HBM rate.
      const double epilogue =
          op.dtype == GemmDtype::fp8_block
              ? p.block_epilogue_exposed * tm * tn * kOutBytes / (hbm_rate / sms)
              : 0.0;
      const double chain =
          waves * (p.unit_overhead_s + epilogue + std::max(hbm / units / p.unit_bandwidth, ksteps));
      const double t_hbm = hbm / hbm_rate;
      const double c2 = planned ? plan.multicast : p.l2_cluster;
      const double t_l2 =
          (m * k * std::ceil(n / (c2 * tn)) + k * n * std::ceil(m / (c2 * tm))) * b / l2_rate;
      const double t_comp = waves * sms * 2 * tm * tn * std::ceil(k / split) / (peak * eff);
      const double thr = std::max({t_hbm, t_l2, t_comp});
      double t = soft_max(chain, thr, p.overlap);
      if (split > 1) t += p.split_k_reduce_s;  // reducing the partials
      t += oob_rows_s;
      if (t < best) {
        best = t;
        best_chain = chain;
        best_thr = thr;
        best_stream = waves * hbm / units / p.unit_bandwidth;
        // Within 1 % of the slowest resource the math is saturated too: such a tie is labelled
        // compute-bound (a fitted efficiency can put L2 and tensor time 0.01 % apart).
        best_bound = t_comp >= 0.99 * thr ? Bound::tensor : thr == t_hbm ? Bound::hbm : Bound::l2;
        c.detail = fmt::format("tile {}x{}, split-k {}", tm, tn, split);
      }
    }
  }
  // A chain-bound GEMM waits on per-unit latency: streaming (HBM) or fixed per-unit work.
  if (best_chain > best_thr)
    best_bound = best_stream > best_chain / 2 ? Bound::hbm : Bound::overhead;
  const auto [qbytes, qlaunches] = quant_pass(op);
  const double quant_fixed = op.act_quant == ActQuant::per_tensor  ? p.act_quant_tensor_s
                             : op.act_quant == ActQuant::per_block ? p.act_quant_block_s
                                                                   : 0.0;
  const double quant_s =
      qlaunches > 0 ? quant_fixed + qbytes / (hw.hbm.bandwidth_bytes_s * hw.kernels.elementwise.hbm)
                    : 0.0;
  c.seconds = p.floor_s + best + quant_s;
  c.bound = p.floor_s > best + quant_s ? Bound::launch : quant_s > best ? Bound::hbm : best_bound;
  if (qlaunches > 0)
    c.detail += fmt::format(", {} activation quantisation", to_string(op.act_quant));
  return c;
}

}  // namespace kvsim::perf
