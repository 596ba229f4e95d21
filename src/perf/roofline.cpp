#include "kvsim/perf/roofline.h"

#include <algorithm>

namespace kvsim::perf {

const char* to_string(Bound b) {
  switch (b) {
    case Bound::tensor:
      return "tensor";
    case Bound::cuda_core:
      return "cuda_core";
    case Bound::hbm:
      return "hbm";
    case Bound::l2:
      return "l2";
    case Bound::smem:
      return "smem";
    case Bound::host:
      return "host";
    case Bound::link:
      return "link";
    case Bound::launch:
      return "launch";
    case Bound::overhead:
      return "overhead";
  }
  return "?";
}

namespace {

double efficiency_of(const std::map<hw::Dtype, double>& table, hw::Dtype d) {
  auto it = table.find(d);
  return it == table.end() ? 1.0 : it->second;
}

}  // namespace

double achievable_flops(const hw::HardwareProfile& hw, hw::Engine e, hw::Dtype d) {
  const auto& eff = e == hw::Engine::tensor ? hw.efficiency.tensor : hw.efficiency.cuda_core;
  for (hw::Dtype candidate : {d, hw::Dtype::bf16, hw::Dtype::fp32}) {
    const double peak = hw.peak_flops(e, candidate);
    if (peak > 0) return peak * efficiency_of(eff, candidate);
  }
  return 0;
}

double achievable_bandwidth(const hw::HardwareProfile& hw, Level l) {
  switch (l) {
    case Level::hbm:
      return hw.hbm.bandwidth_bytes_s * hw.efficiency.hbm;
    case Level::l2:
      return (hw.l2.present ? hw.l2.bandwidth_bytes_s : hw.hbm.bandwidth_bytes_s) *
             hw.efficiency.l2;
    case Level::smem:
      return (hw.smem.present ? hw.smem.bandwidth_bytes_s : hw.hbm.bandwidth_bytes_s) *
             hw.efficiency.smem;
    case Level::host:
      return (hw.host.present ? hw.host.bandwidth_bytes_s : hw.pcie.per_direction_bytes_s) *
             hw.efficiency.host;
  }
  return 0;
}

double achievable_link_bandwidth(const hw::HardwareProfile& hw, LinkKind k) {
  if (k == LinkKind::scale_up && hw.scale_up.present) {
    return hw.scale_up.per_direction_bytes_s * hw.efficiency.scale_up;
  }
  return hw.pcie.per_direction_bytes_s * hw.efficiency.pcie;  // no scale-up fabric: over PCIe
}

double link_latency(const hw::HardwareProfile& hw, LinkKind k) {
  if (k == LinkKind::scale_up && hw.scale_up.present) return hw.scale_up.latency_s;
  return hw.pcie.latency_s;
}

RooflineTime roofline(const Work& w, const hw::HardwareProfile& hw, double launch_floor_s) {
  RooflineTime t;
  for (hw::Engine e : {hw::Engine::tensor, hw::Engine::cuda_core}) {
    double s = 0;
    for (hw::Dtype d : hw::kAllDtypes) {
      const double f = w.flop(e, d);
      if (f > 0) s += f / achievable_flops(hw, e, d);
    }
    t.engine_s[static_cast<size_t>(e)] = s;
    t.compute_s += s;
  }
  for (Level l : kLevels) {
    const double b = w.level(l);
    if (b > 0) t.level_s[static_cast<size_t>(l)] = b / achievable_bandwidth(hw, l);
  }
  for (LinkKind k : {LinkKind::scale_up, LinkKind::pcie}) {
    const double b = w.link(k);
    if (b > 0) t.link_s += b / achievable_link_bandwidth(hw, k);
  }
  const LinkKind hop_link = hw.scale_up.present ? LinkKind::scale_up : LinkKind::pcie;
  t.link_s += w.link_latency_hops * link_latency(hw, hop_link);
  t.launch_s = w.launches * launch_floor_s;

  // The bound is the slowest resource; compute counts as the engine that dominates it.
  t.busy_s = t.compute_s;
  t.bound = t.engine_s[0] >= t.engine_s[1] ? Bound::tensor : Bound::cuda_core;
  const Bound level_bounds[] = {Bound::hbm, Bound::l2, Bound::smem, Bound::host};
  for (size_t i = 0; i < t.level_s.size(); ++i) {
    if (t.level_s[i] > t.busy_s) {
      t.busy_s = t.level_s[i];
      t.bound = level_bounds[i];
    }
  }
  if (t.link_s > t.busy_s) {
    t.busy_s = t.link_s;
    t.bound = Bound::link;
  }
  if (t.launch_s > t.busy_s) t.bound = Bound::launch;
  t.seconds = t.launch_s + t.busy_s;
  return t;
}

}  // namespace kvsim::perf
