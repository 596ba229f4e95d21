// `hbm`: KV in device memory, the space left after weights, activations and runtime reserve.
#include "kvsim/kv/tier.h"

namespace kvsim::kv {
namespace {

class HbmTier : public Tier {
 public:
  std::string name() const override { return "hbm"; }
  std::string describe() const override { return "hbm"; }
  TierSpec resolve(const hw::HardwareProfile& hw) const override {
    return TierSpec{"hbm", 0, hw.hbm.bandwidth_bytes_s * hw.efficiency.hbm, hw.hbm.latency_s};
  }
};

KVSIM_REGISTER(Tier, "hbm", "device memory (always present)",
               [](core::MapReader&) { return std::make_unique<HbmTier>(); });

}  // namespace
}  // namespace kvsim::kv
