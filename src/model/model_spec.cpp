#include "kvsim/model/model_spec.h"

#include <fmt/format.h>

#include <filesystem>

#include "kvsim/core/checked.h"
#include "kvsim/core/resources.h"
#include "kvsim/model/hf_config.h"
#include "kvsim/model/model_yaml.h"
#include "kvsim/model/parameters.h"

namespace kvsim::model {

const char* to_string(AttentionKind k) {
  switch (k) {
    case AttentionKind::mha:
      return "mha";
    case AttentionKind::gqa:
      return "gqa";
    case AttentionKind::mqa:
      return "mqa";
    case AttentionKind::mla:
      return "mla";
  }
  return "?";
}

bool ModelSpec::is_moe() const {
  for (const auto& l : layers) {
    if (l.mlp.is_moe()) return true;
  }
  return false;
}

bool ModelSpec::has_windows() const {
  for (const auto& l : layers) {
    if (l.attention.window > 0) return true;
  }
  return false;
}

void validate_model(const ModelSpec& m) {
  auto fail = [&](const std::string& msg) {
    core::fail_at(m.loc, "model '" + m.name + "': " + msg);
  };
  if (m.layers.empty()) fail("has no layers");
  if (m.hidden <= 0 || m.vocab <= 0 || m.max_context <= 0) {
    fail("hidden size, vocabulary and max context must be positive");
  }
  for (size_t i = 0; i < m.layers.size(); ++i) {
    const AttentionSpec& a = m.layers[i].attention;
    const std::string at = fmt::format("layer {}: ", i);
    if (a.q_heads <= 0 || a.head_dim <= 0 || a.v_head_dim <= 0) {
      fail(at + "attention heads and head dims must be positive");
    }
    if (a.kind == AttentionKind::mla) {
      if (a.latent_dim <= 0 || a.rope_dim <= 0 || a.rope_dim >= a.head_dim) {
        fail(at + "MLA needs kv_lora_rank > 0 and 0 < qk_rope_head_dim < head dim");
      }
    } else {
      if (a.kv_heads <= 0 || a.q_heads % a.kv_heads != 0) {
        fail(at + fmt::format("kv_heads {} must divide q_heads {}", a.kv_heads, a.q_heads));
      }
    }
    if (a.window < 0) fail(at + "window must be >= 0");
    const MlpSpec& mlp = m.layers[i].mlp;
    if (mlp.intermediate <= 0) fail(at + "intermediate size must be positive");
    if (mlp.is_moe() && (mlp.experts_per_token <= 0 || mlp.experts_per_token > mlp.experts)) {
      fail(at + "experts_per_token must be in [1, experts]");
    }
  }
  // Weight and KV byte counts are products of these sizes; a bound on the parameter count keeps
  // them (a few bytes per parameter, summed over layers) far from 64-bit overflow.
  constexpr int64_t kMaxParameters = int64_t{1} << 50;  // about 1.1e15, 500x today's largest
  int64_t params = 0;
  try {
    params = count_params(m).total();
  } catch (const core::OverflowError&) {
    params = -1;
  }
  if (params < 0 || params > kMaxParameters) {
    fail(
        fmt::format("{} parameters (hidden size {}, {} layers, vocabulary {}): more than the 2^50 "
                    "kvsim can size; check the sizes",
                    params < 0 ? std::string("over 2^63") : fmt::format("{}", params), m.hidden,
                    m.layers.size(), m.vocab));
  }
}

ModelSpec load_model(const std::string& name_or_path, const core::SourceLoc& where,
                     const std::string& label) {
  core::Doc doc =
      core::load_named_document(name_or_path, "scenarios/models", "model", where, label);
  const std::string& file = doc.loc.file_name();
  const bool json = file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0;
  ModelSpec m;
  if (json) {
    const std::string stem = std::filesystem::path(file).stem().string();
    m = is_deepseek_inference_config(doc) ? parse_deepseek_config(doc, stem)
                                          : parse_hf_config(doc, stem);
  } else {
    m = parse_model_yaml(doc);
    const bool builtin = file.rfind("<builtin>/", 0) == 0;
    const std::string stem = std::filesystem::path(file).stem().string();
    if (builtin && m.name != stem) {
      core::fail_at(doc.loc, fmt::format("name '{}' must equal the file name '{}'", m.name, stem));
    }
  }
  validate_model(m);
  return m;
}

std::vector<std::string> builtin_model_names() {
  return core::builtin_names("scenarios/models", ".yaml");
}

}  // namespace kvsim::model
