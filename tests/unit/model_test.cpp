#include <gtest/gtest.h>

#include <cmath>

#include "kvsim/core/doc.h"
#include "kvsim/model/hf_config.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/model/model_yaml.h"
#include "kvsim/model/parameters.h"
#include "test_util.h"

namespace kvsim::model {
namespace {

using test::input_error;

// Published total parameter counts (model cards / papers), in billions.
struct Published {
  const char* name;
  double billions;
};

TEST(ModelParams, MatchPublishedTotals) {
  const Published cases[] = {{"llama-3.1-8b", 8.03},     {"llama-3.1-70b", 70.55},
                             {"llama-3.1-405b", 405.85}, {"mistral-7b", 7.24},
                             {"mixtral-8x7b", 46.70},    {"qwen2.5-72b", 72.71},
                             {"deepseek-v2-lite", 15.7}, {"deepseek-v3", 671.0},
                             {"gemma-2-27b", 27.2},      {"gpt-oss-120b", 116.83}};
  for (const auto& c : cases) {
    const ModelSpec m = load_model(c.name);
    const double b = static_cast<double>(count_params(m).total()) / 1e9;
    EXPECT_NEAR(b, c.billions, c.billions * 0.005) << c.name;
  }
}

TEST(ModelParams, Llama8BByHand) {
  const ModelSpec m = load_model("llama-3.1-8b");
  const LayerParams p = count_layer_params(m.layers[0], m.hidden);
  // q 4096x4096 + k,v 4096x1024 each + o 4096x4096; MLP 3 x 4096 x 14336; 2 norms of 4096.
  EXPECT_EQ(p.attention_sharded, 4096LL * 4096 * 2 + 4096LL * 1024 * 2);
  EXPECT_EQ(p.mlp_dense, 3LL * 4096 * 14336);
  EXPECT_EQ(p.norms, 2 * 4096);
  EXPECT_EQ(count_params(m).total(), 32 * p.total() + 2LL * 128256 * 4096 + 4096);
}

TEST(ModelParams, MoeActiveParameters) {
  const ModelSpec m = load_model("mixtral-8x7b");
  const ModelParams p = count_params(m);
  // Mixtral: 46.7 B total, about 12.9 B active per token (Mistral AI).
  EXPECT_NEAR(static_cast<double>(p.active_per_token(m)) / 1e9, 12.9, 0.1);
}

TEST(ModelYaml, WindowPatternsRepeatOverLayers) {
  const ModelSpec g3 = load_model("gemma-3-27b");
  int global = 0;
  for (const auto& l : g3.layers)
    global += l.attention.window == 0 ? 1 : 0;
  EXPECT_EQ(global, 10);
  EXPECT_EQ(g3.layers[5].attention.window, 0);
  EXPECT_EQ(g3.layers[4].attention.window, 1024);
  const ModelSpec g2 = load_model("gemma-2-27b");
  EXPECT_EQ(g2.layers[0].attention.window, 4096);
  EXPECT_EQ(g2.layers[1].attention.window, 0);
  const ModelSpec mistral = load_model("mistral-7b");
  for (const auto& l : mistral.layers)
    EXPECT_EQ(l.attention.window, 4096);
}

TEST(ModelYaml, MoeLayersStartAfterDenseOnes) {
  const ModelSpec m = load_model("deepseek-v3");
  EXPECT_FALSE(m.layers[2].mlp.is_moe());
  EXPECT_TRUE(m.layers[3].mlp.is_moe());
  EXPECT_EQ(m.layers[3].mlp.experts, 256);
  EXPECT_EQ(m.layers[0].attention.kind, AttentionKind::mla);
}

// Every shipped HF config loads and agrees with the YAML model of the same name.
TEST(HfConfig, AgreesWithYamlModels) {
  const std::pair<const char*, const char*> pairs[] = {
      {"meta-llama--Meta-Llama-3.1-8B_config.json", "llama-3.1-8b"},
      {"meta-llama--Meta-Llama-3.1-70B_config.json", "llama-3.1-70b"},
      {"meta-llama--Meta-Llama-3.1-405B_config.json", "llama-3.1-405b"},
      {"mistralai--Mixtral-8x7B-v0.1_config.json", "mixtral-8x7b"},
      {"Qwen--Qwen2.5-72B_config.json", "qwen2.5-72b"},
      {"deepseek-ai--DeepSeek-V3_config.json", "deepseek-v3"},
      {"deepseek-ai_DeepSeek-V3-repo_inference_config_671B.json", "deepseek-v3"},
      {"deepseek-ai_DeepSeek-V3-repo_inference_config_16B.json", "deepseek-v2-lite"},
      {"openai--gpt-oss-120b_config.json", "gpt-oss-120b"}};
  for (const auto& [file, name] : pairs) {
    const ModelSpec hf = load_model(test::data_path("models/") + file);
    const ModelSpec yaml = load_model(name);
    EXPECT_EQ(count_params(hf).total(), count_params(yaml).total()) << file;
    ASSERT_EQ(hf.num_layers(), yaml.num_layers()) << file;
    for (size_t i = 0; i < hf.layers.size(); ++i) {
      EXPECT_EQ(hf.layers[i].attention.window, yaml.layers[i].attention.window)
          << file << " layer " << i;
      EXPECT_EQ(hf.layers[i].attention.kind, yaml.layers[i].attention.kind) << file;
    }
    EXPECT_EQ(hf.expert_weights.name, yaml.expert_weights.name) << file;
  }
}

TEST(HfConfig, DeepSeekV2ConfigLoads) {
  const ModelSpec m =
      load_model(test::data_path("models/deepseek-ai_DeepSeek-V3-repo_inference_config_236B.json"));
  EXPECT_EQ(m.num_layers(), 60);
  EXPECT_NEAR(static_cast<double>(count_params(m).total()) / 1e9, 236.0, 1.0);  // "236B total"
  EXPECT_EQ(m.max_context, 16384);  // ModelArgs default, noted
  EXPECT_FALSE(m.notes.empty());
}

TEST(HfConfig, Gemma3TextConfigAndLayerPattern) {
  test::TempFile f("gemma3.json", R"({
    "model_type": "gemma3",
    "text_config": {"hidden_size": 5376, "num_hidden_layers": 62, "num_attention_heads": 32,
      "num_key_value_heads": 16, "head_dim": 128, "intermediate_size": 21504, "vocab_size": 262144,
      "max_position_embeddings": 131072, "sliding_window": 1024, "sliding_window_pattern": 6},
    "torch_dtype": "bfloat16"})");
  const ModelSpec hf = load_model(f.path());
  const ModelSpec yaml = load_model("gemma-3-27b");
  EXPECT_EQ(count_params(hf).total(), count_params(yaml).total());
  for (size_t i = 0; i < hf.layers.size(); ++i) {
    EXPECT_EQ(hf.layers[i].attention.window, yaml.layers[i].attention.window) << i;
  }
  EXPECT_TRUE(hf.tie_embeddings);
}

TEST(HfConfig, MissingFieldIsAnErrorNamingIt) {
  test::TempFile f("c.json", "{\n  \"hidden_size\": 4096,\n  \"num_attention_heads\": 32\n}\n");
  const std::string msg = input_error([&] { load_model(f.path()); });
  EXPECT_NE(msg.find(f.path() + ":1:1: error: missing key 'num_hidden_layers'"), std::string::npos)
      << msg;
}

TEST(HfConfig, WrongTypeNamesKeyLineAndColumn) {
  test::TempFile f(
      "c.json",
      "{\"hidden_size\": 4096, \"num_hidden_layers\": \"32\", \"num_attention_heads\": 32}");
  const std::string msg = input_error([&] { load_model(f.path()); });
  EXPECT_NE(msg.find(":1:44: error: num_hidden_layers: expected an integer"), std::string::npos)
      << msg;
}

TEST(ModelYaml, BadInputs) {
  auto err = [](const std::string& text) {
    test::TempFile f("m.yaml", text);
    return input_error([&] { load_model(f.path()); });
  };
  const std::string base =
      "name: x\nhidden_size: 4096\nnum_layers: 2\nvocab_size: 100\nmax_context: 1024\n"
      "mlp: {intermediate_size: 100}\n";
  EXPECT_NE(
      err(base + "attention: {kind: gqa, q_heads: 32, kv_heads: 5}\n").find("does not divide"),
      std::string::npos);
  EXPECT_NE(
      err(base + "attention: {kind: gqq, q_heads: 32}\n").find("expected mha, gqa, mqa or mla"),
      std::string::npos);
  EXPECT_NE(err(base + "attention: {kind: gqa, q_heads: 32, kv_head: 8}\n")
                .find("did you mean 'kv_heads'"),
            std::string::npos);
  EXPECT_NE(err(base + "attention: {kind: mha, q_heads: 0}\n").find("must be in [1,"),
            std::string::npos);
  EXPECT_NE(err(base + "attention: {kind: mha, q_heads: 32}\nweights: {dtype: fp9}\n")
                .find("did you mean 'fp8'"),
            std::string::npos);
  EXPECT_NE(err("name: x\n").find("missing key 'hidden_size'"), std::string::npos);
}

TEST(LoadModel, UnknownBuiltinSuggestsNearest) {
  const std::string msg = input_error([] { load_model("llama-3.1-70"); });
  EXPECT_NE(msg.find("unknown model 'llama-3.1-70'; did you mean 'llama-3.1-70b'?"),
            std::string::npos)
      << msg;
}

TEST(LoadModel, MissingFileIsAnError) {
  const std::string msg = input_error([] { load_model("/nonexistent/model.yaml"); });
  EXPECT_NE(msg.find("/nonexistent/model.yaml: error: cannot open file"), std::string::npos) << msg;
}

}  // namespace
}  // namespace kvsim::model
