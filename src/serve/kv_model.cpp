#include "kvsim/serve/kv_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "kvsim/core/error.h"
#include "kvsim/kv/kv_plan.h"

namespace kvsim::serve {

namespace {

int64_t ceil_div(int64_t a, int64_t b) {
  return (a + b - 1) / b;
}

}  // namespace

double KvModel::resident_bytes(int64_t tokens) const {
  double b = full_token_bytes * static_cast<double>(tokens);
  for (size_t r = 0; r < rule_bounds.size(); ++r) {
    b += rule_token_bytes[r] *
         static_cast<double>(rule_bounds[r] > 0 ? std::min(tokens, rule_bounds[r]) : tokens);
  }
  return b;
}

double KvModel::sequence_bytes(int64_t tokens) const {
  if (contiguous) return sequence_overhead_bytes;
  double b =
      block_bytes() * static_cast<double>(ceil_div(tokens, block_tokens)) + sequence_overhead_bytes;
  for (size_t r = 0; r < rule_bounds.size(); ++r) {
    if (rule_bounds[r] > 0)
      b += rule_token_bytes[r] * static_cast<double>(std::min(tokens, rule_bounds[r]));
  }
  return b;
}

KvModel build_kv_model(const perf::MemoryPlan& plan, const perf::StepModel& steps,
                       const hw::HardwareProfile& hw, const EngineConfig& config) {
  // The binding stage holds the fewest tokens: smallest budget per byte of a token.
  size_t binding = 0;
  double best = std::numeric_limits<double>::infinity();
  for (size_t s = 0; s < plan.stages.size(); ++s) {
    const perf::StageMemory& st = plan.stages[s];
    const double per_token =
        static_cast<double>(std::max<int64_t>(1, st.kv->bytes_per_token_gpu()));
    const double tokens = static_cast<double>(st.kv_budget_bytes) / per_token;
    if (tokens < best) {
      best = tokens;
      binding = s;
    }
  }
  const perf::StageMemory& st = plan.stages[binding];
  if (st.kv_budget_bytes <= 0) {
    throw core::ConfigError(
        "kv", fmt::format("pipeline stage {} has no memory left for KV ({:.2f} GiB short)", binding,
                          -static_cast<double>(st.kv_budget_bytes) / (1 << 30)));
  }
  const kv::KvPlan& kvp = *st.kv;
  KvModel m;
  m.budget_bytes = static_cast<double>(st.kv_budget_bytes);
  m.stage = static_cast<int64_t>(binding);
  m.max_context = kvp.max_context();
  const int64_t bt = kvp.allocation().block_tokens();
  m.contiguous = bt == 0;
  m.block_tokens = m.contiguous ? 1 : bt;
  const auto& rules = steps.rules();
  m.rule_bounds.assign(rules.size(), 0);
  m.rule_token_bytes.assign(rules.size(), 0);
  for (size_t r = 0; r < rules.size(); ++r)
    m.rule_bounds[r] = rules[r].max_resident();
  for (const kv::LayerGroup& g : kvp.groups()) {
    const double bytes = static_cast<double>(g.count) * static_cast<double>(g.bytes_per_token_gpu);
    const auto it = std::find(rules.begin(), rules.end(), g.rule);
    const auto r = static_cast<size_t>(it - rules.begin());
    if (it == rules.end() || m.rule_bounds[r] == 0) {
      m.full_token_bytes += bytes;
    } else {
      m.rule_token_bytes[r] += bytes;
    }
  }
  if (m.contiguous) {
    m.sequence_overhead_bytes = static_cast<double>(kvp.sequence(1).allocated_bytes);
  } else {
    for (size_t r = 0; r < rules.size(); ++r) {
      m.sequence_overhead_bytes += m.rule_token_bytes[r] * static_cast<double>(bt);
    }
  }
  m.prefix_caching = !m.contiguous && plan.policy && plan.policy->find_sharing("prefix") != nullptr;
  if (m.prefix_caching && m.full_token_bytes <= 0) {
    m.prefix_caching = false;
    m.notes.push_back(
        "prefix caching is off: every layer keeps a bounded window, so no block is shared whole");
  }
  m.tiers.push_back(CacheTier{"hbm", 0, 0});
  if (plan.policy) {
    for (size_t i = 1; i < plan.policy->tiers.size(); ++i) {
      const kv::TierSpec t = plan.policy->tiers[i]->resolve(hw);
      const double block = std::max(1.0, m.block_bytes());
      m.tiers.push_back(
          CacheTier{t.name, static_cast<int64_t>(static_cast<double>(t.capacity_bytes) / block),
                    t.bandwidth_bytes_s});
    }
  }
  if (m.tiers.size() > 1 && !m.prefix_caching) {
    m.notes.push_back(
        "offload tiers hold demoted prefix-cache blocks; without prefix caching they stay empty");
  }
  m.swap_capacity_bytes = config.swap_space_bytes;
  m.swap_bandwidth_bytes_s = hw.host.present ? hw.host.bandwidth_bytes_s * hw.efficiency.host
                                             : hw.pcie.per_direction_bytes_s * hw.efficiency.pcie;
  return m;
}

}  // namespace kvsim::serve
