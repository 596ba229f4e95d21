// `nvme`: offload KV blocks to local NVMe (e.g. LMCache, Mooncake store). No defaults: drives vary.
#include "kvsim/kv/offload_tier.h"

namespace kvsim::kv {
namespace {

KVSIM_REGISTER(Tier, "nvme", "NVMe offload (capacity_gib and bandwidth_gb_s required)",
               [](core::MapReader& p) { return OffloadTier::make(p, "nvme", true); });

}  // namespace
}  // namespace kvsim::kv
