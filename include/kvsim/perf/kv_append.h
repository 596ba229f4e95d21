#pragma once
// KV append: the new tokens' K and V (bf16) written into the cache, quantised to the KV precision
// with its scales (or, for MLA, the latent + rope row). An elementwise kernel: the same
// kv_append_op the step model charges per layer.

#include <cstdint>
#include <string>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

struct KvAppendOp {
  int64_t tokens = 1;
  int64_t kv_heads = 1;           ///< MLA: ignored (one latent)
  int64_t head_dim = 128;         ///< MLA: ignored
  std::string kv_dtype = "bf16";  ///< a KV precision plug-in name
  int64_t latent_dim = 0;         ///< MLA kv_lora_rank, 0 = not MLA
  int64_t rope_dim = 0;

  bool is_mla() const { return latent_dim > 0; }
};

/// Reads values_per_token bf16 values and writes bytes_per_token (scales included) per token.
Work kv_append_work(const KvAppendOp& op);
OpCost kv_append_cost(const KvAppendOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
