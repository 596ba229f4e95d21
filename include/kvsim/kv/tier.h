#pragma once
// Question 6: where KV blocks live and what moving them costs.

#include <cstdint>
#include <string>

#include "kvsim/core/registry.h"
#include "kvsim/hw/hardware_profile.h"

namespace kvsim::kv {

struct TierSpec {
  std::string name;
  int64_t capacity_bytes = 0;    ///< per GPU; for hbm, 0 = the KV budget left in device memory
  double bandwidth_bytes_s = 0;  ///< to/from the GPU, one direction, achievable
  double latency_s = 0;
};

class Tier {
 public:
  static constexpr const char* kQuestion = "tier";
  virtual ~Tier() = default;
  virtual std::string name() const = 0;
  virtual std::string describe() const = 0;
  virtual TierSpec resolve(const hw::HardwareProfile& hw) const = 0;
};

}  // namespace kvsim::kv
