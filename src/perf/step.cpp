#include "kvsim/perf/step.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kvsim/core/error.h"
#include "kvsim/perf/collective.h"
#include "kvsim/perf/elementwise.h"
#include "kvsim/perf/gemm.h"

namespace kvsim::perf {

double expected_experts_touched(double tokens, double k, double experts) {
  if (experts <= 0 || tokens <= 0) return 0;
  return experts * (1 - std::pow(1 - k / experts, tokens));
}

StepModel::StepModel(const model::ModelSpec& model, const hw::HardwareProfile& hw,
                     const Parallelism& par, const kv::KvPolicy& policy)
    : model_(&model), hw_(&hw), par_(par), policy_(policy) {
  if (par.pp > model.num_layers()) {
    throw core::ConfigError(
        "pp", fmt::format("PP {} exceeds the model's {} layers", par.pp, model.num_layers()));
  }
  if (par.ep != 1 && par.ep != par.tp) {
    throw core::ConfigError(
        "ep", fmt::format("EP {} must be 1 or equal to TP {} (experts spread over the TP "
                          "group)",
                          par.ep, par.tp));
  }
  for (int64_t s = 0; s < par.pp; ++s) {
    auto [first, end] = stage_layers(model.num_layers(), par.pp, s);
    Stage st{first, end, kv::KvPlan(model, policy_, par.tp, first, end), {}};
    for (const kv::LayerKv& l : st.kv.layers()) {
      const model::LayerSpec& spec = model.layers[static_cast<size_t>(l.layer)];
      if (spec.mlp.is_moe() && spec.mlp.experts % par.ep != 0) {
        throw core::ConfigError(
            "ep", fmt::format("{} experts cannot be split over EP {}", spec.mlp.experts, par.ep));
      }
      auto rule_it = std::find(rules_.begin(), rules_.end(), l.rule);
      if (rule_it == rules_.end()) rule_it = rules_.insert(rules_.end(), l.rule);
      LayerKind kind;
      kind.attention = l.attention;
      kind.mlp = spec.mlp;
      kind.norm_vectors = spec.norm_vectors;
      kind.rule = static_cast<size_t>(rule_it - rules_.begin());
      kind.stores_kv = l.owner == l.layer;
      kind.values = l.values;
      kind.kv_bytes_per_token = l.bytes_per_token_gpu;
      kind.count = 1;
      auto same = std::find_if(st.kinds.begin(), st.kinds.end(), [&](const LayerKind& k) {
        return k.attention == kind.attention && k.mlp == kind.mlp &&
               k.norm_vectors == kind.norm_vectors && k.rule == kind.rule &&
               k.stores_kv == kind.stores_kv && k.kv_bytes_per_token == kind.kv_bytes_per_token;
      });
      if (same == st.kinds.end()) {
        st.kinds.push_back(kind);
      } else {
        ++same->count;
      }
    }
    stages_.push_back(std::move(st));
  }
}

StepBatch StepModel::empty_batch() const {
  StepBatch b;
  b.decode_attended.assign(rules_.size(), 0);
  b.prefill_pairs.assign(rules_.size(), 0);
  b.prefill_kv.assign(rules_.size(), 0);
  return b;
}

void StepModel::add(StepCost& out, const std::string& name, double count, const OpCost& c) const {
  if (count <= 0) return;
  out.seconds += count * c.seconds;
  out.work += c.work * count;
  auto it = std::find_if(out.ops.begin(), out.ops.end(),
                         [&](const StepOpCost& o) { return o.name == name; });
  if (it == out.ops.end()) {
    out.ops.push_back({name, count, count * c.seconds, c.bound});
  } else {
    it->count += count;
    it->seconds += count * c.seconds;
  }
}

StepCost StepModel::cost(const StepBatch& b) const {
  if (b.decode_attended.size() != rules_.size() || b.prefill_pairs.size() != rules_.size() ||
      b.prefill_kv.size() != rules_.size()) {
    throw std::logic_error("StepBatch vectors must be sized to StepModel::rules()");
  }
  StepCost out;
  const double tokens = b.new_tokens();
  if (tokens <= 0) return out;
  const model::ModelSpec& m = *model_;
  const hw::HardwareProfile& hw = *hw_;
  const auto t = static_cast<int64_t>(std::ceil(tokens));
  for (size_t s = 0; s < stages_.size(); ++s) {
    const Stage& st = stages_[s];
    if (s == 0) add(out, "embedding", 1, elementwise_cost(embedding_op(t, m.hidden), hw));
    for (const LayerKind& kind : st.kinds)
      add_layer_kind_cost(st, kind, b, out);
    if (s + 1 < stages_.size()) {
      add(out, "pp_send_recv", 1,
          collective_cost(
              CollectiveOp{CollectiveKind::send_recv, tokens * static_cast<double>(m.hidden) * 2, 2,
                           LinkKind::scale_up},
              hw));
    }
  }
  if (b.logit_rows > 0) {
    add(out, "final_norm", 1, elementwise_cost(rmsnorm_op(b.logit_rows, m.hidden), hw));
    GemmOp head{b.logit_rows, (m.vocab + par_.tp - 1) / par_.tp, m.hidden, GemmDtype::bf16};
    add(out, "lm_head", 1, gemm_cost(head, hw));
  }
  return out;
}

}  // namespace kvsim::perf
