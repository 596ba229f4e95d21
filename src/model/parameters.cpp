#include "kvsim/model/parameters.h"

#include "kvsim/core/checked.h"

namespace kvsim::model {
namespace {

// Parameter arithmetic: every count is a sum of products of positive sizes, so a model whose
// total fits in 64 bits has every partial result fit too; checking each step finds the others.
constexpr const char* kWhat = "the parameter count";

int64_t mul(int64_t a, int64_t b) {
  return core::checked_mul(a, b, kWhat);
}
int64_t mul(int64_t a, int64_t b, int64_t c) {
  return mul(mul(a, b), c);
}
int64_t add(int64_t a, int64_t b) {
  return core::checked_add(a, b, kWhat);
}

}  // namespace

LayerParams count_layer_params(const LayerSpec& layer, int64_t hidden) {
  LayerParams p;
  const AttentionSpec& a = layer.attention;
  if (a.kind == AttentionKind::mla) {
    const int64_t nope = a.head_dim - a.rope_dim;
    if (a.q_lora_rank > 0) {
      p.attention_replicated = add(mul(hidden, a.q_lora_rank), a.q_lora_rank);  // q_a + q_a_norm
      p.attention_sharded = mul(a.q_lora_rank, a.q_heads, a.head_dim);          // q_b_proj
    } else {
      p.attention_sharded = mul(hidden, a.q_heads, a.head_dim);  // q_proj
    }
    p.attention_replicated = add(  // kv_a_proj + kv_a_norm
        p.attention_replicated, add(mul(hidden, add(a.latent_dim, a.rope_dim)), a.latent_dim));
    p.attention_sharded = add(p.attention_sharded,  // kv_b_proj
                              mul(a.latent_dim, a.q_heads, add(nope, a.v_head_dim)));
    p.attention_sharded = add(p.attention_sharded, mul(a.q_heads, a.v_head_dim, hidden));  // o
  } else {
    const int64_t q = mul(a.q_heads, a.head_dim);
    const int64_t k = mul(a.kv_heads, a.head_dim);
    const int64_t v = mul(a.kv_heads, a.v_head_dim);
    const int64_t qkv = add(add(q, k), v);
    p.attention_sharded = add(mul(hidden, qkv), mul(a.q_heads, a.v_head_dim, hidden));
    if (a.qkv_bias) p.attention_sharded = add(p.attention_sharded, qkv);
    if (a.o_bias) p.attention_sharded = add(p.attention_sharded, hidden);
    if (a.sinks) p.attention_sharded = add(p.attention_sharded, a.q_heads);
    if (a.qk_norm) p.norms = mul(2, a.head_dim);
  }
  p.norms = add(p.norms, mul(layer.norm_vectors, hidden));

  const MlpSpec& m = layer.mlp;
  const int64_t matrices = m.gated ? 3 : 2;
  int64_t one_mlp = mul(matrices, hidden, m.intermediate);
  if (m.bias) one_mlp = add(one_mlp, add(mul(matrices - 1, m.intermediate), hidden));
  if (m.is_moe()) {
    p.expert_each = one_mlp;
    p.experts_routed = mul(m.experts, one_mlp);
    p.experts_shared = mul(m.shared_experts, one_mlp);
    p.router = add(mul(hidden, m.experts), m.router_bias ? m.experts : 0);
  } else {
    p.mlp_dense = one_mlp;
  }
  // total() adds the parts unchecked; make sure it cannot overflow.
  int64_t total = 0;
  for (int64_t part : {p.attention_sharded, p.attention_replicated, p.mlp_dense, p.experts_routed,
                       p.experts_shared, p.router, p.norms}) {
    total = add(total, part);
  }
  return p;
}

ModelParams count_params(const ModelSpec& m) {
  ModelParams out;
  int64_t total = 0;
  for (const auto& layer : m.layers) {
    out.layers.push_back(count_layer_params(layer, m.hidden));
    total = add(total, out.layers.back().total());
  }
  out.embedding = mul(m.vocab, m.hidden);
  out.lm_head = m.tie_embeddings ? 0 : out.embedding;
  out.final_norm = m.hidden;
  // total() and active_per_token() add these unchecked; both are at most this sum.
  (void)add(add(add(total, out.embedding), out.embedding), out.final_norm);
  return out;
}

int64_t ModelParams::total() const {
  int64_t t = embedding + lm_head + final_norm;
  for (const auto& l : layers)
    t += l.total();
  return t;
}

int64_t ModelParams::active_per_token(const ModelSpec& m) const {
  int64_t t = embedding + (lm_head ? lm_head : embedding) + final_norm;
  for (size_t i = 0; i < layers.size(); ++i) {
    const LayerParams& l = layers[i];
    t += l.total() - l.experts_routed + m.layers[i].mlp.experts_per_token * l.expert_each;
  }
  return t;
}

}  // namespace kvsim::model
