#pragma once
// Inputs of the validation kernels are pure functions of (seed, index): the device fills its
// buffers with them and the host regenerates any element for the reference check without copying
// the buffer back. Every generated value is non-zero.

#include "numerics.h"

namespace kvbench {

/// splitmix64 finaliser over (seed, index).
KVB_HD uint64_t mix64(uint64_t seed, uint64_t i) {
  uint64_t z = i + seed * 0xd1b54a32d192ed03ull + 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/// Uniform in (-1, 1), an odd multiple of 2^-24: exact in float, never zero.
KVB_HD float uniform_pm1(uint64_t seed, uint64_t i) {
  const int32_t k = static_cast<int32_t>(mix64(seed, i) >> 40);  // 24 random bits
  return static_cast<float>(2 * k + 1 - (1 << 24)) * 5.9604644775390625e-8f;
}

/// Uniform in [0.5, 1.5): the positive inputs of the stream kernels (sums without cancellation).
KVB_HD float uniform_pos(uint64_t seed, uint64_t i) {
  return 1.0f + 0.5f * uniform_pm1(seed, i);
}

/// A bf16 input value, uniform in (-amp, amp) before rounding.
KVB_HD uint16_t random_bf16(uint64_t seed, uint64_t i, float amp) {
  return f32_to_bf16(amp * uniform_pm1(seed, i));
}

/// An FP8 E4M3 byte of magnitude in [0.25, 2) (never zero, never NaN).
KVB_HD uint8_t random_e4m3(uint64_t seed, uint64_t i) {
  const float u = uniform_pm1(seed, i);
  const float mag = 0.25f + 1.75f * (u < 0 ? -u : u);
  return f32_to_e4m3(u < 0 ? -mag : mag);
}

/// A byte of two random int4 nibbles.
KVB_HD uint8_t random_int4_pair(uint64_t seed, uint64_t i) {
  return static_cast<uint8_t>(mix64(seed, i) >> 56);
}

/// A random int4 group: scale in [1/15, 1/10), zero in (-1, -0.5), so values q * scale + zero
/// span about (-1, 1).
KVB_HD Int4Group random_int4_group(uint64_t seed, uint64_t i) {
  const float a = uniform_pm1(seed, 2 * i), b = uniform_pm1(seed, 2 * i + 1);
  const float scale = (2.0f + (a < 0 ? -a : a) * 1.0f) / 30.0f;
  const float zero = -0.75f + 0.25f * b;
  return {f32_to_f16(scale), f32_to_f16(zero)};
}

}  // namespace kvbench
