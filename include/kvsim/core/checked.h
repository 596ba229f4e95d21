#pragma once
// 64-bit arithmetic that reports overflow instead of wrapping. Sizes derived from user input
// (batch x context x bytes per token) go through these; an overflow is an input error.

#include <cstdint>
#include <stdexcept>
#include <string>

namespace kvsim::core {

/// Thrown on overflow; `what()` describes the quantity. Callers that know which inputs produced
/// it (flags, keys) rethrow it as an InputError naming them.
class OverflowError : public std::overflow_error {
 public:
  using std::overflow_error::overflow_error;
};

int64_t checked_mul(int64_t a, int64_t b, const char* what);
int64_t checked_add(int64_t a, int64_t b, const char* what);
/// Round a non-negative double to int64, failing if it does not fit.
int64_t checked_round(double v, const char* what);
/// Ceiling division for non-negative a and positive b.
constexpr int64_t ceil_div(int64_t a, int64_t b) {
  return a / b + (a % b != 0 ? 1 : 0);
}

}  // namespace kvsim::core
