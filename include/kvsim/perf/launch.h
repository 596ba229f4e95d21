#pragma once
// Launch overhead: `kernels` empty kernels back to back, launched one by one on a stream or
// replayed as one CUDA graph. The model charges the profile's launch overhead per kernel either
// way; the measurements say how far graphs beat that.

#include <cstdint>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

struct LaunchOp {
  int64_t kernels = 1;
  bool graph = false;
};

OpCost launch_cost(const LaunchOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
