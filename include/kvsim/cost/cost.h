#pragma once
// Money: what a deployment costs per hour (GPU rental or amortisation, plus energy when priced),
// and per unit of work it served: $ per million input and output tokens, and $ per request that
// met the SLO. All rates in USD; times in seconds; power in watts.
//
// Cost of a run = usd_per_hour × duration (the fleet is held for the whole replay, idle or not).
// Splitting it between input and output tokens: each token class is charged its share of GPU time,
// input_time_share = T_in / (T_in + T_out) with T_in = input tokens × prefill seconds per token and
// T_out = output tokens × decode seconds per token (from the step model; see the scenario runner).

#include <cstdint>
#include <optional>
#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/hw/hardware_profile.h"

namespace kvsim::cost {

/// Energy bought separately (owned or colocated GPUs). A cloud GPU-hour price already includes
/// power, so energy is priced only when asked for.
struct EnergyPricing {
  double usd_per_kwh = 0;  ///< electricity price
  double pue = 1;          ///< power usage effectiveness: facility power / IT power, >= 1
  /// Fraction of time the GPUs compute, in [0, 1]; nullopt = the busy fraction the replay measured.
  std::optional<double> utilization;
};

struct Pricing {
  std::optional<double> usd_per_gpu_hour;  ///< nullopt: the hardware profile's price
  std::optional<EnergyPricing> energy;     ///< nullopt: energy not priced separately
  core::SourceLoc loc;                     ///< the `pricing:` map, or the scenario
};

/// Reads a `pricing:` map: usd_per_gpu_hour (> 0), energy: {usd_per_kwh (>= 0, required), pue
/// (>= 1, required), utilization (number in [0, 1] or `busy`, default busy)}. Strict: unknown
/// keys are InputErrors with a suggestion.
Pricing parse_pricing(const core::Doc& node, const std::string& path = "pricing");

/// What a deployment did during a run.
struct Usage {
  int64_t gpus = 0;          ///< GPUs held (replicas × TP × PP)
  double duration_s = 0;     ///< time they were held
  double busy_fraction = 0;  ///< busy GPU-seconds / (gpus × duration), in [0, 1]
  double input_tokens = 0;   ///< prompt tokens of completed requests
  double output_tokens = 0;  ///< tokens generated for completed requests
  int64_t requests_within_slo = 0;
  double input_time_share = 0;  ///< in [0, 1], see the header comment
};

struct Cost {
  double usd_per_gpu_hour = 0;
  std::string price_source;  ///< "pricing.usd_per_gpu_hour" or the profile's source and date
  int64_t gpus = 0;
  double utilization = 0;          ///< used for energy (0 when energy is not priced)
  double power_w_per_gpu = 0;      ///< idle + (TDP - idle) × utilization (0 when not priced)
  double energy_usd_per_hour = 0;  ///< gpus × power × PUE × price per kWh
  double usd_per_hour = 0;         ///< gpus × usd_per_gpu_hour + energy_usd_per_hour
  double usd_total = 0;            ///< usd_per_hour × duration
  /// Per million tokens; nullopt when no such token was served.
  std::optional<double> usd_per_mtok_input, usd_per_mtok_output, usd_per_mtok;
  /// usd_total / requests within the SLO; nullopt when none met it.
  std::optional<double> usd_per_request;
};

/// Board power at `utilization`: idle + (TDP - idle) × utilization; TDP × utilization when the
/// profile gives no idle power.
double gpu_power_w(const hw::HardwareProfile& hw, double utilization);

/// Throws core::ConfigError("pricing.usd_per_gpu_hour") when neither `pricing` nor the profile has
/// a price, and std::invalid_argument for inconsistent usage figures (a caller bug).
Cost compute_cost(const Pricing& pricing, const hw::HardwareProfile& hw, const Usage& usage);

}  // namespace kvsim::cost
