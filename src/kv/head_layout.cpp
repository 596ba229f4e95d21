#include "kvsim/kv/head_layout.h"

#include <fmt/format.h>

#include <stdexcept>

namespace kvsim::kv {

model::AttentionSpec with_kv_heads(const model::AttentionSpec& a, int64_t kv_heads,
                                   model::AttentionKind kind) {
  model::AttentionSpec out = a;
  out.kind = kind;
  out.kv_heads = kv_heads <= 0 ? a.q_heads : kv_heads;
  if (a.q_heads % out.kv_heads != 0) {
    throw std::invalid_argument(
        fmt::format("kv_heads {} does not divide the {} query heads", out.kv_heads, a.q_heads));
  }
  out.latent_dim = 0;
  out.rope_dim = 0;
  out.q_lora_rank = 0;
  return out;
}

}  // namespace kvsim::kv
