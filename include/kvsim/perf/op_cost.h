#pragma once
// The modelled cost of one operator: the work it does, its time, and what bounds it.

#include <string>

#include "kvsim/perf/roofline.h"
#include "kvsim/perf/work.h"

namespace kvsim::perf {

struct OpCost {
  Work work;  ///< useful work, counted as the CUDA harness counts it (no padding)
  double seconds = 0;
  Bound bound = Bound::launch;
  std::string detail;  ///< how the model ran it: chosen tile, split, kernel path
};

/// Soft maximum ((a^p + b^p)^(1/p), p >= 1): p = 1 adds, large p takes the max. Models partial
/// overlap of a serial per-unit chain with throughput-bound streaming.
double soft_max(double a, double b, double p);

}  // namespace kvsim::perf
