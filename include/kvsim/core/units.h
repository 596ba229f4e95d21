#pragma once
// Unit constants and human formatting. Sizes are bytes in int64_t; rates are bytes/s in double.

#include <cstdint>
#include <string>

namespace kvsim::core {

inline constexpr int64_t kKiB = int64_t{1} << 10;
inline constexpr int64_t kMiB = int64_t{1} << 20;
inline constexpr int64_t kGiB = int64_t{1} << 30;
inline constexpr double kGB = 1e9;  ///< decimal gigabyte (bandwidths, vendor capacities)
inline constexpr double kTB = 1e12;

/// 327680 -> "327,680".
std::string group_digits(int64_t v);
/// Binary units with two decimals: 85899345920 -> "80.00 GiB"; below 1 KiB -> "512 B".
std::string format_bytes(int64_t bytes);
/// GiB with two decimals, no unit ("79.65").
std::string format_gib(int64_t bytes);

}  // namespace kvsim::core
