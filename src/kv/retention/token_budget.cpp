// `token_budget`: keep at most `budget` tokens per layer, chosen by importance (H2O, Zhang et al.,
// NeurIPS 2023; SnapKV). Evicted slots are reclaimed, so resident tokens pack into full blocks.
#include <fmt/format.h>

#include "kvsim/kv/retention.h"

namespace kvsim::kv {
namespace {

class TokenBudget : public Retention {
 public:
  explicit TokenBudget(int64_t budget) : budget_(budget) {}
  std::string describe() const override { return fmt::format("token_budget(budget={})", budget_); }
  RetentionRule rule(int64_t, int64_t) const override { return RetentionRule{budget_, 0, true}; }

 private:
  int64_t budget_;
};

KVSIM_REGISTER(Retention, "token_budget", "at most `budget` tokens per layer (importance eviction)",
               [](core::MapReader& p) {
                 return std::make_unique<TokenBudget>(
                     p.integer("budget", core::IntRange::positive()));
               });

}  // namespace
}  // namespace kvsim::kv
