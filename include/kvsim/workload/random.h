#pragma once
// A small, fully specified random number generator and the distributions the generators need.
// The standard library's distributions are implementation-defined, so kvsim implements its own:
// the same seed gives the same workload on every platform and compiler.

#include <cstdint>

namespace kvsim::workload {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t next_u64();          ///< xoshiro256** (Blackman & Vigna), seeded through splitmix64
  double uniform();             ///< [0, 1), 53 random bits
  double uniform_open();        ///< (0, 1)
  double normal();              ///< standard normal (Box-Muller, one value per call)
  double exponential(double rate);
  double gamma(double shape, double scale);  ///< Marsaglia-Tsang (shape < 1 via the boost trick)
  uint64_t below(uint64_t n);   ///< uniform integer in [0, n), unbiased

 private:
  uint64_t s_[4];
};

/// A 64-bit mix of two values (for hash chains of prefix blocks).
uint64_t hash_combine(uint64_t a, uint64_t b);

}  // namespace kvsim::workload
