#include "kvsim/model/parameters.h"

namespace kvsim::model {

LayerParams count_layer_params(const LayerSpec& layer, int64_t hidden) {
  LayerParams p;
  const AttentionSpec& a = layer.attention;
  if (a.kind == AttentionKind::mla) {
    const int64_t nope = a.head_dim - a.rope_dim;
    if (a.q_lora_rank > 0) {
      p.attention_replicated += hidden * a.q_lora_rank + a.q_lora_rank;  // q_a_proj + q_a_norm
      p.attention_sharded += a.q_lora_rank * a.q_heads * a.head_dim;     // q_b_proj
    } else {
      p.attention_sharded += hidden * a.q_heads * a.head_dim;  // q_proj
    }
    p.attention_replicated += hidden * (a.latent_dim + a.rope_dim) + a.latent_dim;  // kv_a + norm
    p.attention_sharded += a.latent_dim * a.q_heads * (nope + a.v_head_dim);        // kv_b_proj
    p.attention_sharded += a.q_heads * a.v_head_dim * hidden;                       // o_proj
  } else {
    const int64_t q = a.q_heads * a.head_dim;
    const int64_t k = a.kv_heads * a.head_dim;
    const int64_t v = a.kv_heads * a.v_head_dim;
    p.attention_sharded += hidden * (q + k + v) + a.q_heads * a.v_head_dim * hidden;
    if (a.qkv_bias) p.attention_sharded += q + k + v;
    if (a.o_bias) p.attention_sharded += hidden;
    if (a.sinks) p.attention_sharded += a.q_heads;
    if (a.qk_norm) p.norms += 2 * a.head_dim;
  }
  p.norms += layer.norm_vectors * hidden;

  const MlpSpec& m = layer.mlp;
  const int64_t matrices = m.gated ? 3 : 2;
  const int64_t one_mlp =
      matrices * hidden * m.intermediate + (m.bias ? (matrices - 1) * m.intermediate + hidden : 0);
  if (m.is_moe()) {
    p.expert_each = one_mlp;
    p.experts_routed = m.experts * one_mlp;
    p.experts_shared = m.shared_experts * one_mlp;
    p.router = hidden * m.experts + (m.router_bias ? m.experts : 0);
  } else {
    p.mlp_dense = one_mlp;
  }
  return p;
}

ModelParams count_params(const ModelSpec& m) {
  ModelParams out;
  for (const auto& layer : m.layers)
    out.layers.push_back(count_layer_params(layer, m.hidden));
  out.embedding = m.vocab * m.hidden;
  out.lm_head = m.tie_embeddings ? 0 : m.vocab * m.hidden;
  out.final_norm = m.hidden;
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
