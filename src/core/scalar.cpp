#include "kvsim/core/scalar.h"

#include <charconv>
#include <cmath>

namespace kvsim::core {
namespace {

// Decimal number grammar: [+-]? digits? ('.' digits?)? ([eE] [+-]? digits)? with at least one
// digit.
bool is_decimal_number(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
  size_t mantissa_digits = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9')
    ++i, ++mantissa_digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
      ++i, ++mantissa_digits;
  }
  if (mantissa_digits == 0) return false;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
      ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == t.size();
}

}  // namespace

std::optional<double> parse_double(std::string_view text) {
  if (!is_decimal_number(text)) return std::nullopt;
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<int64_t> parse_int64(std::string_view text) {
  std::string_view t = text;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec == std::errc() && ptr == t.data() + t.size() && !t.empty()) return v;
  if (ec == std::errc::result_out_of_range) return std::nullopt;
  std::optional<double> d = parse_double(text);
  if (!d || std::trunc(*d) != *d || std::fabs(*d) > 9007199254740992.0) return std::nullopt;
  return static_cast<int64_t>(*d);
}

std::optional<bool> parse_bool(std::string_view text) {
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  return std::nullopt;
}

}  // namespace kvsim::core
