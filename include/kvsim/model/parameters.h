#pragma once
// Exact parameter counts per layer and part, from the architecture. Weight memory, its split across
// tensor-parallel ranks, and later the FLOPs of a step all derive from these.

#include <cstdint>
#include <vector>

#include "kvsim/model/model_spec.h"

namespace kvsim::model {

/// Parameters of one layer, by how tensor parallelism treats them. The counting functions throw
/// core::OverflowError when a count does not fit in 64 bits (validate_model turns that into an
/// input error naming the model).
struct LayerParams {
  int64_t attention_sharded = 0;     ///< q/k/v/o (and MLA up-projections): split across TP ranks
  int64_t attention_replicated = 0;  ///< MLA down-projections and their norms: whole on every rank
  int64_t mlp_dense = 0;             ///< dense MLP, split across TP ranks
  int64_t experts_routed = 0;        ///< all routed experts
  int64_t experts_shared = 0;        ///< shared experts, split across TP ranks
  int64_t router = 0;                ///< gate weights (replicated)
  int64_t norms = 0;                 ///< norm vectors (replicated)
  int64_t expert_each = 0;           ///< one routed expert

  int64_t total() const {
    return attention_sharded + attention_replicated + mlp_dense + experts_routed + experts_shared +
           router + norms;
  }
};

struct ModelParams {
  std::vector<LayerParams> layers;
  int64_t embedding = 0;
  int64_t lm_head = 0;  ///< 0 when tied to the embedding
  int64_t final_norm = 0;

  int64_t total() const;
  /// Parameters touched per token: routed experts count only the `experts_per_token` chosen.
  int64_t active_per_token(const ModelSpec& m) const;
};

LayerParams count_layer_params(const LayerSpec& layer, int64_t hidden);
ModelParams count_params(const ModelSpec& m);

}  // namespace kvsim::model
