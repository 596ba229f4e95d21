#include "kvsim/perf/elementwise.h"

#include <algorithm>

namespace kvsim::perf {

namespace {
constexpr double kAct = 2;  // bf16 activations
double d(int64_t v) {
  return static_cast<double>(v);
}
}  // namespace

OpCost elementwise_cost(const ElementwiseOp& op, const hw::HardwareProfile& hw) {
  const hw::ElementwiseKernelParams& p = hw.kernels.elementwise;
  OpCost c;
  c.work.level(Level::hbm) = op.bytes;
  c.work.flop(hw::Engine::cuda_core, hw::Dtype::fp32) = op.flops;
  c.work.launches = op.launches;
  const double t_mem = op.bytes / (hw.hbm.bandwidth_bytes_s * p.hbm);
  const double t_comp =
      op.flops > 0 ? op.flops / achievable_flops(hw, hw::Engine::cuda_core, hw::Dtype::fp32) : 0;
  const double body = std::max(t_mem, t_comp);
  const double floor = op.launches * p.floor_s;
  c.seconds = floor + body;
  c.bound = floor > body ? Bound::launch : t_mem >= t_comp ? Bound::hbm : Bound::cuda_core;
  return c;
}

ElementwiseOp rmsnorm_op(int64_t tokens, int64_t hidden) {
  return {d(tokens) * d(hidden) * kAct * 2 + d(hidden) * kAct, d(tokens) * d(hidden) * 4, 1};
}

ElementwiseOp gated_activation_op(int64_t tokens, int64_t width) {
  return {d(tokens) * d(width) * kAct * 3, d(tokens) * d(width) * 8, 1};
}

ElementwiseOp residual_op(int64_t tokens, int64_t hidden) {
  return {d(tokens) * d(hidden) * kAct * 3, d(tokens) * d(hidden), 1};
}

ElementwiseOp rotary_op(int64_t tokens, int64_t heads_dims) {
  return {d(tokens) * d(heads_dims) * kAct * 2, d(tokens) * d(heads_dims) * 3, 1};
}

ElementwiseOp kv_append_op(int64_t tokens, int64_t values_per_token, int64_t bytes_per_token,
                           double dequant_flops_per_value) {
  const double values = d(tokens) * d(values_per_token);
  return {values * kAct + d(tokens) * d(bytes_per_token),
          values * std::max(1.0, dequant_flops_per_value), 1};
}

ElementwiseOp embedding_op(int64_t tokens, int64_t hidden) {
  return {d(tokens) * d(hidden) * kAct * 2 + d(tokens) * 4, 0, 1};
}

}  // namespace kvsim::perf
