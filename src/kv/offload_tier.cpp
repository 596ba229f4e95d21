#include "kvsim/kv/offload_tier.h"

#include <fmt/format.h>

#include "kvsim/core/units.h"

namespace kvsim::kv {

OffloadTier::OffloadTier(std::string name, std::optional<double> capacity_gib,
                         std::optional<double> bandwidth_gb_s, std::optional<double> latency_us)
    : name_(std::move(name)),
      capacity_gib_(capacity_gib),
      bandwidth_gb_s_(bandwidth_gb_s),
      latency_us_(latency_us) {}

std::string OffloadTier::describe() const {
  std::string args;
  if (capacity_gib_) args += fmt::format("capacity_gib={}", *capacity_gib_);
  if (bandwidth_gb_s_)
    args += fmt::format("{}bandwidth_gb_s={}", args.empty() ? "" : ", ", *bandwidth_gb_s_);
  return args.empty() ? name_ : name_ + "(" + args + ")";
}

TierSpec OffloadTier::resolve(const hw::HardwareProfile& hw) const {
  TierSpec t;
  t.name = name_;
  if ((!capacity_gib_ || !bandwidth_gb_s_) && !hw.host.present) {
    throw std::invalid_argument(fmt::format(
        "tier '{}': hardware '{}' has no host memory level; give capacity_gib and bandwidth_gb_s",
        name_, hw.name));
  }
  t.capacity_bytes = capacity_gib_
                         ? static_cast<int64_t>(*capacity_gib_ * static_cast<double>(core::kGiB))
                         : hw.host.capacity_bytes;
  t.bandwidth_bytes_s = bandwidth_gb_s_ ? *bandwidth_gb_s_ * core::kGB
                                        : hw.host.bandwidth_bytes_s * hw.efficiency.host;
  t.latency_s = latency_us_ ? *latency_us_ * 1e-6 : hw.host.latency_s;
  return t;
}

std::unique_ptr<Tier> OffloadTier::make(core::MapReader& p, std::string name, bool required) {
  // At most 1 PiB, so that the byte count (and tokens derived from it) stays far from overflow.
  auto cap = p.maybe_number("capacity_gib", core::Range{0, 1024.0 * 1024.0, true});
  auto bw = p.maybe_number("bandwidth_gb_s", core::Range::positive());
  auto lat = p.maybe_number("latency_us", core::Range::non_negative());
  if (required && !cap) p.require("capacity_gib");
  if (required && !bw) p.require("bandwidth_gb_s");
  return std::make_unique<OffloadTier>(std::move(name), cap, bw, lat);
}

}  // namespace kvsim::kv
