#include "kvsim/perf/op_cost.h"

#include <algorithm>
#include <cmath>

namespace kvsim::perf {

double soft_max(double a, double b, double p) {
  const double hi = std::max(a, b);
  if (hi <= 0) return 0;
  if (p >= 60) return hi;
  // Scaled to avoid overflow: hi * ((a/hi)^p + (b/hi)^p)^(1/p).
  return hi * std::pow(std::pow(a / hi, p) + std::pow(b / hi, p), 1.0 / p);
}

}  // namespace kvsim::perf
