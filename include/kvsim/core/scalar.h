#pragma once
// Strict conversion of scalar text: a number must consume the whole text, be finite and in range.
// "12abc", "nan", ".inf", "0x10", quoted "12" are all rejected (DRAMsim3 / ramulator lesson).

#include <cstdint>
#include <optional>
#include <string_view>

namespace kvsim::core {

/// The value of `text` as a finite decimal number, or nullopt.
std::optional<double> parse_double(std::string_view text);
/// The value of `text` as an integer. Accepts plain integers and integral decimal forms such as
/// "1e6" or "4096.0" when exactly representable; nullopt otherwise (fractions, overflow, junk).
std::optional<int64_t> parse_int64(std::string_view text);
/// "true"/"false" only (YAML 1.2 core schema, plus True/False/TRUE/FALSE spellings).
std::optional<bool> parse_bool(std::string_view text);

}  // namespace kvsim::core
