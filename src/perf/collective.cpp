#include "kvsim/perf/collective.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kvsim::perf {

const char* to_string(CollectiveKind k) {
  switch (k) {
    case CollectiveKind::all_reduce:
      return "all_reduce";
    case CollectiveKind::all_gather:
      return "all_gather";
    case CollectiveKind::reduce_scatter:
      return "reduce_scatter";
    case CollectiveKind::all_to_all:
      return "all_to_all";
    case CollectiveKind::send_recv:
      return "send_recv";
  }
  return "?";
}

std::optional<CollectiveKind> parse_collective(std::string_view s) {
  for (CollectiveKind k :
       {CollectiveKind::all_reduce, CollectiveKind::all_gather, CollectiveKind::reduce_scatter,
        CollectiveKind::all_to_all, CollectiveKind::send_recv}) {
    if (s == to_string(k)) return k;
  }
  return std::nullopt;
}

std::pair<double, double> ring_traffic(const CollectiveOp& op) {
  const double n = static_cast<double>(op.gpus);
  const double share = (n - 1) / n;
  switch (op.kind) {
    case CollectiveKind::all_reduce:
      return {2 * share * op.bytes, 2 * (n - 1)};
    case CollectiveKind::all_gather:
    case CollectiveKind::reduce_scatter:
      return {share * op.bytes, n - 1};
    case CollectiveKind::all_to_all:
      return {share * op.bytes, 1};  // one concurrent exchange
    case CollectiveKind::send_recv:
      return {op.bytes, 1};
  }
  return {0, 0};
}

OpCost collective_cost(const CollectiveOp& op, const hw::HardwareProfile& hw) {
  OpCost c;
  if (op.gpus < 2) {
    c.detail = "single GPU: nothing to exchange";
    return c;
  }
  const double bw = achievable_link_bandwidth(hw, op.link);
  const double step = hw.kernels.collective.step_latency_s;
  const double lat = step > 0 ? step : link_latency(hw, op.link);
  auto [bytes, steps] = ring_traffic(op);
  double t = bytes / bw + steps * lat;
  c.detail = "ring";
  if (op.kind == CollectiveKind::all_reduce) {
    const double tree_steps = 2 * std::ceil(std::log2(static_cast<double>(op.gpus)));
    const double tree = 2 * op.bytes / bw + tree_steps * lat;  // reduce up, broadcast down
    if (tree < t) {
      t = tree;
      bytes = 2 * op.bytes;
      steps = tree_steps;
      c.detail = "tree";
    }
  }
  c.work.link(op.link) = bytes;
  c.work.link_latency_hops = steps;
  c.work.launches = 1;
  c.seconds = hw.kernels.collective.floor_s + t;
  c.bound = hw.kernels.collective.floor_s > t ? Bound::launch : Bound::link;
  c.detail += fmt::format(" over {} GPUs", op.gpus);
  return c;
}

const char* to_string(CopyDirection d) {
  switch (d) {
    case CopyDirection::h2d:
      return "h2d";
    case CopyDirection::d2h:
      return "d2h";
    case CopyDirection::d2d:
      return "d2d";
  }
  return "?";
}

std::optional<CopyDirection> parse_copy_direction(std::string_view s) {
  for (CopyDirection d : {CopyDirection::h2d, CopyDirection::d2h, CopyDirection::d2d}) {
    if (s == to_string(d)) return d;
  }
  return std::nullopt;
}

OpCost memcpy_cost(const MemcpyOp& op, const hw::HardwareProfile& hw) {
  OpCost c;
  c.work.launches = 1;
  const double floor = hw.efficiency.launch_overhead_s;
  double body = 0;
  if (op.direction == CopyDirection::d2d) {
    c.work.level(Level::hbm) = 2 * op.bytes;
    body = 2 * op.bytes / achievable_bandwidth(hw, Level::hbm);
    c.bound = Bound::hbm;
  } else {
    c.work.level(Level::host) = op.bytes;
    c.work.link(LinkKind::pcie) = op.bytes;
    body = op.bytes / achievable_bandwidth(hw, Level::host) + hw.host.latency_s;
    c.bound = Bound::host;
  }
  if (floor > body) c.bound = Bound::launch;
  c.seconds = floor + body;
  return c;
}

}  // namespace kvsim::perf
