#pragma once
// Work -> time on a GPU: the slowest resource at its calibrated efficiency, plus a fixed floor per
// kernel launch. Names the bound. Work on different engines (tensor cores, CUDA cores) is issued
// by the same SMs and is added; memory levels and links run concurrently with compute.

#include <array>
#include <string>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/work.h"

namespace kvsim::perf {

enum class Bound { tensor, cuda_core, hbm, l2, smem, host, link, launch, overhead };
const char* to_string(Bound b);

struct RooflineTime {
  double seconds = 0;
  Bound bound = Bound::launch;
  double compute_s = 0;              ///< tensor + CUDA-core time
  std::array<double, 2> engine_s{};  ///< per engine
  std::array<double, 4> level_s{};   ///< per memory level
  double link_s = 0;
  double launch_s = 0;
  double busy_s = 0;  ///< the slowest resource (seconds minus launch floors)
};

/// Achievable rate of an engine for a dtype (peak x efficiency). A dtype the SKU lacks runs at
/// the engine's bf16 rate (emulated via conversion), or fp32 when bf16 is missing too.
double achievable_flops(const hw::HardwareProfile& hw, hw::Engine e, hw::Dtype d);
/// Achievable bandwidth of a memory level (peak x efficiency).
double achievable_bandwidth(const hw::HardwareProfile& hw, Level l);
/// Achievable link bandwidth (one direction) and its latency.
double achievable_link_bandwidth(const hw::HardwareProfile& hw, LinkKind k);
double link_latency(const hw::HardwareProfile& hw, LinkKind k);

/// Generic roofline time. `launch_floor_s` is the fixed cost of one launch of this kind of kernel.
RooflineTime roofline(const Work& w, const hw::HardwareProfile& hw, double launch_floor_s);

}  // namespace kvsim::perf
