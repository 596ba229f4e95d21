// Rng and hash_combine. Every algorithm here is written out, so the integer outputs are the same on
// every platform; the floating-point distributions use only std::log, std::exp, std::sqrt, std::pow
// and std::cos (no std:: distribution, whose algorithms are implementation-defined).
#include "kvsim/workload/random.h"

#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>

namespace kvsim::workload {
namespace {

constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;  // 2^64 / golden ratio

constexpr uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// splitmix64's output finaliser (Steele, Lea & Flood 2014; constants from Vigna): a bijection on
// 64-bit values with full avalanche.
constexpr uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

void require_positive(double v, const char* what) {
  if (!(v > 0) || !std::isfinite(v)) {
    throw std::invalid_argument(std::string("Rng: ") + what + " must be finite and > 0");
  }
}

}  // namespace

Rng::Rng(uint64_t seed) {
  // splitmix64 stream from `seed`: four consecutive outputs. mix64 is a bijection and the four
  // inputs differ, so at most one word is zero and the state is never all-zero.
  uint64_t x = seed;
  for (uint64_t& word : s_) {
    x += kGolden;
    word = mix64(x);
  }
}

uint64_t Rng::next_u64() {
  // xoshiro256** 1.0 (Blackman & Vigna 2018).
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() {
  // The top 53 bits, scaled by 2^-53: every multiple of 2^-53 in [0, 1), equally likely.
  return static_cast<double>(next_u64() >> 11) * 0x1.0p-53;
}

double Rng::uniform_open() {
  // The top 52 bits plus one half, scaled by 2^-52: (k + 0.5) / 2^52 for k in [0, 2^52), so the
  // smallest value is 2^-53 and the largest 1 - 2^-53 (both exact). Never 0 or 1.
  return (static_cast<double>(next_u64() >> 12) + 0.5) * 0x1.0p-52;
}

double Rng::normal() {
  // Box-Muller, cosine branch only: two draws per value, nothing cached, so every call consumes
  // exactly two u64 outputs and a copy of an Rng never depends on an earlier call's spare.
  const double radius = std::sqrt(-2.0 * std::log(uniform_open()));
  const double angle = 2.0 * std::numbers::pi * uniform();
  return radius * std::cos(angle);
}

double Rng::exponential(double rate) {
  require_positive(rate, "exponential rate");
  return -std::log(uniform_open()) / rate;
}

double Rng::gamma(double shape, double scale) {
  require_positive(shape, "gamma shape");
  require_positive(scale, "gamma scale");
  if (shape < 1.0) {
    // Boost: if X ~ Gamma(shape + 1) and U ~ U(0,1), then X * U^(1/shape) ~ Gamma(shape).
    // X is drawn first, then U. For very small shapes the product may underflow to 0.
    const double x = gamma(shape + 1.0, scale);
    return x * std::pow(uniform_open(), 1.0 / shape);
  }
  // Marsaglia & Tsang (2000), "A simple method for generating gamma variables".
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = normal();
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = uniform_open();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v * scale;
    if (std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v * scale;
  }
}

uint64_t Rng::below(uint64_t n) {
  if (n == 0) throw std::invalid_argument("Rng::below: n must be > 0");
  // Reject the lowest (2^64 mod n) outputs; the remaining range is a multiple of n, so r % n is
  // exactly uniform. (-n) % n == 2^64 mod n in unsigned arithmetic.
  const uint64_t threshold = (0 - n) % n;
  for (;;) {
    const uint64_t r = next_u64();
    if (r >= threshold) return r % n;
  }
}

uint64_t hash_combine(uint64_t a, uint64_t b) {
  // Boost-style combine, finalised by splitmix64's mixer so every input bit reaches every output
  // bit. Not symmetric: hash_combine(a, b) != hash_combine(b, a) in general.
  return mix64(a ^ (b + kGolden + (a << 6) + (a >> 2)));
}

}  // namespace kvsim::workload
