// `sinks_recent`: keep the first `sinks` tokens (attention sinks) plus the last `recent` tokens,
// on every layer (StreamingLLM, Xiao et al., ICLR 2024).
#include <fmt/format.h>

#include "kvsim/kv/retention.h"

namespace kvsim::kv {
namespace {

class SinksRecent : public Retention {
 public:
  SinksRecent(int64_t sinks, int64_t recent) : sinks_(sinks), recent_(recent) {}
  std::string describe() const override {
    return fmt::format("sinks_recent(sinks={}, recent={})", sinks_, recent_);
  }
  RetentionRule rule(int64_t, int64_t) const override {
    return RetentionRule{recent_, sinks_, false};
  }

 private:
  int64_t sinks_;
  int64_t recent_;
};

KVSIM_REGISTER(Retention, "sinks_recent", "first `sinks` tokens plus the last `recent` tokens",
               [](core::MapReader& p) {
                 return std::make_unique<SinksRecent>(
                     p.maybe_integer("sinks", core::IntRange::non_negative()).value_or(4),
                     p.integer("recent", core::IntRange::positive()));
               });

}  // namespace
}  // namespace kvsim::kv
