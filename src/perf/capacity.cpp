#include "kvsim/perf/capacity.h"

#include <fmt/format.h>

#include "kvsim/core/checked.h"
#include "kvsim/core/error.h"
#include "kvsim/core/units.h"

namespace kvsim::perf {
namespace {

constexpr int64_t kContextSearchLimit = int64_t{1} << 40;  // beyond: "unbounded"

// Largest context one sequence reaches in `budget` bytes, or nullopt when memory never binds.
std::optional<int64_t> max_context_in(const kv::KvPlan& kv, int64_t budget) {
  auto fits = [&](int64_t c) {
    try {
      if (c > kv.allocation().reserve_tokens(c)) return false;
      return kv.peak_sequence(c, c).allocated_bytes <= budget;
    } catch (const core::OverflowError&) {
      return false;
    }
  };
  if (!fits(1)) return 0;
  if (fits(kContextSearchLimit)) return std::nullopt;
  int64_t lo = 1, hi = kContextSearchLimit;  // fits(lo), !fits(hi)
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    (fits(mid) ? lo : hi) = mid;
  }
  return lo;
}

StageCapacity stage_capacity(const StageMemory& sm, const CapacityQuery& q, int64_t prefix_tokens) {
  StageCapacity sc;
  const kv::KvPlan& kv = *sm.kv;
  sc.stage = sm.stage;
  sc.kv_budget_bytes = sm.kv_budget_bytes;
  const int64_t budget = std::max<int64_t>(sm.kv_budget_bytes, 0);
  const int64_t per_token = kv.bytes_per_token_gpu();
  const int64_t bt = kv.allocation().block_tokens();
  if (per_token > 0) {
    if (bt > 0) {
      sc.kv_capacity_blocks = budget / core::checked_mul(bt, per_token, "block bytes");
      sc.kv_capacity_tokens = core::checked_mul(sc.kv_capacity_blocks, bt, "KV tokens");
    } else {
      sc.kv_capacity_tokens = budget / per_token;
    }
  }
  sc.at_context = kv.sequence(q.context);
  sc.peak = kv.peak_sequence(q.context);
  sc.shared_prefix_bytes = kv.prefix_bytes(prefix_tokens, q.context);
  const int64_t unique = sc.peak.allocated_bytes - sc.shared_prefix_bytes;
  if (sc.peak.allocated_bytes <= budget && unique > 0) {
    sc.max_sequences = (budget - sc.shared_prefix_bytes) / unique;
  } else if (per_token == 0) {
    sc.max_sequences = 0;
  }
  sc.max_context_memory = per_token == 0 ? std::nullopt : max_context_in(kv, budget);
  const int64_t unique_now = sc.at_context.allocated_bytes - sc.shared_prefix_bytes;
  sc.batch_allocated_bytes =
      core::checked_add(sc.shared_prefix_bytes,
                        core::checked_mul(q.batch, unique_now, "batch KV bytes"), "batch KV bytes");
  const int64_t unique_resident = sc.at_context.resident_bytes - sc.shared_prefix_bytes;
  sc.batch_resident_bytes = core::checked_add(
      sc.shared_prefix_bytes, core::checked_mul(q.batch, unique_resident, "batch KV bytes"),
      "batch KV bytes");
  sc.batch_fits = sm.kv_budget_bytes >= 0 && sc.batch_allocated_bytes <= budget;
  return sc;
}

}  // namespace

CapacityResult compute_capacity(const model::ModelSpec& m, const hw::HardwareProfile& hw,
                                const Parallelism& par, const kv::KvPolicy& policy,
                                const MemoryOptions& options, const CapacityQuery& query) {
  if (query.context < 1) throw core::ConfigError("context", "context must be at least 1 token");
  if (query.batch < 1) throw core::ConfigError("batch", "batch must be at least 1 sequence");
  CapacityResult r;
  r.plan = plan_memory(m, hw, par, policy, options);
  r.query = query;
  const kv::KvPlan& first_kv = *r.plan.stages.front().kv;
  r.model_max_context = first_kv.max_context();
  if (query.context > r.model_max_context) {
    throw core::ConfigError("context",
                            fmt::format("context {} exceeds the {} of {} tokens", query.context,
                                        r.model_max_context == m.max_context
                                            ? "model's maximum context (max_context)"
                                            : "contiguous reservation (reserve_tokens)",
                                        r.model_max_context));
  }
  int64_t prefix = 0;
  if (const kv::Sharing* s = r.plan.policy->find_sharing("prefix"))
    prefix = s->shared_prefix_tokens();
  if (prefix >= query.context) {
    throw core::ConfigError("kv.sharing", fmt::format("shared_tokens {} must be shorter than the "
                                                      "context {}",
                                                      prefix, query.context));
  }
  for (const StageMemory& sm : r.plan.stages) {
    r.stages.push_back(stage_capacity(sm, query, prefix));
    const StageCapacity& sc = r.stages.back();
    if (sc.max_sequences < r.binding().max_sequences ||
        (sc.max_sequences == r.binding().max_sequences &&
         sc.kv_budget_bytes < r.binding().kv_budget_bytes)) {
      r.binding_stage = r.stages.size() - 1;
    }
  }
  const StageCapacity& b = r.binding();
  int64_t memory_context = kContextSearchLimit;
  for (const StageCapacity& sc : r.stages) {
    if (sc.max_context_memory) memory_context = std::min(memory_context, *sc.max_context_memory);
  }
  r.max_context_batch1 = std::min(memory_context, r.model_max_context);
  for (size_t t = 1; t < r.plan.policy->tiers.size(); ++t) {
    TierCapacity tc;
    try {
      tc.spec = r.plan.policy->tiers[t]->resolve(hw);
    } catch (const std::invalid_argument& e) {
      throw core::ConfigError("kv.tiers", e.what());
    }
    const int64_t per_token = r.binding_memory().kv->bytes_per_token_gpu();
    if (per_token > 0) tc.tokens = tc.spec.capacity_bytes / per_token;
    if (b.at_context.allocated_bytes > 0)
      tc.sequences = tc.spec.capacity_bytes / b.at_context.allocated_bytes;
    r.offload.push_back(tc);
  }
  for (const StageMemory& sm : r.plan.stages) {
    if (sm.kv_budget_bytes <= 0) {
      r.warnings.push_back(fmt::format(
          "stage {}: weights {} + activations {} + reserve {} exceed the usable {}: no room for "
          "KV; use more GPUs (--tp/--pp) or a smaller weight format",
          sm.stage, core::format_bytes(sm.weights.total()), core::format_bytes(sm.activation_bytes),
          core::format_bytes(sm.runtime_reserve_bytes), core::format_bytes(r.plan.usable_bytes)));
    }
  }
  return r;
}

}  // namespace kvsim::perf
