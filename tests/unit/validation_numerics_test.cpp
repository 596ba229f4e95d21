// The validation kernels' number formats (validation/kernels/common/numerics.h), checked against
// their definitions: exhaustive round trips, ties to even at every midpoint, saturation, the
// int4 group grid, and the input generator.

#include <gtest/gtest.h>

#include <cmath>

#include "cpu/tolerance.h"
#include "kernels/common/kv_layout.h"

namespace kvbench {
namespace {

TEST(ValidationNumerics, Bf16RoundsToNearestEven) {
  EXPECT_EQ(f32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(f32_to_bf16(-2.0f), 0xc000);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties to the even 1.0; just above goes up.
  EXPECT_EQ(f32_to_bf16(1.0f + std::ldexp(1.0f, -8)), 0x3f80);
  EXPECT_EQ(f32_to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20)), 0x3f81);
  // 1 + 3 * 2^-8 is halfway between 0x3f81 and 0x3f82: ties to the even 0x3f82.
  EXPECT_EQ(f32_to_bf16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);
  EXPECT_TRUE(std::isnan(bf16_to_f32(f32_to_bf16(NAN))));
  for (uint32_t h = 0; h < 0x10000; ++h) {  // every bf16 value survives a round trip
    const float f = bf16_to_f32(static_cast<uint16_t>(h));
    if (!std::isnan(f)) {
      EXPECT_EQ(f32_to_bf16(f), h);
    }
  }
}

TEST(ValidationNumerics, HalfRoundTripsAndTiesToEven) {
  int checked = 0;
  for (uint32_t h = 0; h < 0x10000; ++h) {
    const float f = f16_to_f32(static_cast<uint16_t>(h));
    if (std::isnan(f)) continue;
    ASSERT_EQ(f32_to_f16(f), h) << h;
    // The midpoint to the next value up (in magnitude) rounds to whichever of the two is even.
    const uint32_t next = h + 1;
    if ((h & 0x7fff) >= 0x7bff) continue;  // last finite value
    const float g = f16_to_f32(static_cast<uint16_t>(next));
    const float mid = static_cast<float>((static_cast<double>(f) + g) / 2);
    ASSERT_EQ(f32_to_f16(mid), (h & 1) ? next : h) << h;
    ++checked;
  }
  EXPECT_GT(checked, 60000);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bff);
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00);  // the midpoint to 2^16 rounds to infinity
  EXPECT_EQ(f16_to_f32(0x0001), std::ldexp(1.0f, -24));
}

TEST(ValidationNumerics, E4m3IsTheOcpFormat) {
  EXPECT_EQ(e4m3_to_f32(0x7e), 448.0f);
  EXPECT_EQ(e4m3_to_f32(0x08), std::ldexp(1.0f, -6));  // smallest normal
  EXPECT_EQ(e4m3_to_f32(0x01), std::ldexp(1.0f, -9));  // smallest subnormal
  EXPECT_EQ(e4m3_to_f32(0x38), 1.0f);
  EXPECT_TRUE(std::isnan(e4m3_to_f32(0x7f)));
  EXPECT_EQ(f32_to_e4m3(1000.0f), 0x7e);  // saturates
  EXPECT_EQ(f32_to_e4m3(-1000.0f), 0xfe);
  int mids = 0;
  for (uint32_t b = 0; b < 0x100; ++b) {
    const float f = e4m3_to_f32(static_cast<uint8_t>(b));
    if (std::isnan(f)) continue;
    ASSERT_EQ(f32_to_e4m3(f), f == 0 && (b & 0x80) ? 0x80 : b) << b;
    if ((b & 0x7f) >= 0x7e) continue;
    const float g = e4m3_to_f32(static_cast<uint8_t>(b + 1));
    const float mid = (f + g) / 2;  // exact in float
    ASSERT_EQ(f32_to_e4m3(mid), (b & 1) ? b + 1 : b) << b;
    ASSERT_EQ(f32_to_e4m3(std::nextafter(mid, (b & 0x80) ? -1e9f : 1e9f)), b + 1) << b;
    ++mids;
  }
  EXPECT_EQ(mids, 2 * 126);
  // The stated fp8 tolerance bounds every quantisation error over a sweep of magnitudes.
  for (int i = 0; i < 20000; ++i) {
    const float x = uniform_pm1(7, static_cast<uint64_t>(i)) * 300.0f;
    const float back = e4m3_to_f32(f32_to_e4m3(x / 2.0f)) * 2.0f;
    ASSERT_LE(std::fabs(back - x), tol::fp8_value(x, 2.0)) << x;
  }
}

TEST(ValidationNumerics, Int4GroupGrid) {
  float vals[kInt4Group];
  for (int trial = 0; trial < 200; ++trial) {
    float lo = INFINITY, hi = -INFINITY;
    for (int j = 0; j < kInt4Group; ++j) {
      vals[j] = round_bf16(uniform_pm1(11, static_cast<uint64_t>(trial * 64 + j)) * (1 + trial));
      lo = std::min(lo, vals[j]);
      hi = std::max(hi, vals[j]);
    }
    const Int4Group g = int4_group_params(lo, hi);
    for (float x : vals) {
      const uint32_t q = int4_quantise(x, g);
      ASSERT_LE(q, 15u);
      const float back = int4_dequantise(q, f16_to_f32(g.scale_f16), f16_to_f32(g.zero_f16));
      ASSERT_LE(std::fabs(back - x), tol::int4_value(lo, hi)) << trial;
    }
  }
  // A constant group quantises to its zero point exactly.
  const Int4Group c = int4_group_params(0.5f, 0.5f);
  EXPECT_EQ(int4_quantise(0.5f, c), 0u);
  EXPECT_EQ(f16_to_f32(c.zero_f16), 0.5f);
}

TEST(ValidationNumerics, GeneratorIsNonZeroUniformAndReproducible) {
  double sum = 0;
  for (uint64_t i = 0; i < 100000; ++i) {
    const float u = uniform_pm1(3, i);
    ASSERT_NE(u, 0.0f);
    ASSERT_GT(u, -1.0f);
    ASSERT_LT(u, 1.0f);
    ASSERT_EQ(u, uniform_pm1(3, i));
    sum += u;
    const float e = e4m3_to_f32(random_e4m3(3, i));
    ASSERT_GE(std::fabs(e), 0.25f);
    ASSERT_LE(std::fabs(e), 2.0f);
  }
  EXPECT_LT(std::fabs(sum / 100000), 0.01);
  EXPECT_NE(uniform_pm1(3, 0), uniform_pm1(4, 0));
}

TEST(ValidationNumerics, GeneratedCacheValuesMatchTheBytes) {
  for (KvDtype dt : {KvDtype::bf16, KvDtype::fp8, KvDtype::int4}) {
    const KvGeom g{dt, 64};
    std::vector<uint8_t> row(static_cast<size_t>(g.data_bytes()));
    std::vector<Int4Group> sc(static_cast<size_t>(g.groups()));
    const int64_t r = 5;
    for (int64_t i = 0; i < g.data_bytes(); ++i)
      row[static_cast<size_t>(i)] = cache_byte(g, 9, r, i);
    for (int64_t i = 0; i < g.groups(); ++i)
      sc[static_cast<size_t>(i)] = cache_group(g, 9, r, i);
    for (int64_t d = 0; d < g.dim; ++d) {
      const float from_memory = dequant_value(g, row.data(), sc.data(), d, 0.5f);
      ASSERT_EQ(from_memory, generated_value(g, 9, r, d, 0.5f)) << to_string(dt) << " " << d;
      ASSERT_NE(from_memory, 0.0f);
    }
  }
}

}  // namespace
}  // namespace kvbench
