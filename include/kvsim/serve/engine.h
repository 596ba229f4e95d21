#pragma once
// The replay engine: requests arrive, a router picks a replica, replicas run steps; the run ends
// when every request has completed or been dropped. Discrete events only: arrivals and the ends
// of steps (or of fast-forwarded runs of decode steps), so the cost grows with requests and
// scheduling changes, not with tokens generated.

#include <memory>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/memory_plan.h"
#include "kvsim/perf/parallelism.h"
#include "kvsim/serve/engine_config.h"
#include "kvsim/serve/kv_model.h"
#include "kvsim/serve/replay_result.h"
#include "kvsim/workload/request.h"

namespace kvsim::serve {

/// What runs where, and how.
struct Deployment {
  const model::ModelSpec* model = nullptr;
  const hw::HardwareProfile* hardware = nullptr;
  perf::Parallelism parallelism;
  kv::KvPolicy policy;               ///< defaults filled by the engine
  EngineConfig config;               ///< defaults filled by the engine
  double memory_utilization = 0.90;  ///< fraction of device memory the engine may use
};

/// Replays `requests` on `d`. Throws core::ConfigError when the deployment cannot run (the model
/// does not fit, TP does not divide the heads, ...). Deterministic: the same inputs give the same
/// result, bit for bit.
ReplayResult replay(const workload::RequestSet& requests, Deployment d);

}  // namespace kvsim::serve
