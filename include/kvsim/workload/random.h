#pragma once
// A small, fully specified random number generator and the distributions the generators need.
// The standard library's distributions are implementation-defined, so kvsim implements its own:
// the same seed gives the same workload on every platform and compiler. next_u64, uniform,
// uniform_open and below are bit-exact everywhere; normal, exponential and gamma also call
// std::log/sqrt/cos/pow, which every mainstream libm rounds to within an ulp, so integer lengths
// derived from them agree unless a value falls within an ulp of a rounding boundary.

#include <cstdint>

namespace kvsim::workload {

class Rng {
 public:
  /// Any seed is valid (including 0); the state is filled from a splitmix64 stream of `seed`.
  explicit Rng(uint64_t seed);
  uint64_t next_u64();    ///< xoshiro256** (Blackman & Vigna), seeded through splitmix64
  double uniform();       ///< [0, 1), 53 random bits (one next_u64)
  double uniform_open();  ///< (0, 1): (k + 0.5) / 2^52, k from 52 bits (one next_u64)
  /// Standard normal by Box-Muller, one value per call: two draws (uniform_open, then uniform)
  /// and the cosine branch; the sine value is discarded, never cached.
  double normal();
  /// Exponential with mean 1 / rate (rate > 0, e.g. per second -> seconds); one draw.
  double exponential(double rate);
  /// Gamma with mean shape * scale (both > 0); Marsaglia-Tsang, and for shape < 1 the boost
  /// Gamma(shape + 1) * U^(1/shape) with U drawn after the Gamma(shape + 1) sample.
  double gamma(double shape, double scale);
  uint64_t below(uint64_t n);  ///< uniform integer in [0, n), unbiased by rejection; n > 0
  // Invalid parameters (rate, shape, scale not finite and > 0; n == 0) throw
  // std::invalid_argument: they are programming errors, callers validate user input first.

 private:
  uint64_t s_[4];
};

/// A 64-bit mix of two values (for hash chains of prefix blocks): splitmix64's finaliser applied
/// to a ^ (b + golden + (a << 6) + (a >> 2)). Order matters.
uint64_t hash_combine(uint64_t a, uint64_t b);

}  // namespace kvsim::workload
