#pragma once
// Shared by the host and nvme tiers: a capacity and a link, each from the spec or a default.

#include <optional>

#include "kvsim/kv/tier.h"

namespace kvsim::kv {

class OffloadTier : public Tier {
 public:
  OffloadTier(std::string name, std::optional<double> capacity_gib,
              std::optional<double> bandwidth_gb_s, std::optional<double> latency_us);
  std::string name() const override { return name_; }
  std::string describe() const override;
  /// Missing values come from the profile's host memory (host tier); nvme has no defaults.
  TierSpec resolve(const hw::HardwareProfile& hw) const override;

  /// Reads capacity_gib / bandwidth_gb_s / latency_us; `required` makes the first two mandatory.
  static std::unique_ptr<Tier> make(core::MapReader& p, std::string name, bool required);

 private:
  std::string name_;
  std::optional<double> capacity_gib_, bandwidth_gb_s_, latency_us_;
};

}  // namespace kvsim::kv
