#pragma once
// A scenario: model, hardware, parallelism, KV policy, engine memory settings and the capacity
// question. Parsed into plain, validated specs first (so `kvsim check` validates without running);
// runtime objects are built from it second.

#include <optional>
#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/capacity.h"

namespace kvsim::scenario {

struct Scenario {
  std::string name;
  std::string description;
  model::ModelSpec model;
  hw::HardwareProfile hardware;
  perf::Parallelism parallelism;
  kv::KvPolicy kv;
  perf::MemoryOptions memory;
  perf::CapacityQuery capacity;
  /// Where each setting was written, so later errors (TP not dividing heads) point at it.
  core::SourceLoc loc, model_loc, hardware_loc, tp_loc, pp_loc, context_loc, batch_loc, kv_loc;

  /// The location to blame for a core::ConfigError about `field`.
  core::SourceLoc loc_of(const std::string& field) const;
};

/// Parse and validate. Relative model/hardware paths resolve against the scenario's directory.
Scenario parse_scenario(const core::Doc& doc);
/// The built-in default scenario (scenarios/default.yaml, embedded).
Scenario default_scenario();
/// A scenario file from disk.
Scenario load_scenario(const std::string& path);

}  // namespace kvsim::scenario
