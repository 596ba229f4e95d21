#pragma once
// Error measures and tolerances of the validation kernels, used by the no-GPU tests (host
// mirrors) and by kvsim-bench (device outputs). Each tolerance is stated with where it comes from.
//
// Attention (decode, prefill): error = max over outputs of |o - o_ref| / max |v| over the attended
// V values (outputs are convex combinations of V rows, so this is a relative error on the
// output's own scale). The reference is fp64 on the kernel's exact inputs (dequantised values for
// fp8/int4), so the error is the kernel's arithmetic: K/V staged in bf16 (fp8 x scale and int4
// dequantised values lose up to 2^-9 relative, bf16 inputs nothing), probabilities rounded to
// bf16 (2^-9 relative, averaged over the tokens), fp32 accumulation, and the bf16 output, which
// alone can cost 2^-9 = 1.95e-3 (a row attending to one token returns that V row, rounded).
// Tolerance 4e-3; the host mirrors' largest errors on the test shapes are 2.1e-3 (prefill, a
// one-token row), 1.1e-3 (int4 decode), 6e-4 (bf16 and fp8 decode).
//
// GEMM: error = |c - c_ref| / sum_k |a w| (the normwise forward-error bound of a dot product):
// bf16 output rounding at most 2^-9 = 1.95e-3, plus fp32 accumulation, at most k * 2^-24 (about
// 6e-8 k) in the worst case. Tolerance 3e-3 + 6e-8 k.
//
// KV append (quantisation round trip vs the bf16 inputs): per value |x' - x| <= bound:
//   bf16  exact copy                       0
//   fp8   E4M3, 3 mantissa bits            2^-4 |x| + 2^-10 * scale (subnormal step / 2)
//   int4  grid step (hi - lo) / 15         step / 2 + fp16 rounding of scale and zero point
//
// End to end (attention over a cache filled by the append kernel vs fp64 attention on the
// unquantised values), same measure as attention: bf16 4e-3 (no quantisation), fp8 1.5e-2, int4
// 3e-2: E4M3's 2^-4 value error and int4's 1/30-of-range error, averaged by the softmax over the
// tokens (observed on the 300-token test: 4.1e-3 and 9.7e-3).

#include <cmath>

#include "../kernels/common/numerics.h"

namespace kvbench::tol {

inline double attention(KvDtype) {
  return 4e-3;
}

inline double gemm(int64_t k) {
  return 3e-3 + static_cast<double>(k) * 6e-8;
}

inline double attention_end_to_end(KvDtype d) {
  return d == KvDtype::bf16 ? 4e-3 : d == KvDtype::fp8 ? 1.5e-2 : 3e-2;
}

/// Largest allowed |dequantised - original| of one value in an int4 group [lo, hi].
inline double int4_value(double lo, double hi) {
  const double step = (hi - lo) / 15;
  return step / 2 + std::fabs(lo) * 1e-3 + step * 15 * 1e-3;  // fp16 keeps 11 significant bits
}

inline double fp8_value(double x, double tensor_scale) {
  return std::ldexp(std::fabs(x), -4) + std::ldexp(tensor_scale, -10);
}

}  // namespace kvbench::tol
