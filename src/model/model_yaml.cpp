#include "kvsim/model/model_yaml.h"

#include <fmt/format.h>

#include "kvsim/core/reader.h"
#include "kvsim/core/suggest.h"

namespace kvsim::model {
namespace {

WeightFormat read_format(core::MapReader& m, std::string_view key, const WeightFormat& fallback) {
  std::optional<std::string> name = m.maybe_string(key);
  if (!name) return fallback;
  std::optional<WeightFormat> f = find_weight_format(*name);
  if (!f) {
    m.fail(key, fmt::format("unknown weight format '{}'{} (known: {})", *name,
                            core::did_you_mean(*name, weight_format_names()),
                            core::join(weight_format_names())));
  }
  return *f;
}

AttentionKind read_kind(core::MapReader& a) {
  const std::string kind = a.string("kind");
  for (AttentionKind k :
       {AttentionKind::mha, AttentionKind::gqa, AttentionKind::mqa, AttentionKind::mla}) {
    if (kind == to_string(k)) return k;
  }
  a.fail("kind", fmt::format("expected mha, gqa, mqa or mla, got '{}'", kind));
}

// The attention of every layer (before per-layer windows are applied).
AttentionSpec read_attention(core::MapReader& a, int64_t hidden) {
  const auto pos = core::IntRange::positive(1 << 20);
  AttentionSpec s;
  s.kind = read_kind(a);
  s.q_heads = a.integer("q_heads", pos);
  if (s.kind == AttentionKind::mla) {
    s.latent_dim = a.integer("kv_lora_rank", pos);
    s.rope_dim = a.integer("qk_rope_head_dim", pos);
    s.head_dim = a.integer("qk_nope_head_dim", pos) + s.rope_dim;
    s.v_head_dim = a.integer("v_head_dim", pos);
    s.q_lora_rank =
        a.maybe_integer("q_lora_rank", core::IntRange::non_negative(1 << 20)).value_or(0);
    s.kv_heads = s.q_heads;
  } else {
    const std::optional<int64_t> kv = a.maybe_integer("kv_heads", pos);
    if (s.kind == AttentionKind::mha) {
      s.kv_heads = kv.value_or(s.q_heads);
      if (s.kv_heads != s.q_heads) a.fail("kv_heads", "mha needs kv_heads == q_heads (use gqa)");
    } else if (s.kind == AttentionKind::mqa) {
      s.kv_heads = kv.value_or(1);
      if (s.kv_heads != 1) a.fail("kv_heads", "mqa needs kv_heads == 1 (use gqa)");
    } else {
      if (!kv) a.require("kv_heads");
      s.kv_heads = *kv;
    }
    if (s.q_heads % s.kv_heads != 0) {
      a.fail("kv_heads", fmt::format("{} does not divide q_heads {}", s.kv_heads, s.q_heads));
    }
    s.head_dim = a.maybe_integer("head_dim", pos).value_or(0);
    if (s.head_dim == 0) {
      if (hidden % s.q_heads != 0) a.fail("q_heads", "does not divide hidden_size; give head_dim");
      s.head_dim = hidden / s.q_heads;
    }
    s.v_head_dim = a.maybe_integer("v_head_dim", pos).value_or(s.head_dim);
  }
  s.qkv_bias = a.maybe_boolean("qkv_bias").value_or(false);
  s.o_bias = a.maybe_boolean("o_bias").value_or(false);
  s.qk_norm = a.maybe_boolean("qk_norm").value_or(false);
  s.sinks = a.maybe_boolean("sinks").value_or(false);
  return s;
}

// Per-layer windows: `window` for every layer, or `window_pattern` repeated over the layers.
std::vector<int64_t> read_windows(core::MapReader& a, int64_t layers) {
  const std::optional<int64_t> window = a.maybe_integer("window", core::IntRange::non_negative());
  const core::Doc* pattern = a.find("window_pattern");
  if (window && pattern) a.fail("window_pattern", "give either 'window' or 'window_pattern'");
  std::vector<int64_t> cycle{window.value_or(0)};
  if (pattern) {
    const std::string path = a.key_path("window_pattern");
    if (!pattern->is_sequence() || pattern->items.empty()) {
      core::fail_at(pattern->loc, path + ": expected a non-empty list of windows (0 = full)");
    }
    cycle.clear();
    for (const auto& item : pattern->items) {
      cycle.push_back(core::read_integer(item, path + "[]", core::IntRange::non_negative()));
    }
  }
  std::vector<int64_t> out(static_cast<size_t>(layers));
  for (size_t i = 0; i < out.size(); ++i)
    out[i] = cycle[i % cycle.size()];
  return out;
}

}  // namespace

ModelSpec parse_model_yaml(const core::Doc& doc) {
  const auto pos = core::IntRange::positive();
  core::MapReader top(doc);
  ModelSpec m;
  m.loc = doc.loc;
  m.name = top.string("name");
  m.display_name = top.maybe_string("display_name").value_or(m.name);
  m.source = top.maybe_string("source").value_or("");
  m.hidden = top.integer("hidden_size", core::IntRange::positive(1 << 24));
  const int64_t layers = top.integer("num_layers", core::IntRange::positive(100000));
  m.vocab = top.integer("vocab_size", core::IntRange::positive(1 << 30));
  m.max_context = top.integer("max_context", pos);
  m.tie_embeddings = top.maybe_boolean("tie_word_embeddings").value_or(false);
  m.mtp_layers = top.maybe_integer("mtp_layers", core::IntRange::non_negative(64)).value_or(0);
  const int64_t norms =
      top.maybe_integer("norms_per_layer", core::IntRange::non_negative(16)).value_or(2);

  if (auto w = top.maybe_map("weights")) {
    m.weights = read_format(*w, "dtype", WeightFormat{});
    m.expert_weights = read_format(*w, "expert_dtype", m.weights);
    m.embedding_weights = read_format(*w, "embedding_dtype", m.weights);
    w->finish();
  } else {
    m.expert_weights = m.embedding_weights = m.weights;
  }
  m.kv_dtype = top.maybe_string("kv_dtype").value_or("bf16");
  if (m.kv_dtype != "bf16" && m.kv_dtype != "fp16" && m.kv_dtype != "fp8" && m.kv_dtype != "int8") {
    top.fail("kv_dtype", fmt::format("expected bf16, fp16, fp8 or int8, got '{}'", m.kv_dtype));
  }

  core::MapReader a = top.map("attention");
  const AttentionSpec attention = read_attention(a, m.hidden);
  const std::vector<int64_t> windows = read_windows(a, layers);
  a.finish();

  MlpSpec moe;
  int64_t first_dense = layers;
  if (auto e = top.maybe_map("moe")) {
    moe.experts = e->integer("experts", core::IntRange::positive(1 << 20));
    moe.experts_per_token = e->integer("experts_per_token", core::IntRange::positive(moe.experts));
    moe.intermediate = e->integer("intermediate_size", pos);
    moe.shared_experts =
        e->maybe_integer("shared_experts", core::IntRange::non_negative(1024)).value_or(0);
    moe.router_bias = e->maybe_boolean("router_bias").value_or(false);
    moe.bias = e->maybe_boolean("expert_bias").value_or(false);
    first_dense =
        e->maybe_integer("first_dense_layers", core::IntRange::non_negative(layers)).value_or(0);
    e->finish();
  }

  // The dense MLP; optional when every layer is MoE.
  MlpSpec dense;
  auto mlp_reader = top.maybe_map("mlp");
  if (!mlp_reader && first_dense > 0) top.require("mlp");
  if (mlp_reader) {
    dense.intermediate = mlp_reader->integer("intermediate_size", pos);
    dense.gated = mlp_reader->maybe_boolean("gated").value_or(true);
    dense.bias = mlp_reader->maybe_boolean("bias").value_or(false);
    mlp_reader->finish();
  }
  moe.gated = dense.gated;

  for (int64_t i = 0; i < layers; ++i) {
    LayerSpec l;
    l.attention = attention;
    l.attention.window = windows[static_cast<size_t>(i)];
    l.mlp = i >= first_dense ? moe : dense;
    l.norm_vectors = norms;
    m.layers.push_back(l);
  }
  if (const core::Doc* notes = top.find("notes")) {
    if (!notes->is_sequence()) core::fail_at(notes->loc, "notes: expected a list of text lines");
    for (const auto& n : notes->items)
      m.notes.push_back(core::read_string(n, "notes[]"));
  }
  top.finish();
  return m;
}

}  // namespace kvsim::model
