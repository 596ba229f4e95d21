#pragma once
// Renders a capacity result: a human table for terminals, and JSON for machines (keys documented
// in the README, "kvsim capacity --json").

#include <string>

#include "kvsim/core/json.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/capacity.h"

namespace kvsim::report {

struct CapacityInputs {
  const model::ModelSpec& model;
  const hw::HardwareProfile& hardware;
  const perf::Parallelism& parallelism;
  const perf::MemoryOptions& options;
};

std::string capacity_text(const perf::CapacityResult& r, const CapacityInputs& in);
core::Json capacity_json(const perf::CapacityResult& r, const CapacityInputs& in);

/// Version of the capacity JSON layout; bumped when keys change meaning or disappear.
inline constexpr int kCapacitySchemaVersion = 1;

}  // namespace kvsim::report
