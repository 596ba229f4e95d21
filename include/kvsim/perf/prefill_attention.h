#pragma once
// Prefill attention (FlashAttention-style): q_len new tokens per sequence attend over kv_len
// tokens (a cached prefix of kv_len - q_len plus themselves), causal by default. Q runs in tiles
// of q_tile rows, K/V in tiles of kv_tile tokens; causal tiles wholly above the diagonal are
// skipped, partly masked ones cost in full (tile quantisation).

#include <cstdint>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/gemm.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

struct PrefillAttentionOp {
  int64_t batch = 1;
  int64_t q_len = 1;
  int64_t kv_len = 1;  ///< >= q_len
  int64_t q_heads = 1;
  int64_t kv_heads = 1;
  int64_t head_dim = 128;
  GemmDtype dtype = GemmDtype::bf16;  ///< bf16, fp16 or fp8
  bool causal = true;
};

/// Query-key pairs that attention computes (exact causal count).
double prefill_pairs(const PrefillAttentionOp& op);
Work prefill_attention_work(const PrefillAttentionOp& op);
OpCost prefill_attention_cost(const PrefillAttentionOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
