#include "kvsim/core/units.h"

#include <fmt/format.h>

#include <cstdlib>

namespace kvsim::core {

std::string group_digits(int64_t v) {
  const bool negative = v < 0;
  std::string digits = fmt::format("{}", v);
  if (negative) digits.erase(0, 1);
  std::string out;
  const size_t n = digits.size();
  for (size_t i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i + 1 < n) out += ',';
  }
  return negative ? "-" + out : out;
}

std::string format_bytes(int64_t bytes) {
  const double b = static_cast<double>(bytes);
  const double a = std::abs(b);
  if (a >= static_cast<double>(kGiB))
    return fmt::format("{:.2f} GiB", b / static_cast<double>(kGiB));
  if (a >= static_cast<double>(kMiB))
    return fmt::format("{:.2f} MiB", b / static_cast<double>(kMiB));
  if (a >= static_cast<double>(kKiB))
    return fmt::format("{:.2f} KiB", b / static_cast<double>(kKiB));
  return fmt::format("{} B", bytes);
}

std::string format_gib(int64_t bytes) {
  return fmt::format("{:.2f}", static_cast<double>(bytes) / static_cast<double>(kGiB));
}

}  // namespace kvsim::core
