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

StepTime& StepTime::operator+=(const StepTime& o) {
  seconds += o.seconds;
  hbm_bytes += o.hbm_bytes;
  flops += o.flops;
  for (size_t i = 0; i < bound_seconds.size(); ++i)
    bound_seconds[i] += o.bound_seconds[i];
  return *this;
}

void StepTime::add(double count, const OpCost& c) {
  seconds += count * c.seconds;
  hbm_bytes += count * c.work.level(Level::hbm);
  flops += count * c.work.total_flops();
  bound_seconds[static_cast<size_t>(c.bound)] += count * c.seconds;
}

StepTime StepTime::scaled(double f) const {
  StepTime s = *this;
  s.seconds *= f;
  s.hbm_bytes *= f;
  s.flops *= f;
  for (double& b : s.bound_seconds)
    b *= f;
  return s;
}

void add_prefill_chunk(StepBatch& b, const std::vector<kv::RetentionRule>& rules, int64_t prefix,
                       int64_t tokens) {
  if (tokens <= 0) return;
  ++b.prefill_seqs;
  b.prefill_tokens += static_cast<double>(tokens);
  const double p = static_cast<double>(prefix), q = static_cast<double>(tokens);
  for (size_t r = 0; r < rules.size(); ++r) {
    const int64_t bound = rules[r].max_resident();
    // Row i (1-based) of the chunk sees min(prefix + i, window) keys.
    double pairs = 0;
    if (bound == 0 || prefix + tokens <= bound) {
      pairs = q * p + q * (q + 1) / 2;
    } else if (prefix >= bound) {
      pairs = q * static_cast<double>(bound);
    } else {
      const double m = static_cast<double>(bound - prefix);  // rows before the window fills
      pairs = m * p + m * (m + 1) / 2 + (q - m) * static_cast<double>(bound);
    }
    b.prefill_pairs[r] += pairs;
    b.prefill_kv[r] += bound == 0 ? p + q : std::min(static_cast<double>(bound), p + q);
  }
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
  for (const kv::RetentionRule& r : rules_) {
    decode_names_.push_back("decode_attention[" + r.describe() + "]");
    prefill_names_.push_back("prefill_attention[" + r.describe() + "]");
  }
}

StepBatch StepModel::empty_batch() const {
  StepBatch b;
  b.decode_attended.assign(rules_.size(), 0);
  b.prefill_pairs.assign(rules_.size(), 0);
  b.prefill_kv.assign(rules_.size(), 0);
  return b;
}

void StepModel::token_ops(int64_t t, int64_t logit_rows, const Emit& emit) const {
  const model::ModelSpec& m = *model_;
  const hw::HardwareProfile& hw = *hw_;
  if (t > 0) {
    for (size_t s = 0; s < stages_.size(); ++s) {
      if (s == 0) emit("embedding", 1, elementwise_cost(embedding_op(t, m.hidden), hw));
      for (const LayerKind& kind : stages_[s].kinds)
        layer_token_ops(kind, t, emit);
      if (s + 1 < stages_.size()) {
        const CollectiveOp hop{CollectiveKind::send_recv, static_cast<double>(t * m.hidden) * 2, 2,
                               LinkKind::scale_up};
        emit("pp_send_recv", 1, collective_cost(hop, hw));
      }
    }
  }
  if (logit_rows > 0) {
    emit("final_norm", 1, elementwise_cost(rmsnorm_op(logit_rows, m.hidden), hw));
    emit("lm_head", 1,
         gemm_cost(GemmOp{logit_rows, (m.vocab + par_.tp - 1) / par_.tp, m.hidden, GemmDtype::bf16},
                   hw));
  }
}

void StepModel::attention_ops(const StepBatch& b, const Emit& emit, bool decodes) const {
  for (const Stage& st : stages_) {
    for (const LayerKind& kind : st.kinds)
      layer_attention_ops(kind, b, emit, decodes);
  }
}

namespace {

void check_sizes(const StepBatch& b, size_t rules) {
  if (b.decode_attended.size() != rules || b.prefill_pairs.size() != rules ||
      b.prefill_kv.size() != rules) {
    throw std::logic_error("StepBatch vectors must be sized to StepModel::rules()");
  }
}

}  // namespace

StepCost StepModel::cost(const StepBatch& b) const {
  check_sizes(b, rules_.size());
  StepCost out;
  const auto t = static_cast<int64_t>(std::ceil(b.new_tokens()));
  if (t <= 0) return out;
  const Emit collect = [&out](std::string_view name, double count, const OpCost& c) {
    if (count <= 0) return;
    out.seconds += count * c.seconds;
    out.work += c.work * count;
    auto it = std::find_if(out.ops.begin(), out.ops.end(),
                           [&](const StepOpCost& o) { return o.name == name; });
    if (it == out.ops.end()) {
      out.ops.push_back({std::string(name), count, count * c.seconds, c.bound, c.work * count});
    } else {
      it->count += count;
      it->seconds += count * c.seconds;
      it->work += c.work * count;
    }
  };
  token_ops(t, b.logit_rows, collect);
  attention_ops(b, collect);
  return out;
}

StepTime StepModel::time(const StepBatch& b) const {
  check_sizes(b, rules_.size());
  StepTime out;
  const auto t = static_cast<int64_t>(std::ceil(b.new_tokens()));
  if (t <= 0) return out;
  auto memo = [this](std::vector<StepTime>& table, std::vector<char>& done, int64_t key,
                     bool head) -> const StepTime& {
    const auto i = static_cast<size_t>(key);
    if (i >= table.size()) {
      table.resize(std::max(i + 1, table.size() * 2));
      done.resize(table.size(), 0);
    }
    if (!done[i]) {
      StepTime st;
      const Emit acc = [&st](std::string_view, double count, const OpCost& c) { st.add(count, c); };
      head ? token_ops(0, key, acc) : token_ops(key, 0, acc);
      table[i] = st;
      done[i] = 1;
    }
    return table[i];
  };
  out += memo(token_memo_, token_memo_done_, t, false);
  if (b.logit_rows > 0) out += memo(head_memo_, head_memo_done_, b.logit_rows, true);
  // Attention: decodes through the memo; prefill chunks (rarer, and keyed by more values) directly.
  if (b.decode_seqs > 0) {
    size_t index = 0;
    for (const Stage& st : stages_) {
      for (const LayerKind& kind : st.kinds)
        add_decode_time(index++, kind, b, out);
    }
  }
  if (b.prefill_seqs <= 0) return out;
  const Emit acc = [&out](std::string_view, double count, const OpCost& c) { out.add(count, c); };
  attention_ops(b, acc, false);
  return out;
}

}  // namespace kvsim::perf
