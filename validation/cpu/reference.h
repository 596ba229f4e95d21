#pragma once
// fp64 references of the validation kernels' math, written for clarity, not speed: exact
// two-pass softmax attention, dot products, quantisation round trips. They take the kernels'
// inputs as exact values (bf16 and fp8 inputs are exactly representable in double), so the
// difference between a kernel and its reference is the kernel's own arithmetic error.
//
// The error measure and tolerances (tolerance.h) are stated per kernel and dtype.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace kvbench::ref {

/// Exact softmax attention of one query row over keys [begin, end): out[d] for d < dv.
/// k_at(t, d) and v_at(t, d) return the (dequantised) cached values.
template <class KAt, class VAt>
void attention_row(const double* q, int64_t dk, int64_t dv, int64_t begin, int64_t end,
                   double scale, KAt k_at, VAt v_at, double* out) {
  std::vector<double> s(static_cast<size_t>(end - begin));
  double big = -INFINITY;
  for (int64_t t = begin; t < end; ++t) {
    double dot = 0;
    for (int64_t d = 0; d < dk; ++d)
      dot += q[d] * k_at(t, d);
    s[static_cast<size_t>(t - begin)] = dot * scale;
    big = std::max(big, dot * scale);
  }
  double sum = 0;
  for (double& x : s) {
    x = std::exp(x - big);
    sum += x;
  }
  for (int64_t d = 0; d < dv; ++d) {
    double acc = 0;
    for (int64_t t = begin; t < end; ++t)
      acc += s[static_cast<size_t>(t - begin)] * v_at(t, d);
    out[d] = acc / sum;
  }
}

/// One output of C = A W^T: sum over k of a_at(i) * w_at(i); also returns sum |a w| (the scale
/// of the normwise error bound) through `abs_sum`.
template <class AAt, class WAt>
double dot(int64_t k, AAt a_at, WAt w_at, double* abs_sum) {
  double acc = 0, mag = 0;
  for (int64_t i = 0; i < k; ++i) {
    const double p = a_at(i) * w_at(i);
    acc += p;
    mag += std::fabs(p);
  }
  if (abs_sum) *abs_sum = mag;
  return acc;
}

/// Largest |x| of a range: the scale of attention-output errors (outputs are convex
/// combinations of V rows, so |o| <= max |v|).
template <class At>
double max_abs(int64_t n, At at) {
  double m = 0;
  for (int64_t i = 0; i < n; ++i)
    m = std::max(m, std::fabs(at(i)));
  return m;
}

}  // namespace kvbench::ref
