#include "kvsim/kv/kv_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "kvsim/core/checked.h"
#include "kvsim/core/error.h"

namespace kvsim::kv {

KvPlan::KvPlan(const model::ModelSpec& m, const KvPolicy& policy, int64_t tp, int64_t first_layer,
               int64_t end_layer)
    : policy_(policy), model_max_context_(m.max_context) {
  if (!policy.attention || !policy.precision || !policy.retention || !policy.allocation) {
    throw std::logic_error("KvPlan needs a policy with defaults filled");
  }
  for (int64_t i = first_layer; i < end_layer; ++i) {
    const model::LayerSpec& spec = m.layers[static_cast<size_t>(i)];
    LayerKv l;
    l.layer = i;
    try {
      l.attention = policy.attention->apply(spec.attention);
    } catch (const std::invalid_argument& e) {
      throw core::ConfigError("kv.attention", fmt::format("layer {}: {}", i, e.what()));
    }
    try {
      l.values = cached_values(l.attention, tp);
    } catch (const std::invalid_argument& e) {
      throw core::ConfigError("tp", e.what());
    }
    l.owner = i;
    for (const auto& s : policy.sharing)
      l.owner = std::min(l.owner, s->kv_owner(i));
    l.rule = policy.retention->rule(i, spec.attention.window);
    const int64_t model_heads =
        l.attention.kind == model::AttentionKind::mla ? 1 : l.attention.kv_heads;
    if (l.owner == i) {
      l.bytes_per_token_gpu =
          policy.precision->bytes_per_token(l.values.heads_gpu, l.values.dim_per_head);
      l.bytes_per_token_model =
          policy.precision->bytes_per_token(model_heads, l.values.dim_per_head);
    }
    bytes_per_token_gpu_ += l.bytes_per_token_gpu;
    bytes_per_token_model_ += l.bytes_per_token_model;
    layers_.push_back(l);
  }
  for (const LayerKv& l : layers_) {
    if (l.bytes_per_token_gpu == 0) continue;  // reads a shared layer's KV: costs nothing itself
    auto same = [&](const LayerGroup& g) {
      return g.bytes_per_token_gpu == l.bytes_per_token_gpu && g.rule == l.rule &&
             g.attention.kind == l.attention.kind;
    };
    auto it = std::find_if(groups_.begin(), groups_.end(), same);
    if (it == groups_.end()) {
      groups_.push_back(
          LayerGroup{l.layer, 1, l.bytes_per_token_gpu, l.rule, l.attention, l.values});
    } else {
      ++it->count;
    }
  }
}

namespace {

void accumulate(SequenceKv& s, const LayerGroup& g, const BlockUse& u) {
  const int64_t per_token = core::checked_mul(g.count, g.bytes_per_token_gpu, "KV bytes per token");
  s.allocated_bytes = core::checked_add(
      s.allocated_bytes, core::checked_mul(u.slot_tokens, per_token, "KV bytes"), "KV bytes");
  s.resident_bytes = core::checked_add(
      s.resident_bytes, core::checked_mul(u.resident_tokens, per_token, "KV bytes"), "KV bytes");
  s.layer_blocks =
      core::checked_add(s.layer_blocks, core::checked_mul(u.blocks, g.count, "blocks"), "blocks");
}

}  // namespace

SequenceKv KvPlan::sequence(int64_t context, int64_t max_context) const {
  const int64_t limit = max_context > 0 ? max_context : model_max_context_;
  SequenceKv s;
  for (const LayerGroup& g : groups_) {
    accumulate(s, g, allocation().use(g.rule.resident(context), g.rule.max_resident(), limit));
  }
  return s;
}

SequenceKv KvPlan::peak_sequence(int64_t context, int64_t max_context) const {
  const int64_t limit = max_context > 0 ? max_context : model_max_context_;
  const int64_t bt = std::max<int64_t>(allocation().block_tokens(), 1);
  SequenceKv s;
  for (const LayerGroup& g : groups_) {
    const RetentionRule& r = g.rule;
    auto use_at = [&](int64_t c) {
      return allocation().use(r.resident(c), r.max_resident(), limit);
    };
    BlockUse best = use_at(context);
    if (r.recent > 0 && !r.compacted && context > r.max_resident()) {
      // Growth is monotone up to max_resident; past it the block count is periodic in the context
      // with period bt once the tail clears the sink blocks, so scan the transient and one period.
      const int64_t lim = r.max_resident();
      BlockUse at_lim = use_at(lim);
      if (at_lim.slot_tokens > best.slot_tokens) best = at_lim;
      const int64_t scan_end = std::min(context, lim + bt * (core::ceil_div(r.sinks, bt) + 2));
      for (int64_t c = lim + 1; c <= scan_end; ++c) {
        BlockUse u = use_at(c);
        if (u.slot_tokens > best.slot_tokens) best = u;
      }
    }
    accumulate(s, g, best);
  }
  return s;
}

int64_t KvPlan::prefix_bytes(int64_t prefix_tokens, int64_t context) const {
  const int64_t bt = allocation().block_tokens();
  if (bt == 0 || prefix_tokens <= 0) return 0;
  const int64_t boundary = prefix_tokens / bt;  // only whole blocks are shared
  int64_t bytes = 0;
  for (const LayerGroup& g : groups_) {
    const int64_t blocks = allocation().blocks_below(g.rule.resident(context), boundary);
    bytes = core::checked_add(
        bytes,
        core::checked_mul(core::checked_mul(blocks, bt, "prefix tokens"),
                          core::checked_mul(g.count, g.bytes_per_token_gpu, "KV bytes"),
                          "KV bytes"),
        "KV bytes");
  }
  return bytes;
}

}  // namespace kvsim::kv
