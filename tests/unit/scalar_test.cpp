#include "kvsim/core/scalar.h"

#include <gtest/gtest.h>

namespace kvsim::core {
namespace {

TEST(ParseDouble, AcceptsDecimalForms) {
  EXPECT_EQ(parse_double("3.35"), 3.35);
  EXPECT_EQ(parse_double("-1e-5"), -1e-5);
  EXPECT_EQ(parse_double("+2"), 2.0);
  EXPECT_EQ(parse_double(".5"), 0.5);
}

TEST(ParseDouble, RejectsJunkAndNonFinite) {
  for (const char* bad : {"12abc", "nan", "NaN", ".nan", "inf", ".inf", "-.inf", "0x10", "", "1e",
                          "1e400", "--1", "1.2.3", " 1"}) {
    EXPECT_FALSE(parse_double(bad).has_value()) << bad;
  }
}

TEST(ParseInt64, AcceptsIntegersAndIntegralDecimals) {
  EXPECT_EQ(parse_int64("131072"), 131072);
  EXPECT_EQ(parse_int64("-7"), -7);
  EXPECT_EQ(parse_int64("1e6"), 1000000);
  EXPECT_EQ(parse_int64("4096.0"), 4096);
}

TEST(ParseInt64, RejectsFractionsOverflowAndJunk) {
  for (const char* bad : {"1.5", "99999999999999999999", "1e30", "12abc", "", "nan"}) {
    EXPECT_FALSE(parse_int64(bad).has_value()) << bad;
  }
}

TEST(ParseBool, OnlyTrueAndFalse) {
  EXPECT_EQ(parse_bool("true"), true);
  EXPECT_EQ(parse_bool("False"), false);
  EXPECT_FALSE(parse_bool("yes").has_value());
  EXPECT_FALSE(parse_bool("1").has_value());
}

}  // namespace
}  // namespace kvsim::core
