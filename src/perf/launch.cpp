#include "kvsim/perf/launch.h"

#include <fmt/format.h>

namespace kvsim::perf {

OpCost launch_cost(const LaunchOp& op, const hw::HardwareProfile& hw) {
  OpCost c;
  c.work.launches = static_cast<double>(op.kernels);
  c.seconds = static_cast<double>(op.kernels) * hw.efficiency.launch_overhead_s;
  c.bound = Bound::launch;
  c.detail = fmt::format("{} empty kernels, {}", op.kernels, op.graph ? "one graph" : "stream");
  return c;
}

}  // namespace kvsim::perf
