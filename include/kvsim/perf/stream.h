#pragma once
// Memory streams: kernels that only move bytes (STREAM read/write/copy/triad) and working-set
// sweeps that re-read a buffer, which stays in L2 when it fits (DESIGN.md section 4: working sets
// that fit in L2 are charged at L2 bandwidth). Timed like the elementwise kernels: the launch
// floor plus the slowest of HBM, L2 and CUDA-core time.

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

struct StreamOp {
  double bytes = 0;              ///< bytes read and written, every pass
  double flops = 0;              ///< fp32 CUDA-core arithmetic
  double working_set_bytes = 0;  ///< distinct bytes touched; 0 = bytes (one pass)
};

/// Work: the first touch of the working set from HBM, the re-reads (bytes beyond the working set)
/// from L2; one pass is all HBM.
Work stream_work(const StreamOp& op);
/// A working set larger than L2 streams every pass from HBM.
OpCost stream_cost(const StreamOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
