#pragma once
// Capacity questions answered from the memory plan: how many KV tokens fit, how many sequences of
// a given context run at once, how long one sequence can grow, and what a batch wastes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvsim/perf/memory_plan.h"

namespace kvsim::perf {

struct CapacityQuery {
  int64_t context = 8192;  ///< tokens per sequence (prompt + output)
  int64_t batch = 1;       ///< concurrent sequences for the batch footprint
};

/// An offload tier's share of KV (per GPU).
struct TierCapacity {
  kv::TierSpec spec;
  int64_t tokens = 0;     ///< tokens of KV it holds when every layer keeps them
  int64_t sequences = 0;  ///< sequences at the query context it holds
};

struct StageCapacity {
  int64_t stage = 0;
  int64_t kv_budget_bytes = 0;
  int64_t kv_capacity_tokens = 0;  ///< pool size in tokens (whole blocks), every layer keeping each
  int64_t kv_capacity_blocks = 0;  ///< pool size in blocks per layer (0 for contiguous)
  kv::SequenceKv at_context;       ///< one sequence at exactly the query context
  kv::SequenceKv peak;             ///< one sequence's largest footprint on its way to the context
  int64_t shared_prefix_bytes = 0;  ///< stored once for the whole batch
  int64_t max_sequences = 0;        ///< concurrent sequences that can reach the query context
  std::optional<int64_t> max_context_memory;  ///< batch 1, memory only; nullopt = unbounded
  int64_t batch_allocated_bytes = 0;
  int64_t batch_resident_bytes = 0;
  bool batch_fits = false;
};

struct CapacityResult {
  MemoryPlan plan;
  CapacityQuery query;
  std::vector<StageCapacity> stages;
  size_t binding_stage = 0;        ///< the stage with the fewest concurrent sequences
  int64_t model_max_context = 0;   ///< the model's (or reservation's) limit
  int64_t max_context_batch1 = 0;  ///< min(memory limit, model limit)
  std::vector<TierCapacity> offload;
  std::vector<std::string> warnings;

  const StageCapacity& binding() const { return stages[binding_stage]; }
  const StageMemory& binding_memory() const { return plan.stages[binding_stage]; }
};

/// Throws core::ConfigError naming the field ("context", "batch", "tp", ...) for settings that do
/// not work together, and core::OverflowError when sizes exceed 64 bits.
CapacityResult compute_capacity(const model::ModelSpec& m, const hw::HardwareProfile& hw,
                                const Parallelism& par, const kv::KvPolicy& policy,
                                const MemoryOptions& options, const CapacityQuery& query);

}  // namespace kvsim::perf
