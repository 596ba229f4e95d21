#include "kvsim/perf/memory_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kvsim/core/checked.h"
#include "kvsim/core/error.h"
#include "kvsim/core/units.h"
#include "kvsim/model/parameters.h"

namespace kvsim::perf {
namespace {

int64_t bytes_of(int64_t params, const model::WeightFormat& f, int64_t split) {
  const double bytes =
      static_cast<double>(params) * f.bits_per_param / 8.0 / static_cast<double>(split);
  return core::checked_round(std::ceil(bytes), "weight bytes");
}

constexpr int64_t kActivationBytes = 2;  // bf16 activations
constexpr int64_t kLogitBytes = 4;       // fp32 logits

}  // namespace

int64_t default_runtime_reserve(const Parallelism& par) {
  const int64_t half = core::kGiB / 2;
  return half + half + (par.gpus() > 1 ? half : 0);
}

WeightBytes stage_weight_bytes(const model::ModelSpec& m, int64_t tp, int64_t first, int64_t end,
                               bool first_stage, bool last_stage, int64_t pp) {
  WeightBytes w;
  const model::ModelParams params = model::count_params(m);
  int64_t attention = 0, dense = 0, experts = 0, replicated_linear = 0, small = 0;
  for (int64_t i = first; i < end; ++i) {
    const model::LayerParams& p = params.layers[static_cast<size_t>(i)];
    attention += p.attention_sharded;
    dense += p.mlp_dense + p.experts_shared;
    experts += p.experts_routed;
    replicated_linear += p.attention_replicated;
    small += p.router + p.norms;
  }
  w.attention = bytes_of(attention, m.weights, tp);
  w.mlp = bytes_of(dense, m.weights, tp);
  w.experts = bytes_of(experts, m.expert_weights, tp);
  w.replicated =
      bytes_of(replicated_linear, m.weights, 1) + bytes_of(small, m.embedding_weights, 1);
  int64_t vocab_params = 0;
  if (first_stage) vocab_params += params.embedding;
  if (last_stage) {
    // A tied LM head reuses the embedding, unless the two ends live on different stages.
    vocab_params += params.lm_head > 0 ? params.lm_head : (pp > 1 ? params.embedding : 0);
    w.replicated += bytes_of(params.final_norm, m.embedding_weights, 1);
  }
  w.embedding = bytes_of(vocab_params, m.embedding_weights, tp);  // vocab-parallel
  return w;
}

int64_t stage_activation_bytes(const model::ModelSpec& m, int64_t tp, int64_t first, int64_t end,
                               bool last_stage, int64_t tokens, int64_t sequences) {
  int64_t widest = 0;
  for (int64_t i = first; i < end; ++i) {
    const model::LayerSpec& l = m.layers[static_cast<size_t>(i)];
    const model::AttentionSpec& a = l.attention;
    const int64_t qkv = (a.q_heads * a.head_dim + 2 * a.kv_heads * a.v_head_dim) / tp;
    int64_t mlp = 3 * l.mlp.intermediate / tp;  // gate+up output and activation output
    if (l.mlp.is_moe()) {
      mlp = (l.mlp.experts_per_token + l.mlp.shared_experts) * mlp +
            l.mlp.experts * kLogitBytes / kActivationBytes;  // router logits in fp32
    }
    widest = std::max({widest, qkv, mlp});
  }
  int64_t bytes =
      core::checked_mul(tokens, (2 * m.hidden + widest) * kActivationBytes, "activation bytes");
  if (last_stage) {
    bytes = core::checked_add(
        bytes, core::checked_mul(std::min(tokens, sequences), m.vocab * kLogitBytes, "logit bytes"),
        "activation bytes");
  }
  return bytes;
}

MemoryPlan plan_memory(const model::ModelSpec& m, const hw::HardwareProfile& hw,
                       const Parallelism& par, const kv::KvPolicy& policy,
                       const MemoryOptions& options) {
  if (par.pp > m.num_layers()) {
    throw core::ConfigError(
        "pp", fmt::format("PP {} exceeds the model's {} layers", par.pp, m.num_layers()));
  }
  MemoryPlan plan;
  auto owned = std::make_shared<kv::KvPolicy>(policy);
  owned->fill_defaults(m);
  plan.policy = owned;
  plan.device_bytes = hw.hbm.capacity_bytes;
  plan.usable_bytes = static_cast<int64_t>(
      std::floor(static_cast<double>(hw.hbm.capacity_bytes) * options.memory_utilization));
  plan.whole_model_kv = std::make_shared<kv::KvPlan>(m, *owned, 1, 0, m.num_layers());
  const int64_t reserve = options.runtime_reserve_bytes.value_or(default_runtime_reserve(par));
  for (int64_t s = 0; s < par.pp; ++s) {
    StageMemory st;
    st.stage = s;
    std::tie(st.first_layer, st.end_layer) = stage_layers(m.num_layers(), par.pp, s);
    const bool first = s == 0;
    const bool last = s == par.pp - 1;
    st.weights = stage_weight_bytes(m, par.tp, st.first_layer, st.end_layer, first, last, par.pp);
    st.activation_bytes = stage_activation_bytes(m, par.tp, st.first_layer, st.end_layer, last,
                                                 options.max_batched_tokens, options.max_sequences);
    st.runtime_reserve_bytes = reserve;
    st.kv_budget_bytes = plan.usable_bytes - st.weights.total() - st.activation_bytes - reserve;
    st.kv = std::make_shared<kv::KvPlan>(m, *owned, par.tp, st.first_layer, st.end_layer);
    plan.stages.push_back(std::move(st));
  }
  return plan;
}

}  // namespace kvsim::perf
