#pragma once
// A KV policy applied to a model on a tensor-parallel group, for a range of layers (one pipeline
// stage): per layer, what is cached and how many bytes one token costs one GPU; per sequence, the
// bytes resident and allocated at a given context. Layers with the same cost and retention are
// grouped, so a sequence's footprint costs O(groups), not O(layers).

#include <cstdint>
#include <vector>

#include "kvsim/kv/kv_policy.h"

namespace kvsim::kv {

struct LayerKv {
  int64_t layer = 0;
  model::AttentionSpec attention;  ///< as cached, after the attention layout
  int64_t owner = 0;               ///< layer whose KV this layer reads (cross-layer sharing)
  KvValues values;
  int64_t bytes_per_token_gpu = 0;    ///< 0 when the layer reads another layer's KV
  int64_t bytes_per_token_model = 0;  ///< the layer's KV once: all heads, no TP split or copies
  RetentionRule rule;
};

struct LayerGroup {
  int64_t first_layer = 0;
  int64_t count = 0;
  int64_t bytes_per_token_gpu = 0;
  RetentionRule rule;
  model::AttentionSpec attention;
  KvValues values;
};

/// One sequence's KV on one GPU (the stage's layers).
struct SequenceKv {
  int64_t resident_bytes = 0;   ///< bytes holding resident tokens
  int64_t allocated_bytes = 0;  ///< bytes of allocated slots (blocks or reservation)
  int64_t layer_blocks = 0;     ///< allocation units summed over layers
  int64_t wasted_bytes() const { return allocated_bytes - resident_bytes; }
};

class KvPlan {
 public:
  /// Layers [first_layer, end_layer) of `m` on a TP group of `tp`. `policy` must have defaults
  /// filled. Throws core::ConfigError (field "tp" or "kv.attention") when the layout cannot apply.
  KvPlan(const model::ModelSpec& m, const KvPolicy& policy, int64_t tp, int64_t first_layer,
         int64_t end_layer);

  const std::vector<LayerKv>& layers() const { return layers_; }
  const std::vector<LayerGroup>& groups() const { return groups_; }
  const Allocation& allocation() const { return *policy_.allocation; }
  const KvPolicy& policy() const { return policy_; }

  /// Sum over storing layers: the cost of one more token when every layer keeps it.
  int64_t bytes_per_token_gpu() const { return bytes_per_token_gpu_; }
  /// Sum over layers of the unsplit, unreplicated per-token KV ("327,680 B" for Llama-3.1-70B).
  int64_t bytes_per_token_model() const { return bytes_per_token_model_; }
  /// Longest context one sequence may reach (the model limit, or a contiguous reservation).
  int64_t max_context() const { return allocation().reserve_tokens(model_max_context_); }

  /// Footprint of one sequence at exactly `context` tokens. `max_context` overrides the
  /// per-sequence limit a contiguous reservation is sized for (0 = the model's).
  SequenceKv sequence(int64_t context, int64_t max_context = 0) const;
  /// Largest footprint the sequence has on its way from 1 to `context` tokens (sliding windows
  /// over paged blocks touch one extra block at some offsets). Monotone in `context`.
  SequenceKv peak_sequence(int64_t context, int64_t max_context = 0) const;
  /// Bytes of a sequence's allocated blocks lying wholly within its first `prefix_tokens` tokens:
  /// what sequences sharing that prefix store once.
  int64_t prefix_bytes(int64_t prefix_tokens, int64_t context) const;

 private:
  KvPolicy policy_;
  int64_t model_max_context_ = 0;
  std::vector<LayerKv> layers_;
  std::vector<LayerGroup> groups_;
  int64_t bytes_per_token_gpu_ = 0;
  int64_t bytes_per_token_model_ = 0;
};

}  // namespace kvsim::kv
