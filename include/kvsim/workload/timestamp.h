#pragma once
// Exact wall-clock timestamps for trace readers: "YYYY-MM-DD HH:MM:SS[.fraction][zone]" to int64
// nanoseconds since 1970-01-01 00:00:00 UTC, computed on the proleptic Gregorian calendar with
// integer arithmetic only (no locale, no time zone database, no floating point).
//
// Accepted: a space or 'T' between date and time; 0 to 9 fractional digits after a '.'; a zone of
// 'Z', "+HH:MM" or "-HH:MM" (HH 00-23, MM 00-59), or none (the time is then taken as UTC).
// Rejected, with a reason: any other shape, impossible dates (2023-02-29, 2024-04-31) and times
// (hour 24, minute or second 60: leap seconds are not representable), more than 9 fractional
// digits, and instants outside the int64 nanosecond range (about 1677-09-21 to 2262-04-11).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvsim::workload {

/// True for Gregorian leap years (divisible by 4, except centuries not divisible by 400).
constexpr bool is_leap_year(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/// Days in `month` (1-12) of `year`.
constexpr int days_in_month(int64_t year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

/// Days from 1970-01-01 to year-month-day (negative before it). `month` 1-12, `day` 1-31; the
/// date is not validated here.
constexpr int64_t days_from_civil(int64_t year, int month, int day) {
  // Shift the year to start in March so the leap day is the last day of the shifted year.
  const int64_t y = month <= 2 ? year - 1 : year;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;                        // [0, 399]
  const int64_t shifted_month = month > 2 ? month - 3 : month + 9;  // March = 0
  const int64_t day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

/// Nanoseconds since the Unix epoch of `text` (the format above). On failure returns nullopt and,
/// when `error` is given, stores why ("month 13 is out of range 1-12", ...).
std::optional<int64_t> parse_timestamp_ns(std::string_view text, std::string* error = nullptr);

}  // namespace kvsim::workload
