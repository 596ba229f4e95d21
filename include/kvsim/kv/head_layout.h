#pragma once
// Shared by the mha / gqa / mqa layouts: re-express a layer's attention with `kv_heads` K/V heads.

#include "kvsim/model/model_spec.h"

namespace kvsim::kv {

/// `a` with `kv_heads` K/V heads of its own head dims (an MLA layer becomes per-head K of
/// qk_nope+rope dims and V of v_head_dim: what a naive decompressed cache stores).
/// kv_heads <= 0 means "as many as the query heads". Throws std::invalid_argument when kv_heads
/// does not divide the query heads.
model::AttentionSpec with_kv_heads(const model::AttentionSpec& a, int64_t kv_heads,
                                   model::AttentionKind kind);

}  // namespace kvsim::kv
