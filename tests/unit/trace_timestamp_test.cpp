// Exact timestamp parsing: every expected value below was computed independently (Python's
// datetime, UTC) and is compared to the nanosecond.

#include <gtest/gtest.h>

#include <limits>
#include <string>

#include "kvsim/workload/timestamp.h"

namespace kvsim::workload {
namespace {

int64_t ns(std::string_view text) {
  std::string error;
  const std::optional<int64_t> v = parse_timestamp_ns(text, &error);
  EXPECT_TRUE(v.has_value()) << text << ": " << error;
  return v.value_or(0);
}

std::string error_of(std::string_view text) {
  std::string error;
  const std::optional<int64_t> v = parse_timestamp_ns(text, &error);
  EXPECT_FALSE(v.has_value()) << text << " parsed as " << v.value_or(0);
  return error;
}

TEST(DaysFromCivil, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(days_from_civil(2023, 11, 16), 19677);
  EXPECT_EQ(days_from_civil(2024, 5, 10), 19853);
  EXPECT_EQ(days_from_civil(1600, 1, 1), -135140);
}

TEST(LeapYears, GregorianRules) {
  EXPECT_TRUE(is_leap_year(2024));
  EXPECT_TRUE(is_leap_year(2000));
  EXPECT_FALSE(is_leap_year(1900));
  EXPECT_FALSE(is_leap_year(2023));
  EXPECT_EQ(days_in_month(2024, 2), 29);
  EXPECT_EQ(days_in_month(2100, 2), 28);
  EXPECT_EQ(days_in_month(2023, 4), 30);
}

TEST(ParseTimestamp, Azure2023SevenFractionalDigits) {
  EXPECT_EQ(ns("2023-11-16 18:15:46.6805900"), 1700158546680590000);
  EXPECT_EQ(ns("2023-11-16 18:15:46.6805901"), 1700158546680590100);
}

TEST(ParseTimestamp, Azure2024MicrosecondsAndOffset) {
  EXPECT_EQ(ns("2024-05-10 00:00:00.004000+00:00"), 1715299200004000000);
  EXPECT_EQ(ns("2024-05-10 00:00:01+00:00"), 1715299201000000000);
}

TEST(ParseTimestamp, AnyNumberOfFractionalDigitsUpToNine) {
  EXPECT_EQ(ns("1970-01-01 00:00:00"), 0);
  EXPECT_EQ(ns("1970-01-01 00:00:00.5"), 500000000);
  EXPECT_EQ(ns("1970-01-01 00:00:00.12"), 120000000);
  EXPECT_EQ(ns("1970-01-01 00:00:00.000000001"), 1);
  EXPECT_EQ(ns("1970-01-01 00:00:00.123456789"), 123456789);
}

TEST(ParseTimestamp, ZonesAndSeparators) {
  const int64_t utc = 1715299200000000000;  // 2024-05-10 00:00:00 UTC
  EXPECT_EQ(ns("2024-05-10T00:00:00Z"), utc);
  EXPECT_EQ(ns("2024-05-10 00:00:00Z"), utc);
  EXPECT_EQ(ns("2024-05-10 02:00:00+02:00"), utc);
  EXPECT_EQ(ns("2024-05-09 19:30:00-04:30"), utc);
  EXPECT_EQ(ns("2024-05-10T00:00:00.25-00:00"), utc + 250000000);
}

TEST(ParseTimestamp, LeapYearsAndBeforeTheEpoch) {
  EXPECT_EQ(ns("2024-02-29 23:59:59"), 1709251199000000000);
  EXPECT_EQ(ns("2000-02-29 12:00:00"), 951825600000000000);
  EXPECT_EQ(ns("1969-12-31 23:59:59.5"), -500000000);
  EXPECT_EQ(ns("1900-03-01 00:00:00"), -2203891200000000000);
}

TEST(ParseTimestamp, EdgesOfTheInt64Range) {
  EXPECT_EQ(ns("2262-04-11 23:47:16.854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ns("1677-09-21 00:12:43.145224192"), std::numeric_limits<int64_t>::min());
  EXPECT_NE(error_of("2262-04-11 23:47:16.854775808").find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("1677-09-21 00:12:43.145224191").find("outside the range"), std::string::npos);
  EXPECT_NE(error_of("9999-12-31 23:59:59").find("outside the range"), std::string::npos);
}

TEST(ParseTimestamp, ImpossibleDatesAndTimesSayWhy) {
  EXPECT_EQ(error_of("2023-02-29 00:00:00"), "day 29 does not exist in 2023-02, which has 28 days");
  EXPECT_EQ(error_of("1900-02-29 00:00:00"), "day 29 does not exist in 1900-02, which has 28 days");
  EXPECT_EQ(error_of("2024-04-31 00:00:00"), "day 31 does not exist in 2024-04, which has 30 days");
  EXPECT_EQ(error_of("2024-00-10 00:00:00"), "month 0 is out of range 1-12");
  EXPECT_EQ(error_of("2024-13-10 00:00:00"), "month 13 is out of range 1-12");
  EXPECT_EQ(error_of("2024-05-00 00:00:00"), "day 0 does not exist in 2024-05, which has 31 days");
  EXPECT_EQ(error_of("2024-05-10 24:00:00"), "hour 24 is out of range 0-23");
  EXPECT_EQ(error_of("2024-05-10 23:60:00"), "minute 60 is out of range 0-59");
  EXPECT_NE(error_of("2024-05-10 23:59:60").find("second 60 is out of range 0-59"),
            std::string::npos);
  EXPECT_EQ(error_of("2024-05-10 00:00:00+24:00"), "zone offset hours 24 are out of range 00-23");
  EXPECT_EQ(error_of("2024-05-10 00:00:00+01:60"), "zone offset minutes 60 are out of range 00-59");
}

TEST(ParseTimestamp, MalformedTextSaysWhereAndWhatWasExpected) {
  EXPECT_NE(error_of("").find("the year must be 4 digits at character 1"), std::string::npos);
  EXPECT_NE(error_of("24-05-10 00:00:00").find("the year must be 4 digits"), std::string::npos);
  EXPECT_NE(error_of("2024/05/10 00:00:00").find("expected '-' after the year at character 5"),
            std::string::npos);
  EXPECT_NE(error_of("2024-05-10").find("a space or 'T' between date and time"), std::string::npos);
  EXPECT_NE(error_of("2024-05-10 0:00:00").find("the hour must be 2 digits"), std::string::npos);
  EXPECT_NE(error_of("2024-05-10 00:00:00.").find("digits expected after '.'"), std::string::npos);
  EXPECT_EQ(error_of("2024-05-10 00:00:00.1234567890"),
            "more than 9 fractional digits (finer than a nanosecond)");
  EXPECT_NE(error_of("2024-05-10 00:00:00 UTC").find("unexpected text after the time"),
            std::string::npos);
  EXPECT_NE(error_of("2024-05-10 00:00:00+0000").find("':' in the zone offset"), std::string::npos);
  EXPECT_NE(error_of("2024-05-10 00:00:00Zjunk").find("unexpected text after the timestamp"),
            std::string::npos);
}

TEST(ParseTimestamp, ErrorArgumentIsOptional) {
  EXPECT_FALSE(parse_timestamp_ns("garbage").has_value());
  EXPECT_EQ(parse_timestamp_ns("1970-01-01 00:00:01"), 1000000000);
}

}  // namespace
}  // namespace kvsim::workload
