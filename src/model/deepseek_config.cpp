// DeepSeek's inference-format configs (github.com/deepseek-ai/DeepSeek-V3, inference/configs/).
// Field names follow inference/model.py ModelArgs. Structural fields are required; max_seq_len and
// dtype fall back to ModelArgs' own defaults (16384, bf16), which the reference code uses too.

#include <fmt/format.h>

#include "kvsim/core/reader.h"
#include "kvsim/model/hf_config.h"

namespace kvsim::model {

bool is_deepseek_inference_config(const core::Doc& doc) {
  return doc.is_map() && doc.find("dim") && doc.find("n_layers") && doc.find("n_heads");
}

ModelSpec parse_deepseek_config(const core::Doc& doc, const std::string& name) {
  const auto pos = core::IntRange::positive(int64_t{1} << 40);
  core::MapReader c(doc);
  ModelSpec m;
  m.loc = doc.loc;
  m.name = name;
  m.display_name = name;
  m.source = "DeepSeek inference config: " + doc.loc.file_name();
  m.hidden = c.integer("dim", pos);
  const int64_t layers = c.integer("n_layers", core::IntRange::positive(100000));
  m.vocab = c.integer("vocab_size", pos);
  std::optional<int64_t> max_len = c.maybe_integer("max_seq_len", pos);
  if (!max_len) m.notes.push_back("max_seq_len not in the file: ModelArgs default 16384");
  m.max_context = max_len.value_or(16384);
  const std::string dtype = c.maybe_string("dtype").value_or("bf16");
  if (dtype != "bf16" && dtype != "fp8") c.fail("dtype", "expected bf16 or fp8");
  m.weights = *find_weight_format(dtype == "fp8" ? "fp8_block128" : "bf16");
  m.expert_weights = m.weights;
  m.embedding_weights = *find_weight_format("bf16");

  AttentionSpec a;
  a.kind = AttentionKind::mla;
  a.q_heads = c.integer("n_heads", pos);
  a.kv_heads = a.q_heads;
  a.q_lora_rank = c.maybe_integer("q_lora_rank", core::IntRange::non_negative()).value_or(0);
  a.latent_dim = c.integer("kv_lora_rank", pos);
  a.rope_dim = c.integer("qk_rope_head_dim", pos);
  a.head_dim = c.integer("qk_nope_head_dim", pos) + a.rope_dim;
  a.v_head_dim = c.integer("v_head_dim", pos);

  MlpSpec dense;
  dense.intermediate = c.integer("inter_dim", pos);
  MlpSpec moe;
  moe.experts = c.integer("n_routed_experts", pos);
  moe.experts_per_token = c.integer("n_activated_experts", core::IntRange::positive(moe.experts));
  moe.shared_experts = c.integer("n_shared_experts", core::IntRange::non_negative());
  moe.intermediate = c.integer("moe_inter_dim", pos);
  moe.router_bias = m.hidden == 7168;  // model.py Gate: bias only for the 671B shape
  const int64_t dense_layers = c.integer("n_dense_layers", core::IntRange::non_negative(layers));

  for (int64_t i = 0; i < layers; ++i) {
    LayerSpec l;
    l.attention = a;
    l.mlp = i < dense_layers ? dense : moe;
    m.layers.push_back(l);
  }
  return m;
}

}  // namespace kvsim::model
