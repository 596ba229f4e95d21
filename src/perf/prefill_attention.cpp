#include "kvsim/perf/prefill_attention.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kvsim::perf {
namespace {

double bytes_per_value(GemmDtype d) {
  return d == GemmDtype::fp8 || d == GemmDtype::fp8_block ? 1 : 2;
}

hw::Dtype compute_dtype(GemmDtype d) {
  return d == GemmDtype::fp16   ? hw::Dtype::fp16
         : d == GemmDtype::bf16 ? hw::Dtype::bf16
                                : hw::Dtype::fp8;
}

// Pairs in computed tiles: for each q tile, KV tiles up to (and including) its diagonal.
double tiled_pairs(const PrefillAttentionOp& op, double q_tile, double kv_tile) {
  const double q = static_cast<double>(op.q_len), kv = static_cast<double>(op.kv_len);
  if (!op.causal) return std::ceil(q / q_tile) * q_tile * std::ceil(kv / kv_tile) * kv_tile;
  const double prefix = kv - q;
  double pairs = 0;
  const double tiles = std::ceil(q / q_tile);
  for (double t = 0; t < tiles; ++t) {
    const double last_row = std::min(q, (t + 1) * q_tile) - 1;  // the tile's last query row
    const double visible = prefix + last_row + 1;               // keys its last row sees
    pairs += q_tile * std::ceil(visible / kv_tile) * kv_tile;
  }
  return pairs;
}

}  // namespace

double prefill_pairs(const PrefillAttentionOp& op) {
  const double q = static_cast<double>(op.q_len), kv = static_cast<double>(op.kv_len);
  if (!op.causal) return q * kv;
  return q * (kv - q) + q * (q + 1) / 2;
}

Work prefill_attention_work(const PrefillAttentionOp& op) {
  Work w;
  const double b = static_cast<double>(op.batch), hq = static_cast<double>(op.q_heads);
  const double hkv = static_cast<double>(op.kv_heads), d = static_cast<double>(op.head_dim);
  const double bpv = bytes_per_value(op.dtype);
  w.flop(hw::Engine::tensor, compute_dtype(op.dtype)) = 4 * b * hq * d * prefill_pairs(op);
  w.flop(hw::Engine::cuda_core, hw::Dtype::fp32) =
      2 * b * hq * prefill_pairs(op);  // softmax exp + scale
  w.level(Level::hbm) = b * d *
                        (2 * static_cast<double>(op.q_len) * hq * 2 +      // Q in, O out (bf16)
                         2 * static_cast<double>(op.kv_len) * hkv * bpv);  // K, V
  w.launches = 1;
  return w;
}

OpCost prefill_attention_cost(const PrefillAttentionOp& op, const hw::HardwareProfile& hw) {
  const hw::PrefillAttentionParams& p = hw.kernels.prefill_attention;
  OpCost c;
  c.work = prefill_attention_work(op);
  const double b = static_cast<double>(op.batch), hq = static_cast<double>(op.q_heads);
  const double d = static_cast<double>(op.head_dim);
  const double sms = static_cast<double>(hw.sm_count);
  // Units: one per (sequence, head, q tile); whole waves of SMs.
  const double units = b * hq * std::ceil(static_cast<double>(op.q_len) / p.q_tile);
  const double waves = std::ceil(units / sms);
  const double wave_quant = waves / (units / sms);
  const double pairs = b * hq * tiled_pairs(op, p.q_tile, p.kv_tile);
  double peak = hw.peak_flops(hw::Engine::tensor, compute_dtype(op.dtype));
  if (peak <= 0) peak = hw.peak_flops(hw::Engine::tensor, hw::Dtype::bf16);
  const double t_comp = 4 * d * pairs * wave_quant / (peak * p.tensor);
  // K/V are re-read from L2 by every q tile of a head group.
  const double q_tiles = std::ceil(static_cast<double>(op.q_len) / p.q_tile);
  const double kv_bytes = b * 2 * static_cast<double>(op.kv_len) *
                          static_cast<double>(op.kv_heads) * d * bytes_per_value(op.dtype);
  const double t_l2 = kv_bytes * q_tiles * (hq / static_cast<double>(op.kv_heads)) /
                      achievable_bandwidth(hw, Level::l2);
  const double t_hbm = c.work.level(Level::hbm) / achievable_bandwidth(hw, Level::hbm);
  const double body = std::max({t_comp, t_l2, t_hbm});
  c.seconds = p.floor_s + body;
  c.bound = p.floor_s > body ? Bound::launch
            : body == t_comp ? Bound::tensor
            : body == t_l2   ? Bound::l2
                             : Bound::hbm;
  return c;
}

}  // namespace kvsim::perf
