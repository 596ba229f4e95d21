#include "kvsim/core/checked.h"

#include <cmath>

namespace kvsim::core {

int64_t checked_mul(int64_t a, int64_t b, const char* what) {
  int64_t r = 0;
  if (__builtin_mul_overflow(a, b, &r))
    throw OverflowError(std::string(what) + " overflows 64 bits");
  return r;
}

int64_t checked_add(int64_t a, int64_t b, const char* what) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r))
    throw OverflowError(std::string(what) + " overflows 64 bits");
  return r;
}

int64_t checked_round(double v, const char* what) {
  if (!std::isfinite(v) || std::fabs(v) >= 9.2e18) {
    throw OverflowError(std::string(what) + " overflows 64 bits");
  }
  return static_cast<int64_t>(std::llround(v));
}

}  // namespace kvsim::core
