#include "kvsim/perf/stream.h"

#include <algorithm>

namespace kvsim::perf {
namespace {

double working_set(const StreamOp& op) {
  return op.working_set_bytes > 0 ? std::min(op.working_set_bytes, op.bytes) : op.bytes;
}

}  // namespace

Work stream_work(const StreamOp& op) {
  Work w;
  w.level(Level::hbm) = working_set(op);
  w.level(Level::l2) = op.bytes - working_set(op);
  w.flop(hw::Engine::cuda_core, hw::Dtype::fp32) = op.flops;
  w.launches = 1;
  return w;
}

OpCost stream_cost(const StreamOp& op, const hw::HardwareProfile& hw) {
  const hw::ElementwiseKernelParams& p = hw.kernels.elementwise;
  OpCost c;
  c.work = stream_work(op);
  const double ws = working_set(op);
  const bool fits = hw.l2.present && ws <= static_cast<double>(hw.l2.capacity_bytes);
  const double hbm_bytes = fits ? ws : op.bytes;
  const double t_hbm = hbm_bytes / (hw.hbm.bandwidth_bytes_s * p.hbm);
  const double t_l2 = fits && op.bytes > ws ? op.bytes / achievable_bandwidth(hw, Level::l2) : 0;
  const double t_comp =
      op.flops > 0 ? op.flops / achievable_flops(hw, hw::Engine::cuda_core, hw::Dtype::fp32) : 0;
  const double body = std::max({t_hbm, t_l2, t_comp});
  c.seconds = p.floor_s + body;
  c.bound = p.floor_s > body ? Bound::launch
            : body == t_hbm  ? Bound::hbm
            : body == t_l2   ? Bound::l2
                             : Bound::cuda_core;
  c.detail = fits ? "working set fits in L2" : "streams from HBM";
  return c;
}

}  // namespace kvsim::perf
