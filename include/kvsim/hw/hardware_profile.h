#pragma once
// A GPU SKU as data: compute ceilings, memory hierarchy, links, power, price and the efficiencies
// that turn peaks into achievable rates. Read from hardware_profiles/<name>.yaml (schema in
// hardware_profiles/README.md). All values in SI base units (bytes, bytes/s, seconds, FLOP/s).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/hw/kernel_params.h"

namespace kvsim::hw {

/// One published number with its provenance.
struct Figure {
  double value = 0;    ///< in the unit of the key it was read from
  std::string source;  ///< tag from the profile's `sources:`; empty for bare numbers
  std::string note;
  std::string date;
  struct Alternative {
    double value = 0;
    std::string source;
    std::string note;
  };
  std::vector<Alternative> alternatives;
  core::SourceLoc loc;
};

/// Precisions with distinct compute ceilings.
enum class Dtype { fp32, bf16, fp16, fp8, int8 };
const char* to_string(Dtype d);
std::optional<Dtype> parse_dtype(std::string_view name);
inline constexpr Dtype kAllDtypes[] = {Dtype::fp32, Dtype::bf16, Dtype::fp16, Dtype::fp8,
                                       Dtype::int8};

enum class Engine { tensor, cuda_core };
const char* to_string(Engine e);

struct MemoryLevel {
  int64_t capacity_bytes = 0;    ///< total (per SM for smem: per-SM capacity)
  double bandwidth_bytes_s = 0;  ///< aggregate peak
  double latency_s = 0;
  bool present = false;
};

struct Link {
  std::string kind;  ///< nvlink4, infinity_fabric, pcie, none
  double per_direction_bytes_s = 0;
  int64_t domain_gpus = 1;
  double latency_s = 0;
  int64_t generation = 0;  ///< PCIe only
  int64_t lanes = 0;       ///< PCIe only
  bool present = false;
};

struct Efficiency {
  bool calibrated = false;
  std::string note;
  double hbm = 1, l2 = 1, smem = 1, host = 1, scale_up = 1, pcie = 1;
  std::map<Dtype, double> tensor;     ///< missing dtype -> 1
  std::map<Dtype, double> cuda_core;  ///< missing dtype -> 1
  double launch_overhead_s = 0;
};

struct HardwareProfile {
  std::string name;
  std::string display_name;
  std::string vendor;
  std::string architecture;
  std::map<std::string, std::string> sources;  ///< tag -> citation

  int64_t sm_count = 0;
  double boost_clock_hz = 0;
  std::map<Dtype, double> tensor_flops;  ///< dense FLOP/s (OP/s for int8); absent = unsupported
  std::map<Dtype, double> cuda_core_flops;

  MemoryLevel hbm, l2, smem, host;
  Link scale_up, pcie;
  double tdp_w = 0;
  double idle_w = 0;
  double price_usd_per_gpu_hour = 0;
  std::string price_date;
  std::string price_source;

  Efficiency efficiency;
  KernelParams kernels;  ///< fitted kernel-model constants (inherited ones already scaled)
  std::vector<std::string> notes;

  /// Every figure as read, keyed by its path ("memory.hbm.bandwidth_gb_s"), for provenance reports.
  std::map<std::string, Figure> figures;
  core::SourceLoc loc;

  /// Peak dense FLOP/s for a dtype on an engine, or 0 when the SKU lacks it.
  double peak_flops(Engine engine, Dtype dtype) const;
};

/// Parse and validate a profile. `expected_name` (the file stem), when non-empty, must match
/// `name`.
HardwareProfile parse_hardware_profile(const core::Doc& doc, const std::string& expected_name = "");

/// A built-in name ("h100-sxm") or a path to a YAML file. An unknown name is an InputError at
/// `where` labelled `label` (the flag or scenario key that gave it). `overrides`, when given, is a
/// map of profile keys laid over the file before it is parsed (core::merge_docs: maps merge, other
/// values replace), so an overridden figure is validated like the file's own and errors point at
/// the override; the profile's notes then say what was overridden.
HardwareProfile load_hardware(const std::string& name_or_path,
                              const core::SourceLoc& where = core::SourceLoc::of("kvsim"),
                              const std::string& label = "--hardware",
                              const core::Doc* overrides = nullptr);

/// `source`'s kernel parameters carried to `target`: times unchanged, per-unit bandwidth scaled by
/// HBM bandwidth per SM, unit counts by SM count, achieved fractions by the ratio of the two
/// profiles' global efficiencies (capped at 1).
KernelParams scale_kernel_params(const KernelParams& source, const HardwareProfile& from,
                                 const HardwareProfile& to);

/// Names of the built-in profiles.
std::vector<std::string> builtin_hardware_names();

}  // namespace kvsim::hw
