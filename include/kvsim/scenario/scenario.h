#pragma once
// One scenario point: model, hardware (with overrides), parallelism, KV policy, engine settings,
// workload, SLOs, pricing and the capacity question. Parsed into plain, validated specs first (so
// `kvsim check` validates without running); runtime objects are built from it second. The file
// around it (sweep axes, planning, comparisons) is scenario::ScenarioFile (sweep.h).
//
// Keys (README "Scenarios"; scenarios/scenario.schema.json is checked against this parser):
//   name, description           strings (name required)
//   model                       built-in name or path (relative to the scenario file)
//   hardware                    built-in name or path, or {profile: NAME|PATH, overrides: {...}}
//                               where overrides are profile keys laid over the profile
//   parallelism                 {tp, pp, ep}
//   kv                          the KV policy (README "KV strategies")
//   engine                      memory_utilization, runtime_reserve_gib (capacity only), and the
//                               serving engine's keys (serve::parse_engine_config)
//   workload                    {trace: {...}} or {generator: {...}} (workload_spec.h)
//   slo                         {ttft_s, ttft_percentile, tpot_s, tpot_percentile} (slo.h)
//   pricing                     {usd_per_gpu_hour, energy: {...}} (cost/cost.h)
//   capacity                    {context, batch}: the capacity question
//   sweep, plan, compare        read by ScenarioFile

#include <optional>
#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/cost/cost.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/capacity.h"
#include "kvsim/scenario/slo.h"
#include "kvsim/scenario/workload_spec.h"
#include "kvsim/serve/engine.h"

namespace kvsim::scenario {

struct Scenario {
  std::string name;
  std::string description;
  model::ModelSpec model;
  hw::HardwareProfile hardware;
  perf::Parallelism parallelism;
  kv::KvPolicy kv;
  perf::MemoryOptions memory;  ///< for the capacity question and the memory breakdown
  double memory_utilization = 0.9;
  /// The serving engine's keys (the `engine:` map without the scenario's own keys). Parsed again
  /// for every replay, because routers keep state.
  core::Doc engine_doc;
  std::optional<perf::CapacityQuery> capacity;  ///< asked when `capacity:` is given, or no workload
  std::optional<WorkloadSpec> workload;
  std::optional<SloSpec> slo;
  cost::Pricing pricing;
  bool has_kv = false;  ///< the scenario has a `kv:` map
  /// Where each setting was written, so later errors (TP not dividing heads) point at it.
  core::SourceLoc loc, model_loc, hardware_loc, tp_loc, pp_loc, ep_loc, context_loc, batch_loc,
      kv_loc, engine_loc, pricing_loc, workload_loc;

  /// The location to blame for a core::ConfigError about `field`.
  core::SourceLoc loc_of(const std::string& field) const;
  /// A fresh engine configuration (its own router), with the SLO limits for goodput.
  serve::EngineConfig engine_config() const;
  /// The deployment of this point (points into this Scenario: keep it alive).
  serve::Deployment deployment() const;
};

/// Parse and validate. Relative model/hardware/trace paths resolve against the scenario's
/// directory.
Scenario parse_scenario(const core::Doc& doc);
/// The built-in default scenario (scenarios/default.yaml, embedded).
Scenario default_scenario();
/// A scenario file from disk (a file with a sweep: its base point, without the sweep applied).
Scenario load_scenario(const std::string& path);

/// The top-level keys parse_scenario reads, in file order of the documentation.
const std::vector<std::string>& scenario_keys();

}  // namespace kvsim::scenario
