#pragma once
// A transformer as data: per layer, its attention (kind, heads, window) and its MLP or MoE.
// Loaded from our YAML (scenarios/models/*.yaml) or a Hugging Face config.json.

#include <cstdint>
#include <string>
#include <vector>

#include "kvsim/core/error.h"
#include "kvsim/model/weight_format.h"

namespace kvsim::model {

enum class AttentionKind { mha, gqa, mqa, mla };
const char* to_string(AttentionKind k);

struct AttentionSpec {
  AttentionKind kind = AttentionKind::gqa;
  int64_t q_heads = 0;
  int64_t kv_heads = 0;     ///< K/V heads (MHA: = q_heads; MQA: 1; MLA: q_heads, informational)
  int64_t head_dim = 0;     ///< query/key dim per head (MLA: qk_nope + qk_rope)
  int64_t v_head_dim = 0;   ///< value dim per head
  int64_t latent_dim = 0;   ///< MLA: kv_lora_rank (compressed KV cached per token)
  int64_t rope_dim = 0;     ///< MLA: decoupled RoPE key dims cached per token
  int64_t q_lora_rank = 0;  ///< MLA: query compression rank, 0 = none
  int64_t window = 0;       ///< sliding-window length in tokens, 0 = full attention
  bool qkv_bias = false;
  bool o_bias = false;
  bool qk_norm = false;
  bool sinks = false;  ///< learned per-head attention-sink logits (gpt-oss)

  bool operator==(const AttentionSpec&) const = default;
};

struct MlpSpec {
  int64_t intermediate = 0;  ///< dense FFN width, or the width of one routed expert
  bool gated = true;         ///< SwiGLU/GeGLU: 3 matrices; else 2
  bool bias = false;
  int64_t experts = 0;  ///< routed experts; 0 = dense MLP
  int64_t experts_per_token = 0;
  int64_t shared_experts = 0;  ///< always-active experts of width `intermediate`
  bool router_bias = false;

  bool is_moe() const { return experts > 0; }
  bool operator==(const MlpSpec&) const = default;
};

struct LayerSpec {
  AttentionSpec attention;
  MlpSpec mlp;
  int64_t norm_vectors = 2;  ///< hidden-sized norm weight vectors in the layer
};

struct ModelSpec {
  std::string name;
  std::string display_name;
  std::string source;
  int64_t hidden = 0;
  int64_t vocab = 0;
  int64_t max_context = 0;
  bool tie_embeddings = false;
  WeightFormat weights;            ///< dense linear layers (attention, dense MLP, shared experts)
  WeightFormat expert_weights;     ///< routed experts
  WeightFormat embedding_weights;  ///< embedding, LM head, norms, routers
  std::string kv_dtype = "bf16";   ///< native KV precision: a registered precision plug-in name
  std::vector<LayerSpec> layers;
  int64_t mtp_layers = 0;          ///< multi-token-prediction layers, not counted in the main stack
  std::vector<std::string> notes;  ///< assumptions made while loading
  core::SourceLoc loc;

  int64_t num_layers() const { return static_cast<int64_t>(layers.size()); }
  bool is_moe() const;
  bool has_windows() const;
};

/// Consistency checks shared by every loader (heads divide, dims positive, ...). Errors point at
/// `loc`.
void validate_model(const ModelSpec& m);

/// A built-in name ("llama-3.1-70b"), a YAML path, or a Hugging Face / DeepSeek config.json path.
/// An unknown name is an InputError at `where` labelled `label`.
ModelSpec load_model(const std::string& name_or_path,
                     const core::SourceLoc& where = core::SourceLoc::of("kvsim"),
                     const std::string& label = "--model");
std::vector<std::string> builtin_model_names();

}  // namespace kvsim::model
