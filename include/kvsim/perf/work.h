#pragma once
// What an operator costs before it is turned into time: floating-point work per engine and dtype,
// bytes moved at each memory level, bytes over each link, and kernel launches. The simulator,
// `kvsim predict` and the CUDA validation harness all count an operator's work with the same
// functions, so predicted and measured bytes are counted one way.

#include <array>
#include <cstddef>

#include "kvsim/hw/hardware_profile.h"

namespace kvsim::perf {

enum class Level { hbm, l2, smem, host };
inline constexpr std::array<Level, 4> kLevels = {Level::hbm, Level::l2, Level::smem, Level::host};
const char* to_string(Level l);

enum class LinkKind { scale_up, pcie };
const char* to_string(LinkKind l);

struct Work {
  /// flops[engine][dtype]: operations (FLOP, or OP for int8), counted as executed (padding
  /// included).
  std::array<std::array<double, 5>, 2> flops{};
  std::array<double, 4> bytes{};       ///< bytes per memory level
  std::array<double, 2> link_bytes{};  ///< bytes over each link (per GPU, one direction)
  double link_latency_hops = 0;        ///< sequential link latencies paid (collective steps)
  double launches = 0;                 ///< kernel launches

  double& flop(hw::Engine e, hw::Dtype d) {
    return flops[static_cast<size_t>(e)][static_cast<size_t>(d)];
  }
  double flop(hw::Engine e, hw::Dtype d) const {
    return flops[static_cast<size_t>(e)][static_cast<size_t>(d)];
  }
  double& level(Level l) { return bytes[static_cast<size_t>(l)]; }
  double level(Level l) const { return bytes[static_cast<size_t>(l)]; }
  double& link(LinkKind k) { return link_bytes[static_cast<size_t>(k)]; }
  double link(LinkKind k) const { return link_bytes[static_cast<size_t>(k)]; }

  double total_flops() const;
  Work& operator+=(const Work& o);
  Work operator*(double scale) const;
};

}  // namespace kvsim::perf
