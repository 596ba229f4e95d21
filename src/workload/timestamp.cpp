#include "kvsim/workload/timestamp.h"

#include <fmt/format.h>

namespace kvsim::workload {
namespace {

constexpr std::string_view kShape = "YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]";

// A left-to-right reader of the text. Every read returns false on a mismatch and leaves the
// reason in `error`.
class Cursor {
 public:
  Cursor(std::string_view text, std::string& error) : text_(text), error_(error) {}

  bool at_end() const { return pos_ == text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  bool is_digit() const { return peek() >= '0' && peek() <= '9'; }
  void advance() { ++pos_; }

  /// Exactly `n` decimal digits as a number.
  bool digits(int n, int& value, std::string_view what) {
    value = 0;
    for (int i = 0; i < n; ++i) {
      if (!is_digit()) return shape_error(fmt::format("{} must be {} digits", what, n));
      value = value * 10 + (peek() - '0');
      advance();
    }
    return true;
  }

  bool literal(char c, std::string_view what) {
    if (peek() != c) return shape_error(fmt::format("expected {}", what));
    advance();
    return true;
  }

  bool shape_error(std::string_view what) {
    error_ = fmt::format("{} at character {} (expected {})", what, pos_ + 1, kShape);
    return false;
  }

  bool error(std::string message) {
    error_ = std::move(message);
    return false;
  }

 private:
  std::string_view text_;
  std::string& error_;
  size_t pos_ = 0;
};

// After a '.': 1 to 9 digits, scaled to nanoseconds.
bool read_fraction(Cursor& c, int64_t& frac_ns) {
  int n = 0;
  for (; c.is_digit(); ++n, c.advance()) {
    if (n == 9) return c.error("more than 9 fractional digits (finer than a nanosecond)");
    frac_ns = frac_ns * 10 + (c.peek() - '0');
  }
  if (n == 0) return c.shape_error("digits expected after '.'");
  for (; n < 9; ++n)
    frac_ns *= 10;
  return true;
}

// The zone suffix as seconds east of UTC: 'Z', "+HH:MM", "-HH:MM", or nothing.
bool read_zone(Cursor& c, int64_t& offset_s) {
  if (c.at_end()) return true;
  if (c.peek() == 'Z') {
    c.advance();
    return true;
  }
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return c.shape_error("unexpected text after the time");
  c.advance();
  int hours = 0;
  int minutes = 0;
  if (!c.digits(2, hours, "zone hours") || !c.literal(':', "':' in the zone offset") ||
      !c.digits(2, minutes, "zone minutes")) {
    return false;
  }
  if (hours > 23) return c.error(fmt::format("zone offset hours {} are out of range 00-23", hours));
  if (minutes > 59) {
    return c.error(fmt::format("zone offset minutes {} are out of range 00-59", minutes));
  }
  offset_s = (sign == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
  return true;
}

bool parse(std::string_view text, int64_t& ns, std::string& error) {
  Cursor c(text, error);
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!c.digits(4, year, "the year") || !c.literal('-', "'-' after the year") ||
      !c.digits(2, month, "the month") || !c.literal('-', "'-' after the month") ||
      !c.digits(2, day, "the day")) {
    return false;
  }
  if (c.peek() == 'T') {
    c.advance();
  } else if (!c.literal(' ', "a space or 'T' between date and time")) {
    return false;
  }
  if (!c.digits(2, hour, "the hour") || !c.literal(':', "':' after the hour") ||
      !c.digits(2, minute, "the minutes") || !c.literal(':', "':' after the minutes") ||
      !c.digits(2, second, "the seconds")) {
    return false;
  }
  int64_t frac_ns = 0;
  if (c.peek() == '.') {
    c.advance();
    if (!read_fraction(c, frac_ns)) return false;
  }
  int64_t offset_s = 0;
  if (!read_zone(c, offset_s)) return false;
  if (!c.at_end()) return c.shape_error("unexpected text after the timestamp");

  if (month < 1 || month > 12) return c.error(fmt::format("month {} is out of range 1-12", month));
  if (day < 1 || day > days_in_month(year, month)) {
    return c.error(fmt::format("day {} does not exist in {:04}-{:02}, which has {} days", day, year,
                               month, days_in_month(year, month)));
  }
  if (hour > 23) return c.error(fmt::format("hour {} is out of range 0-23", hour));
  if (minute > 59) return c.error(fmt::format("minute {} is out of range 0-59", minute));
  if (second > 59) {
    return c.error(
        fmt::format("second {} is out of range 0-59 (leap seconds are not supported)", second));
  }

  // |seconds| < 4e11 for 4-digit years, so only the scaling to nanoseconds can overflow. Before
  // the epoch the fraction is borrowed from the next second, so that the earliest representable
  // instant (INT64_MIN ns, whose whole second alone would be out of range) still parses.
  int64_t seconds =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_s;
  constexpr int64_t kNsPerS = 1'000'000'000;
  if (seconds < 0 && frac_ns > 0) {
    seconds += 1;
    frac_ns -= kNsPerS;
  }
  if (__builtin_mul_overflow(seconds, kNsPerS, &ns) || __builtin_add_overflow(ns, frac_ns, &ns)) {
    return c.error("outside the range of 64-bit nanoseconds since 1970 (1677-09-21 to 2262-04-11)");
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_timestamp_ns(std::string_view text, std::string* error) {
  int64_t ns = 0;
  std::string reason;
  if (parse(text, ns, reason)) return ns;
  if (error) *error = std::move(reason);
  return std::nullopt;
}

}  // namespace kvsim::workload
