#include "kvsim/perf/op_cost.h"

#include <algorithm>
#include <cmath>

namespace kvsim::perf {

double soft_max(double a, double b, double p) {
  const double hi = std::max(a, b);
  if (hi <= 0) return 0;
  if (p >= 60) return hi;
  // Scaled to avoid overflow: hi * (1 + (lo/hi)^p)^(1/p).
  const double ratio = std::min(a, b) / hi;
  if (ratio <= 0) return hi;
  return hi * std::exp(std::log1p(std::pow(ratio, p)) / p);
}

}  // namespace kvsim::perf
