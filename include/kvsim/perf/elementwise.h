#pragma once
// Memory-bound kernels between the GEMMs: norms, activations, residual adds, rotary embedding,
// KV append (with quantisation into the cache), embedding gathers. Time = launch floor + bytes at
// the achieved HBM rate (or the compute, for the rare case it dominates).

#include <cstdint>
#include <string>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

/// A generic elementwise / reduction kernel: bytes read and written, flops on CUDA cores.
struct ElementwiseOp {
  double bytes = 0;
  double flops = 0;
  double launches = 1;
};
OpCost elementwise_cost(const ElementwiseOp& op, const hw::HardwareProfile& hw);

/// RMSNorm over `tokens` x `hidden` (bf16 in, bf16 out, weights once).
ElementwiseOp rmsnorm_op(int64_t tokens, int64_t hidden);
/// Gated activation (SwiGLU/GeGLU): read 2 x `width`, write `width` per token.
ElementwiseOp gated_activation_op(int64_t tokens, int64_t width);
/// Residual add: read two, write one of `tokens` x `hidden`.
ElementwiseOp residual_op(int64_t tokens, int64_t hidden);
/// Rotary embedding on q and k: read and write `heads_dims` values per token.
ElementwiseOp rotary_op(int64_t tokens, int64_t heads_dims);
/// Append `tokens` tokens of K and V (`values_per_token` values) into the cache, quantising to a
/// precision of `bytes_per_token` bytes per token (scales included).
ElementwiseOp kv_append_op(int64_t tokens, int64_t values_per_token, int64_t bytes_per_token,
                           double dequant_flops_per_value);
/// Embedding gather: `tokens` rows of `hidden` values.
ElementwiseOp embedding_op(int64_t tokens, int64_t hidden);

}  // namespace kvsim::perf
