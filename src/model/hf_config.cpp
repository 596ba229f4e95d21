// Hugging Face config.json -> ModelSpec. Unknown keys are ignored (HF configs carry many that do
// not affect memory or time); a missing required key is an error at the object it belongs to. Where
// a value is absent and transformers itself supplies a default, that default is used and noted.

#include "kvsim/model/hf_config.h"

#include <fmt/format.h>

#include "kvsim/core/reader.h"

namespace kvsim::model {
namespace {

const auto kPos = core::IntRange::positive(int64_t{1} << 40);

WeightFormat base_format(core::MapReader& c, ModelSpec& m) {
  std::optional<std::string> dtype = c.maybe_string("torch_dtype");
  if (!dtype) dtype = c.maybe_string("dtype");
  if (!dtype) {
    m.notes.push_back("torch_dtype not in the file: weights assumed bf16");
    return *find_weight_format("bf16");
  }
  if (*dtype == "bfloat16") return *find_weight_format("bf16");
  if (*dtype == "float16") return *find_weight_format("fp16");
  if (*dtype == "float32") return *find_weight_format("fp32");
  c.fail(c.find("torch_dtype") ? "torch_dtype" : "dtype",
         fmt::format("unsupported dtype '{}' (expected bfloat16, float16 or float32)", *dtype));
}

// Applies quantization_config to the weight formats.
void read_quantization(core::MapReader& top, ModelSpec& m) {
  auto q = top.maybe_map("quantization_config");
  if (!q) return;
  const std::string method = q->string("quant_method");
  if (method == "fp8") {
    bool block128 = false;
    if (const core::Doc* b = q->find("weight_block_size"); b && b->is_sequence()) {
      block128 = b->items.size() == 2 && b->items[0].text == "128" && b->items[1].text == "128";
    }
    m.weights = *find_weight_format(block128 ? "fp8_block128" : "fp8");
    m.expert_weights = m.weights;  // embedding and LM head stay in the checkpoint dtype
  } else if (method == "mxfp4") {
    m.expert_weights = *find_weight_format("mxfp4");  // attention, router, embeddings not converted
  } else if (method == "awq" || method == "gptq") {
    const int64_t bits = q->integer("bits", core::IntRange{4, 8});
    m.weights = *find_weight_format(bits == 4 ? "int4_g128" : "int8");
    m.expert_weights = m.weights;
  } else {
    q->fail(
        "quant_method",
        fmt::format("unsupported quantization '{}' (supported: fp8, mxfp4, awq, gptq)", method));
  }
}

// Window of each layer, from whichever convention the config uses.
std::vector<int64_t> read_windows(core::MapReader& c, const std::string& type, int64_t layers,
                                  ModelSpec& m) {
  std::vector<int64_t> w(static_cast<size_t>(layers), 0);
  const std::optional<int64_t> window = c.maybe_integer("sliding_window", kPos);
  if (const core::Doc* types = c.find("layer_types")) {
    const std::string path = c.key_path("layer_types");
    if (!types->is_sequence() || static_cast<int64_t>(types->items.size()) != layers) {
      core::fail_at(types->loc, fmt::format("{}: expected a list of {} layer types", path, layers));
    }
    for (size_t i = 0; i < w.size(); ++i) {
      const std::string t = core::read_string(types->items[i], path + "[]");
      if (t == "sliding_attention") {
        if (!window) c.require("sliding_window");
        w[i] = *window;
      } else if (t != "full_attention") {
        core::fail_at(types->items[i].loc, fmt::format("{}: unknown layer type '{}'", path, t));
      }
    }
    return w;
  }
  if (type == "gemma2") {
    if (!window) c.require("sliding_window");
    for (size_t i = 0; i < w.size(); i += 2)
      w[i] = *window;  // even layers local (transformers)
    return w;
  }
  if (type == "gemma3" || type == "gemma3_text") {
    if (!window) c.require("sliding_window");
    std::optional<int64_t> period = c.maybe_integer("sliding_window_pattern", kPos);
    if (!period)
      m.notes.push_back("sliding_window_pattern not in the file: transformers default 6");
    const size_t p = static_cast<size_t>(period.value_or(6));
    for (size_t i = 0; i < w.size(); ++i)
      w[i] = (i + 1) % p == 0 ? 0 : *window;
    return w;
  }
  if (const std::optional<bool> use = c.maybe_boolean("use_sliding_window")) {
    if (!*use || !window) return w;
    const int64_t full_layers =
        c.maybe_integer("max_window_layers", core::IntRange::non_negative()).value_or(layers);
    for (int64_t i = full_layers; i < layers; ++i)
      w[static_cast<size_t>(i)] = *window;
    return w;
  }
  if (window) std::fill(w.begin(), w.end(), *window);
  return w;
}

AttentionSpec read_attention(core::MapReader& c, const std::string& type, int64_t hidden,
                             ModelSpec& m) {
  AttentionSpec a;
  a.q_heads = c.integer("num_attention_heads", kPos);
  if (c.has("kv_lora_rank")) {
    a.kind = AttentionKind::mla;
    a.latent_dim = c.integer("kv_lora_rank", kPos);
    a.rope_dim = c.integer("qk_rope_head_dim", kPos);
    a.head_dim = c.integer("qk_nope_head_dim", kPos) + a.rope_dim;
    a.v_head_dim = c.integer("v_head_dim", kPos);
    a.q_lora_rank = c.maybe_integer("q_lora_rank", core::IntRange::non_negative()).value_or(0);
    a.kv_heads = a.q_heads;
    return a;
  }
  std::optional<int64_t> kv = c.maybe_integer("num_key_value_heads", kPos);
  if (!kv) m.notes.push_back("num_key_value_heads not in the file: equal to the attention heads");
  a.kv_heads = kv.value_or(a.q_heads);
  a.kind = a.kv_heads == a.q_heads ? AttentionKind::mha
           : a.kv_heads == 1       ? AttentionKind::mqa
                                   : AttentionKind::gqa;
  std::optional<int64_t> hd = c.maybe_integer("head_dim", kPos);
  if (!hd) {
    if (hidden % a.q_heads != 0) c.require("head_dim");
    m.notes.push_back(
        fmt::format("head_dim not in the file: hidden_size / heads = {}", hidden / a.q_heads));
  }
  a.head_dim = hd.value_or(hidden / a.q_heads);
  a.v_head_dim = a.head_dim;
  const bool bias = c.maybe_boolean("attention_bias").value_or(false);
  a.qkv_bias = bias || type == "qwen2" || type == "qwen2_moe";  // Qwen2 projects q/k/v with bias
  a.o_bias = bias;
  a.qk_norm = type == "gemma3" || type == "gemma3_text" || type == "qwen3" || type == "qwen3_moe";
  a.sinks = type == "gpt_oss";
  return a;
}

}  // namespace

ModelSpec parse_hf_config(const core::Doc& doc, const std::string& name) {
  core::MapReader top(doc);
  ModelSpec m;
  m.loc = doc.loc;
  m.name = top.maybe_string("_name_or_path").value_or(name);
  m.display_name = m.name;
  m.source = "Hugging Face config.json: " + doc.loc.file_name();
  const std::string type = top.maybe_string("model_type").value_or("");
  core::MapReader c = top.maybe_map("text_config").value_or(top);  // multimodal: text part

  m.hidden = c.integer("hidden_size", kPos);
  const int64_t layers = c.integer("num_hidden_layers", core::IntRange::positive(100000));
  m.vocab = c.integer("vocab_size", kPos);
  m.max_context = c.integer("max_position_embeddings", kPos);
  const bool gemma = type.rfind("gemma", 0) == 0;
  std::optional<bool> tie = c.maybe_boolean("tie_word_embeddings");
  if (!tie) tie = top.maybe_boolean("tie_word_embeddings");
  if (!tie && gemma) m.notes.push_back("tie_word_embeddings not in the file: Gemma ties them");
  m.tie_embeddings = tie.value_or(gemma);
  m.mtp_layers =
      c.maybe_integer("num_nextn_predict_layers", core::IntRange::non_negative(64)).value_or(0);
  m.weights = base_format(c, m);
  m.expert_weights = m.embedding_weights = m.weights;
  m.kv_dtype = m.weights.name == "fp16" ? "fp16" : "bf16";
  read_quantization(top, m);

  const AttentionSpec attention = read_attention(c, type, m.hidden, m);
  const std::vector<int64_t> windows = read_windows(c, type, layers, m);

  MlpSpec dense;
  std::optional<int64_t> experts = c.maybe_integer("num_local_experts", kPos);
  if (!experts) experts = c.maybe_integer("n_routed_experts", kPos);
  if (!experts) experts = c.maybe_integer("num_experts", kPos);
  if (!experts ||
      c.maybe_integer("first_k_dense_replace", core::IntRange::non_negative()).value_or(0) > 0) {
    dense.intermediate = c.integer("intermediate_size", kPos);
  }
  dense.bias = c.maybe_boolean("mlp_bias").value_or(false);
  MlpSpec moe;
  int64_t first_moe = layers;
  int64_t frequency = 1;
  if (experts) {
    moe.experts = *experts;
    std::optional<int64_t> k = c.maybe_integer("num_experts_per_tok", kPos);
    if (!k) k = c.maybe_integer("experts_per_token", kPos);
    if (!k) c.require("num_experts_per_tok");
    moe.experts_per_token = *k;
    moe.intermediate = c.maybe_integer("moe_intermediate_size", kPos).value_or(0);
    if (moe.intermediate == 0) moe.intermediate = c.integer("intermediate_size", kPos);
    moe.shared_experts =
        c.maybe_integer("n_shared_experts", core::IntRange::non_negative()).value_or(0);
    moe.bias = type == "gpt_oss";
    moe.router_bias = type == "gpt_oss" || c.maybe_string("topk_method").value_or("") == "noaux_tc";
    first_moe =
        c.maybe_integer("first_k_dense_replace", core::IntRange::non_negative(layers)).value_or(0);
    frequency = c.maybe_integer("moe_layer_freq", kPos).value_or(1);
  }
  for (int64_t i = 0; i < layers; ++i) {
    LayerSpec l;
    l.attention = attention;
    l.attention.window = windows[static_cast<size_t>(i)];
    const bool is_moe = experts && i >= first_moe && (i - first_moe) % frequency == 0;
    l.mlp = is_moe ? moe : dense;
    l.norm_vectors = gemma ? 4 : 2;
    m.layers.push_back(l);
  }
  return m;
}

}  // namespace kvsim::model
