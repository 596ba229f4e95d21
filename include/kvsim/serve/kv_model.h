#pragma once
// The KV memory of one replica as the engine accounts it: per GPU of the pipeline stage that runs
// out first, in bytes. Derived once per run from the memory plan and the step model's retention
// rules, so the engine's accounting and the capacity report agree.
//
// Paged allocation: layers that keep every token cost `block_bytes()` per block of
// `block_tokens`; layers with a bounded rule (window, sinks + recent, token budget) cost
// `rule_token_bytes[r]` per token kept, plus one block each of slack per sequence (a window
// straddles block edges). Contiguous allocation: every running sequence holds its reservation.

#include <cstdint>
#include <string>
#include <vector>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/memory_plan.h"
#include "kvsim/perf/step.h"
#include "kvsim/serve/engine_config.h"
#include "kvsim/serve/prefix_cache.h"

namespace kvsim::serve {

struct KvModel {
  double budget_bytes = 0;
  int64_t stage = 0;  ///< the binding pipeline stage
  bool contiguous = false;
  int64_t block_tokens = 16;             ///< paged block size (1 when contiguous)
  double full_token_bytes = 0;           ///< per token, layers that keep every token
  std::vector<int64_t> rule_bounds;      ///< per StepModel rule: most tokens kept (0 = all)
  std::vector<double> rule_token_bytes;  ///< per rule: bytes per kept token (0 for unbounded rules)
  double sequence_overhead_bytes = 0;    ///< per running sequence: window slack, or the reservation
  bool prefix_caching = false;
  std::vector<CacheTier> tiers;  ///< [0] = HBM; then offload tiers for demoted cache blocks
  double swap_capacity_bytes = 0;
  double swap_bandwidth_bytes_s = 0;
  int64_t max_context = 0;  ///< longest sequence (model limit or reservation)
  std::vector<std::string> notes;

  double block_bytes() const {
    return contiguous ? 0 : full_token_bytes * static_cast<double>(block_tokens);
  }
  /// Bytes of one sequence holding `tokens` tokens, sharing nothing.
  double sequence_bytes(int64_t tokens) const;
  /// Bytes holding tokens (no slack, no reservation) for a sequence of `tokens`.
  double resident_bytes(int64_t tokens) const;
};

/// Throws core::ConfigError when no pipeline stage has room for KV.
KvModel build_kv_model(const perf::MemoryPlan& plan, const perf::StepModel& steps,
                       const hw::HardwareProfile& hw, const EngineConfig& config);

}  // namespace kvsim::serve
