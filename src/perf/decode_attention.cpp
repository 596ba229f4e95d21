#include "kvsim/perf/decode_attention.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "kvsim/perf/kv_precision.h"

namespace kvsim::perf {
namespace {

constexpr double kActBytes = 2;  // q and o in bf16
constexpr double kMlaHeadsPerUnit = 64;

struct Shape {
  double b, lq, hq, hkv, dk, dv, group, le;
  double
      token_bytes;  ///< bytes of one cached token of one KV head (or of the latent), incl. scales
  bool quantised;
  bool narrow_cache;  ///< not a 16-bit (bf16/fp16) cache
};

/// Which of the path's fp8-cache constants a narrow cache gets. On the tensor-core path the fp8
/// kernel's shorter launch floor needs a head dim of at least `fp8_min_head_dim`, and its lower
/// per-unit overhead and idle-split cost need query rows x head dim per CTA of at most
/// `fp8_max_group_dim`; other shapes pay the 16-bit kernel's. The CUDA-core path takes any shape.
struct Fp8Constants {
  bool floor = false;
  bool overhead = false;
};

Fp8Constants fp8_constants(const Shape& s, const hw::DecodeAttentionParams& dp, bool tensor_path) {
  if (!s.narrow_cache) return {};
  if (!tensor_path) return {true, true};
  const bool head_dim_ok = dp.fp8_min_head_dim <= 0 || s.dk >= dp.fp8_min_head_dim;
  const bool group_ok = dp.fp8_max_group_dim <= 0 || s.group * s.lq * s.dk <= dp.fp8_max_group_dim;
  return {head_dim_ok, group_ok};
}

Shape shape_of(const DecodeAttentionOp& op) {
  Shape s{};
  s.b = static_cast<double>(op.batch);
  s.lq = static_cast<double>(op.q_len);
  s.hq = static_cast<double>(op.q_heads);
  s.le = static_cast<double>(op.attended());
  const kv::Precision& prec = default_precision(op.kv_dtype);
  if (op.is_mla()) {
    s.hkv = 1;
    s.dk = static_cast<double>(op.latent_dim + op.rope_dim);
    s.dv = static_cast<double>(op.latent_dim);
    s.token_bytes = static_cast<double>(prec.bytes_per_token(1, op.latent_dim + op.rope_dim));
  } else {
    s.hkv = static_cast<double>(op.kv_heads);
    s.dk = s.dv = static_cast<double>(op.head_dim);
    s.token_bytes = static_cast<double>(prec.bytes_per_token(1, 2 * op.head_dim));
  }
  s.group = s.hq / s.hkv;
  s.quantised = prec.dequant_flops_per_value() > 0;
  s.narrow_cache = op.kv_dtype != "bf16" && op.kv_dtype != "fp16";
  return s;
}

double block_table_bytes(const DecodeAttentionOp& op, const Shape& s) {
  if (op.block_tokens <= 0) return 0;
  return s.b * std::ceil(s.le / static_cast<double>(op.block_tokens)) * 4;
}

/// Whether a grouped-query shape gets the tensor-core kernel under the occupancy dispatch
/// (DecodeAttentionParams::tensor_min_block_factor).
bool tensor_kernel_chosen(const DecodeAttentionOp& op, const Shape& s,
                          const hw::DecodeAttentionParams& dp, const hw::HardwareProfile& hw) {
  if (dp.tensor_min_block_factor <= 0 || op.kv_dtype == "fp8" || op.q_len > 1) return true;
  const double past_tokens = static_cast<double>(op.kv_len - op.q_len);
  const double blocks_per_seq = std::max(1.0, std::floor(past_tokens / dp.tensor.min_split_tokens));
  return s.b * s.hkv * blocks_per_seq * dp.tensor_min_block_factor >=
         static_cast<double>(hw.sm_count);
}

/// How a grid of CTAs occupies the machine.
struct Occupancy {
  double hbm_slots;        ///< CTA slots of HBM time: units / hbm_slots is the achieved rate share
  double wave_pad = 1;     ///< serial per-CTA work (math, per-SM L2 reads) x this
  double extra_waves = 0;  ///< waves after the first
};

/// A wave of n concurrent CTAs streams HBM at the rate of max(n, saturating_units) CTA slots:
/// fewer cannot reach the full rate. A kernel that tunes its block size to the grid
/// (wave_blocks_per_sm > 0) runs in whole waves: its blocks grow to fill the SMs, so a wave holds
/// SMs x (base blocks per SM / growth) CTAs; the grid streams its full waves, then its tail at the
/// tail's own ramp. Its serial per-CTA work takes as many rounds as the busiest SM holds CTAs.
/// A grid planned for splitting (fewer units than fill_units) runs the multi-block kernel, with
/// wave_blocks_per_sm base blocks per SM; a larger grid runs the single-block kernel, with
/// unsplit_blocks_per_sm (when set).
Occupancy occupancy(double units_before_split, double splits, const hw::AttentionPathParams& p,
                    const hw::HardwareProfile& hw) {
  const double units = units_before_split * splits;
  Occupancy o{std::max(units, p.saturating_units)};
  const double sms = static_cast<double>(hw.sm_count);
  const bool multi_block_kernel = units_before_split < p.fill_units;
  const double base_blocks = multi_block_kernel || p.unsplit_blocks_per_sm <= 0
                                 ? p.wave_blocks_per_sm
                                 : p.unsplit_blocks_per_sm;
  if (base_blocks <= 0) return o;
  // The block grows by the factor that would fill every SM's base slots, as 2x or 4x threads.
  const double wanted = std::min(std::ceil(sms * base_blocks / units_before_split), base_blocks);
  const double growth = wanted >= 4 ? 4 : (wanted >= 2 ? 2 : 1);
  const double wave_ctas = sms * std::max(1.0, std::floor(base_blocks / growth));
  const double full_waves = std::floor(units / wave_ctas);
  const double tail = units - full_waves * wave_ctas;
  o.hbm_slots = full_waves * std::max(wave_ctas, p.saturating_units) +
                (tail > 0 ? std::max(tail, p.saturating_units) : 0.0);
  o.wave_pad = std::ceil(units / sms) * sms / units;
  o.extra_waves = std::ceil(units / wave_ctas) - 1;
  return o;
}

/// The smallest power of two >= x: how both decode kernels size a head (see kernel_head_dim).
/// Head dims are whole numbers; integer arithmetic keeps this exact and off the libm path, as it
/// runs for every decode cost.
double pow2_ceil(double x) {
  return static_cast<double>(std::bit_ceil(static_cast<uint64_t>(std::ceil(x))));
}

/// The head dim a kernel computes over, which can exceed the cached one. XQA (tensor path) pads a
/// head to 64, 128 or 256 elements (`headElems` in its mha.h: head dim 192 runs as 256); MMHA
/// (CUDA-core path) lays its threads out for dh_max, the head dim rounded up to a power of two
/// (at least 32). MLA's latent head is computed as is. Only compute and per-CTA latencies scale
/// with it: the cache holds, and HBM moves, the real head dim.
double kernel_head_dim(const Shape& s, bool tensor_path, bool mla) {
  if (mla) return s.dk;
  return std::max(tensor_path ? 64.0 : 32.0, pow2_ceil(s.dk));
}

/// The stream time when each CTA's loads in flight, not HBM, set its pace: one KV tile per tile
/// latency, and an SM runs resident_ctas_per_sm CTAs at a time, so its CTAs beyond those wait.
/// The tile latency is the path's figure at a kernel head dim of 128, scaled by the kernel head
/// dim: a tile's QK and PV MMAs run along it, and XQA splits a tile's PV product over
/// 256 / head-dim warp groups (mha.cu `gemm1NbWarpGrps`: 2 at 128, 1 at 256), so each group's
/// serial share of the tile grows with the head dim.
/// 0 when the path has no such bound.
double tile_latency_bound(const DecodeAttentionPlan& plan, const hw::AttentionPathParams& p,
                          double rows, double units, double kernel_dk,
                          const hw::HardwareProfile& hw) {
  if (p.tile_latency_s <= 0 || p.resident_ctas_per_sm <= 0) return 0;
  const double tiles_per_cta = plan.padded_tokens / (plan.splits * plan.tile_tokens);
  const double turns = std::ceil(units / (p.resident_ctas_per_sm * hw.sm_count));
  return turns * tiles_per_cta * (p.tile_latency_s + p.tile_latency_per_row_s * rows) * kernel_dk /
         128;
}

}  // namespace

DecodeAttentionPlan plan_decode_attention(const DecodeAttentionOp& op,
                                          const hw::HardwareProfile& hw) {
  const hw::DecodeAttentionParams& dp = hw.kernels.decode_attention;
  const Shape s = shape_of(op);
  DecodeAttentionPlan plan;
  const double rows = s.group * s.lq;  // query rows sharing one KV stream
  plan.tensor_path = op.is_mla() || (rows >= 2 && s.group <= dp.max_tensor_group &&
                                     tensor_kernel_chosen(op, s, dp, hw));
  const hw::AttentionPathParams& p = plan.tensor_path ? dp.tensor : dp.cuda_core;
  if (op.is_mla()) {
    plan.units_before_split = s.b * std::ceil(s.hq / kMlaHeadsPerUnit);
  } else {
    plan.units_before_split = plan.tensor_path ? s.b * s.hkv : s.b * s.hq;
  }
  // A sliding-window kernel that keeps the whole cache plans its split-KV grid over the full
  // sequence: the window lands in one or two splits, and every other split still streams
  // `window_split_tokens` (its first tile and block-table entries) before it finds nothing to do.
  const double idle_tokens = fp8_constants(s, dp, plan.tensor_path).overhead
                                 ? p.fp8_window_split_tokens
                                 : p.window_split_tokens;
  const double kv_len = static_cast<double>(op.kv_len);
  const bool full_grid = dp.window_full_grid && s.le < kv_len;
  const double plan_len = full_grid ? kv_len : s.le;
  const double dim_scale = p.split_ref_head_dim > 0 ? p.split_ref_head_dim / pow2_ceil(s.dk) : 1.0;
  const double min_split = p.min_split_tokens * dim_scale;
  const double tile = p.kv_tile_tokens * dim_scale;
  plan.tile_tokens = tile;
  double max_splits = std::max(1.0, std::ceil(plan_len / min_split));
  if (p.split_sqrt_factor > 0)
    max_splits = std::min(max_splits, std::round(std::sqrt(max_splits * p.split_sqrt_factor)));
  const double fill_ratio = p.fill_units / plan.units_before_split;
  plan.splits = std::clamp(
      p.wave_blocks_per_sm > 0 ? std::ceil(fill_ratio) : std::floor(fill_ratio), 1.0, max_splits);
  if (full_grid) {
    const double window_splits = std::min(plan.splits, std::ceil(s.le / (kv_len / plan.splits)));
    const double per_split = std::ceil(s.le / window_splits);
    plan.padded_tokens = std::ceil(per_split / tile) * tile * window_splits +
                         (plan.splits - window_splits) * idle_tokens;
    plan.active_splits = window_splits;
    return plan;
  }
  plan.active_splits = plan.splits;
  const double per_split = std::ceil(s.le / plan.splits);
  plan.padded_tokens = std::ceil(per_split / tile) * tile * plan.splits;
  return plan;
}

Work decode_attention_work(const DecodeAttentionOp& op) {
  const Shape s = shape_of(op);
  Work w;
  const double scores = s.b * s.lq * s.hq * s.le;  // query-token x key-token pairs
  w.flop(hw::Engine::tensor, hw::Dtype::bf16) = 2 * scores * (s.dk + s.dv);
  if (s.quantised) {
    const double values = s.b * s.le * s.hkv * (op.is_mla() ? s.dk : s.dk + s.dv);
    w.flop(hw::Engine::cuda_core, hw::Dtype::fp32) =
        values * default_precision(op.kv_dtype).dequant_flops_per_value();
  }
  w.level(Level::hbm) = s.b * s.le * s.hkv * s.token_bytes +
                        s.b * s.lq * s.hq * (s.dk + s.dv) * kActBytes + block_table_bytes(op, s);
  w.launches = 1;
  return w;
}

OpCost decode_attention_cost(const DecodeAttentionOp& op, const hw::HardwareProfile& hw) {
  const hw::DecodeAttentionParams& dp = hw.kernels.decode_attention;
  const DecodeAttentionPlan plan = plan_decode_attention(op, hw);
  const hw::AttentionPathParams& p = plan.tensor_path ? dp.tensor : dp.cuda_core;
  const Shape s = shape_of(op);
  OpCost c;
  c.work = decode_attention_work(op);

  const bool split = plan.splits > 1;
  const double lp = plan.padded_tokens;
  const double kv_bytes = s.b * lp * s.hkv * s.token_bytes;
  const double partials = split ? s.b * s.lq * s.hq * plan.splits * (s.dv + 2) * 4 * 2 : 0;
  const double other_bytes =
      s.b * s.lq * s.hq * (s.dk + s.dv) * kActBytes + block_table_bytes(op, s) + partials;
  const double rows = s.group * s.lq;
  const double pad_rows = plan.tensor_path ? std::max(16.0, std::ceil(rows / 16) * 16) / rows : 1.0;
  // Both paths multiply over the kernel head dim (MLA: the latent key and value as they are).
  const double kdk = kernel_head_dim(s, plan.tensor_path, op.is_mla());
  const double flops = 2 * s.b * s.lq * s.hq * lp * (op.is_mla() ? s.dk + s.dv : 2 * kdk);

  const double units = plan.units_before_split * plan.splits;
  const Occupancy occ = occupancy(plan.units_before_split, plan.splits, p, hw);
  const double t_hbm = std::max(
      (kv_bytes + other_bytes) * (occ.hbm_slots / units) / (hw.hbm.bandwidth_bytes_s * p.hbm),
      tile_latency_bound(plan, p, rows, units, kdk, hw));
  const double l2_rate =
      (hw.l2.present ? hw.l2.bandwidth_bytes_s : hw.hbm.bandwidth_bytes_s) * hw.efficiency.l2;
  const double t_l2 = occ.wave_pad * kv_bytes * (plan.tensor_path ? 1.0 : s.group) / l2_rate;
  const double t_comp =
      occ.wave_pad *
      (plan.tensor_path
           ? flops * pad_rows / (hw.peak_flops(hw::Engine::tensor, hw::Dtype::bf16) * p.compute)
           : flops / (hw.peak_flops(hw::Engine::cuda_core, hw::Dtype::fp32) * p.compute));
  double t_deq = 0;
  if (s.quantised) {
    const double values =
        s.b * lp * s.hkv * (op.is_mla() ? s.dk : s.dk + s.dv) * (plan.tensor_path ? 1.0 : s.group);
    t_deq = occ.wave_pad * values * p.dequant_flops_per_value /
            hw.peak_flops(hw::Engine::cuda_core, hw::Dtype::fp32);
  }
  const Fp8Constants fp8 = fp8_constants(s, dp, plan.tensor_path);
  // The fp8 kernel's lower overhead is in its fixed part; its per-group-dim term is the 16-bit
  // kernel's (fitted with a scale of its own, that settles at 0.83, no better than 1).
  const double tau = (p.overhead_base_s + p.overhead_per_head_dim_s * kdk / 128) *
                         (fp8.overhead ? p.fp8_overhead_scale : 1.0) +
                     p.overhead_per_group_dim_s * kdk * s.group / 4096;
  const double idle_share = fp8.overhead ? p.fp8_idle_split_overhead : p.idle_split_overhead;
  // Splits that pay the per-CTA overhead and the combine's per-split cost, idle ones in part.
  const double splits_paying =
      p.overhead_per_cta ? plan.active_splits + (plan.splits - plan.active_splits) * idle_share
                         : plan.splits;
  const double t_over = plan.units_before_split * (p.overhead_per_cta ? splits_paying : 1.0) * tau;
  // One CTA's serial work on its query rows (load q, softmax, rescale, write o) is a latency
  // that more units cannot hide: it bounds the body however small the KV is.
  // Each wave after the first waits for a CTA lifetime: inside the latency chain of an unsplit
  // grid, after the body of a split one (the combine waits for the last wave's partials).
  const double t_cta = p.cta_row_s * (plan.tensor_path ? rows : 1.0) * kdk / 128 +
                       (split ? 0.0 : occ.extra_waves * p.extra_wave_s);
  const double thr = std::max({t_hbm, t_l2, t_comp + t_deq});
  const double overlap = fp8.overhead && p.fp8_overlap > 0 ? p.fp8_overlap : p.overlap;
  // A CTA's fixed latency comes before its own stream: a grid is at least that plus the stream.
  const double body =
      std::max(p.cta_latency_s + thr, soft_max(std::max(t_over, t_cta), thr, overlap));
  const double floor = fp8.floor ? p.fp8_floor_s : p.floor_s;
  const double combine =
      split ? p.combine_s + p.combine_per_split_s * splits_paying + p.extra_wave_s * occ.extra_waves
            : 0;
  c.seconds = floor + body + combine;
  if (floor + combine > body)
    c.bound = Bound::launch;
  else if (std::max({t_over, t_cta, p.cta_latency_s}) > thr)
    c.bound = Bound::overhead;
  else if (thr == t_hbm)
    c.bound = Bound::hbm;
  else if (thr == t_l2)
    c.bound = Bound::l2;
  else
    c.bound = plan.tensor_path && t_comp > t_deq ? Bound::tensor : Bound::cuda_core;
  return c;
}

}  // namespace kvsim::perf
