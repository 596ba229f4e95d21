#pragma once
// Bit-exact number formats of the validation kernels, identical on host and device: bfloat16,
// IEEE half (int4 scales and zero points), FP8 E4M3 (OCP "FN" variant: bias 7, max 448, no
// infinities, 0x7F/0xFF NaN, saturating conversion as in __nv_cvt_float_to_fp8(..., __NV_SATFINITE,
// __NV_E4M3)), and INT4 with an fp16 scale and zero point per group of 32 values. All float ->
// narrow conversions round to nearest, ties to even.

#include <cmath>

#include "hd.h"

namespace kvbench {

/// KV cache value formats of the kernels (names as the model's precision plug-ins).
enum class KvDtype : int { bf16 = 0, fp8 = 1, int4 = 2 };
inline const char* to_string(KvDtype d) {
  return d == KvDtype::bf16 ? "bf16" : d == KvDtype::fp8 ? "fp8" : "int4";
}

inline constexpr int kInt4Group = 32;  ///< values per int4 scale/zero-point group

// ---- bfloat16 ----

KVB_HD uint16_t f32_to_bf16(float f) {
  uint32_t u = f32_bits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u);  // NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

KVB_HD float bf16_to_f32(uint16_t h) {
  return bits_f32(static_cast<uint32_t>(h) << 16);
}

/// Rounds to the nearest bfloat16 value (what storing to bf16 and reading back gives).
KVB_HD float round_bf16(float f) {
  return bf16_to_f32(f32_to_bf16(f));
}

// Right shift of a 24-bit significand with round-to-nearest-even (shift 1..31).
KVB_HD uint32_t shift_rne(uint32_t m, uint32_t s) {
  if (s > 31) return 0;
  const uint32_t q = m >> s;
  const uint32_t rem = m & ((1u << s) - 1u);
  const uint32_t half = 1u << (s - 1);
  return (rem > half || (rem == half && (q & 1u))) ? q + 1 : q;
}

// ---- IEEE half ----

KVB_HD uint16_t f32_to_f16(float f) {
  const uint32_t x = f32_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u)
    return static_cast<uint16_t>(sign | (ax > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (ax >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520: infinity
  if (ax < 0x38800000u) {                                               // half subnormal or zero
    const uint32_t e = ax >> 23;
    if (e < 101) return static_cast<uint16_t>(sign);
    const uint32_t m = (ax & 0x7fffffu) | 0x800000u;
    return static_cast<uint16_t>(sign | shift_rne(m, 126 - e));
  }
  const uint32_t e = ax - 0x38000000u;  // rebias 127 -> 15
  return static_cast<uint16_t>(sign | ((e + 0xfffu + ((e >> 13) & 1u)) >> 13));
}

KVB_HD float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1fu;
  const uint32_t m = h & 0x3ffu;
  if (e == 0) {
    const float v = static_cast<float>(m) * 5.9604644775390625e-8f;  // m x 2^-24
    return sign ? -v : v;
  }
  if (e == 31) return bits_f32(sign | 0x7f800000u | (m << 13));
  return bits_f32(sign | ((e + 112u) << 23) | (m << 13));
}

// ---- FP8 E4M3 ----

KVB_HD uint8_t f32_to_e4m3(float f) {
  const uint32_t x = f32_bits(f);
  const uint32_t sign = (x >> 24) & 0x80u;
  const uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) return static_cast<uint8_t>(sign | 0x7fu);   // NaN
  if (ax >= 0x43e00000u) return static_cast<uint8_t>(sign | 0x7eu);  // >= 448: saturate
  const uint32_t e = ax >> 23;
  if (e >= 121) {  // normal in E4M3 (2^-6 and up)
    uint32_t v = ((e - 120u) << 3) | ((ax & 0x7fffffu) >> 20);
    const uint32_t rem = ax & 0xfffffu;
    if (rem > 0x80000u || (rem == 0x80000u && (v & 1u))) ++v;
    return static_cast<uint8_t>(sign | v);
  }
  if (e < 116) return static_cast<uint8_t>(sign);  // below half the smallest subnormal
  const uint32_t m = (ax & 0x7fffffu) | 0x800000u;
  return static_cast<uint8_t>(sign | shift_rne(m, 141 - e));  // units of 2^-9
}

KVB_HD float e4m3_to_f32(uint8_t b) {
  const uint32_t sign = static_cast<uint32_t>(b & 0x80u) << 24;
  const uint32_t e = (b >> 3) & 0xfu;
  const uint32_t m = b & 0x7u;
  if (e == 15 && m == 7) return bits_f32(0x7fc00000u | sign);
  if (e == 0) {
    const float v = static_cast<float>(m) * 0.001953125f;  // m x 2^-9
    return sign ? -v : v;
  }
  return bits_f32(sign | ((e + 120u) << 23) | (m << 20));
}

// ---- INT4 groups: value = q * scale + zero, q in 0..15, scale and zero stored as fp16 ----

struct Int4Group {
  uint16_t scale_f16;
  uint16_t zero_f16;
};

/// Scale and zero point of a group with values in [lo, hi]: zero = lo, scale = (hi - lo) / 15,
/// both rounded to fp16 (a constant group gets scale 1, so every value quantises to q = 0).
KVB_HD Int4Group int4_group_params(float lo, float hi) {
  float scale = (hi - lo) / 15.0f;
  if (!(scale > 0.0f)) scale = 1.0f;
  return {f32_to_f16(scale), f32_to_f16(lo)};
}

/// Quantises with the fp16-rounded scale and zero, so dequantisation reproduces the stored grid.
KVB_HD uint32_t int4_quantise(float x, Int4Group g) {
  const float scale = f16_to_f32(g.scale_f16), zero = f16_to_f32(g.zero_f16);
  const float q = rintf((x - zero) / scale);
  return q <= 0.0f ? 0u : q >= 15.0f ? 15u : static_cast<uint32_t>(q);
}

KVB_HD float int4_dequantise(uint32_t q, float scale, float zero) {
  return static_cast<float>(q) * scale + zero;
}

/// Nibble `i` of a packed int4 row (value 2j in the low nibble of byte j, 2j+1 in the high one).
KVB_HD uint32_t int4_nibble(const uint8_t* row, int64_t i) {
  return (row[i >> 1] >> ((i & 1) * 4)) & 0xfu;
}

}  // namespace kvbench
