// `host`: offload KV blocks to host DRAM over PCIe (or C2C). Capacity and bandwidth default to the
// hardware profile's host memory level.
#include "kvsim/kv/offload_tier.h"

namespace kvsim::kv {
namespace {

KVSIM_REGISTER(Tier, "host", "host DRAM offload (capacity_gib, bandwidth_gb_s; profile defaults)",
               [](core::MapReader& p) { return OffloadTier::make(p, "host", false); });

}  // namespace
}  // namespace kvsim::kv
