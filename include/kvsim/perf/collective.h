#pragma once
// Collectives over a GPU group: all-reduce, all-gather, reduce-scatter, all-to-all, send/recv.
// Ring cost: each GPU sends (n-1)/n of the buffer per pass (two passes for all-reduce) in n-1
// latency-bound steps per pass; tree all-reduce: 2 log2(n) steps, each moving the whole buffer.
// Like NCCL, the cheaper of ring and tree is used for all-reduce.

#include <cstdint>
#include <optional>
#include <string_view>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/op_cost.h"

namespace kvsim::perf {

enum class CollectiveKind { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };
const char* to_string(CollectiveKind k);
std::optional<CollectiveKind> parse_collective(std::string_view s);

struct CollectiveOp {
  CollectiveKind kind = CollectiveKind::all_reduce;
  double bytes = 0;  ///< buffer size per GPU (all-gather: the gathered result)
  int64_t gpus = 2;
  LinkKind link = LinkKind::scale_up;
};

/// Ring-algorithm bytes each GPU sends, and its sequential steps.
std::pair<double, double> ring_traffic(const CollectiveOp& op);
OpCost collective_cost(const CollectiveOp& op, const hw::HardwareProfile& hw);

enum class CopyDirection { h2d, d2h, d2d };
std::optional<CopyDirection> parse_copy_direction(std::string_view s);
const char* to_string(CopyDirection d);

struct MemcpyOp {
  double bytes = 0;
  CopyDirection direction = CopyDirection::h2d;
};
/// Host copies go over the host path (PCIe or C2C) at its achieved rate; device copies read and
/// write HBM.
OpCost memcpy_cost(const MemcpyOp& op, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
