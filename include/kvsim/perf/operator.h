#pragma once
// One operator row of the operator CSV (DESIGN.md section 6), parsed into a typed operator, and
// its cost. Columns per op:
//   gemm               m, n, k, dtype (bf16, fp16, fp8, fp8_block); optional act_quant
//                      (none, per_tensor, per_block)
//   decode_attention   batch, kv_len, q_heads, kv_heads, head_dim, kv_dtype (bf16, fp16, fp8, int8,
//                      int4); optional q_len (1), window (0 = full), block_tokens, latent_dim and
//                      rope_dim (MLA)
//   prefill_attention  batch, q_len, kv_len, q_heads, kv_heads, head_dim, dtype; optional causal
//   (1) all_reduce, all_gather, reduce_scatter, all_to_all, send_recv
//                      bytes, gpus; optional link (nvlink / scale_up / pcie)
//   memcpy             bytes, direction (h2d, d2h, d2d)
//   stream             bytes; optional flops, working_set_bytes (0 = bytes)
//   launch             kernels; optional method (stream, graph)
//   kv_append          tokens, kv_heads, head_dim, kv_dtype; optional latent_dim, rope_dim (MLA)

#include <string>
#include <variant>

#include "kvsim/core/csv.h"
#include "kvsim/perf/collective.h"
#include "kvsim/perf/decode_attention.h"
#include "kvsim/perf/gemm.h"
#include "kvsim/perf/kv_append.h"
#include "kvsim/perf/launch.h"
#include "kvsim/perf/prefill_attention.h"
#include "kvsim/perf/stream.h"

namespace kvsim::perf {

using Operator = std::variant<GemmOp, DecodeAttentionOp, PrefillAttentionOp, CollectiveOp, MemcpyOp,
                              StreamOp, LaunchOp, KvAppendOp>;

/// The op names the CSV accepts.
const std::vector<std::string>& operator_names();
/// Family for error statistics: gemm, decode_attention, prefill_attention, the collective's name,
/// memcpy, stream, launch, kv_append.
std::string family_of(const Operator& op);

/// A short description of the operator's shape, e.g. "m=1 n=4096 k=4096 bf16".
std::string describe(const Operator& op);

/// Parse the current row of `csv`. Errors name the line, column number and column.
Operator parse_operator(const core::CsvReader& csv);

/// Its cost on `hw`. Settings that cannot run (unknown KV precision) raise core::ConfigError.
OpCost operator_cost(const Operator& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
