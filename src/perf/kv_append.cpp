#include "kvsim/perf/kv_append.h"

#include "kvsim/perf/elementwise.h"
#include "kvsim/perf/kv_precision.h"

namespace kvsim::perf {
namespace {

ElementwiseOp as_elementwise(const KvAppendOp& op) {
  const kv::Precision& prec = default_precision(op.kv_dtype);
  const int64_t values = op.is_mla() ? op.latent_dim + op.rope_dim : 2 * op.kv_heads * op.head_dim;
  const int64_t bytes = op.is_mla() ? prec.bytes_per_token(1, op.latent_dim + op.rope_dim)
                                    : prec.bytes_per_token(op.kv_heads, 2 * op.head_dim);
  return kv_append_op(op.tokens, values, bytes, prec.dequant_flops_per_value());
}

}  // namespace

Work kv_append_work(const KvAppendOp& op) {
  const ElementwiseOp e = as_elementwise(op);
  Work w;
  w.level(Level::hbm) = e.bytes;
  w.flop(hw::Engine::cuda_core, hw::Dtype::fp32) = e.flops;
  w.launches = e.launches;
  return w;
}

OpCost kv_append_cost(const KvAppendOp& op, const hw::HardwareProfile& hw) {
  OpCost c = elementwise_cost(as_elementwise(op), hw);
  c.detail = op.kv_dtype + " append";
  return c;
}

}  // namespace kvsim::perf
