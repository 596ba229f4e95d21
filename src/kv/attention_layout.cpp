#include "kvsim/kv/attention_layout.h"

#include <fmt/format.h>

#include <stdexcept>

namespace kvsim::kv {

KvValues cached_values(const model::AttentionSpec& a, int64_t tp) {
  if (tp <= 0) throw std::invalid_argument("tensor parallelism must be positive");
  KvValues v;
  if (a.q_heads % tp != 0) {
    throw std::invalid_argument(
        fmt::format("{} attention heads cannot be split evenly over TP {}", a.q_heads, tp));
  }
  if (a.kind == model::AttentionKind::mla) {
    v.dim_per_head = a.latent_dim + a.rope_dim;
    v.per_token = v.dim_per_head;
    v.heads_gpu = 1;
    v.per_token_gpu = v.dim_per_head;
    v.replication = tp;  // every rank needs the whole latent to up-project its own heads
    return v;
  }
  v.dim_per_head = a.head_dim + a.v_head_dim;
  v.per_token = a.kv_heads * v.dim_per_head;
  if (a.kv_heads >= tp) {
    if (a.kv_heads % tp != 0) {
      throw std::invalid_argument(
          fmt::format("{} KV heads cannot be split evenly over TP {}", a.kv_heads, tp));
    }
    v.heads_gpu = a.kv_heads / tp;
    v.replication = 1;
  } else {
    if (tp % a.kv_heads != 0) {
      throw std::invalid_argument(fmt::format(
          "TP {} is not a multiple of {} KV heads (each head must be replicated a whole number "
          "of times)",
          tp, a.kv_heads));
    }
    v.heads_gpu = 1;
    v.replication = tp / a.kv_heads;
  }
  v.per_token_gpu = v.heads_gpu * v.dim_per_head;
  return v;
}

}  // namespace kvsim::kv
