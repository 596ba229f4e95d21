#pragma once
// Decode attention: q_len new tokens per sequence attend over kv_len cached tokens (including
// themselves). GQA/MQA/MHA, or MLA (latent_dim > 0: K is the latent + rope key, V the latent,
// shared by every head), with quantised KV, sliding windows and paged blocks.

#include <cstdint>
#include <string>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

struct DecodeAttentionOp {
  int64_t batch = 1;
  int64_t kv_len = 1;  ///< tokens each sequence attends over
  int64_t q_heads = 1;
  int64_t kv_heads = 1;           ///< MLA: ignored (one latent)
  int64_t head_dim = 128;         ///< q/k dim per head (MLA: ignored; latent_dim + rope_dim)
  std::string kv_dtype = "bf16";  ///< a KV precision plug-in name: bf16, fp16, fp8, int8, int4
  int64_t q_len = 1;              ///< query tokens per sequence (speculative decoding > 1)
  int64_t window = 0;             ///< sliding window, 0 = full
  int64_t block_tokens = 0;       ///< paged KV block size, 0 = contiguous
  int64_t latent_dim = 0;         ///< MLA kv_lora_rank
  int64_t rope_dim = 0;           ///< MLA decoupled rope dims

  bool is_mla() const { return latent_dim > 0; }
  /// Tokens actually read per sequence (the window when set).
  int64_t attended() const { return window > 0 && window < kv_len ? window : kv_len; }
};

/// How the model runs the kernel: path, parallel units and KV splits.
struct DecodeAttentionPlan {
  bool tensor_path = true;
  double units_before_split = 0;
  double splits = 1;
  double padded_tokens = 0;  ///< attended tokens rounded up to whole KV tiles per split
  double tile_tokens = 0;    ///< KV tokens per tile at this head dim
  /// Splits that hold attended tokens: all of them, except under a sliding window planned over
  /// the whole sequence, where the rest are idle (they stream `window_split_tokens` and pay
  /// `idle_split_overhead` of the per-CTA overhead and of the combine's per-split cost).
  double active_splits = 1;
};

DecodeAttentionPlan plan_decode_attention(const DecodeAttentionOp& op,
                                          const hw::HardwareProfile& hw);
/// Useful work (unpadded): QK and PV flops, dequantisation, KV + Q + O + block-table bytes.
Work decode_attention_work(const DecodeAttentionOp& op);
OpCost decode_attention_cost(const DecodeAttentionOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
