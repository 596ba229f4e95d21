// `full`: every layer keeps every token, ignoring the model's windows (what-if).
#include "kvsim/kv/retention.h"

namespace kvsim::kv {
namespace {

class FullRetention : public Retention {
 public:
  std::string describe() const override { return "full"; }
  RetentionRule rule(int64_t, int64_t) const override { return RetentionRule{}; }
};

KVSIM_REGISTER(Retention, "full", "every layer keeps every token",
               [](core::MapReader&) { return std::make_unique<FullRetention>(); });

}  // namespace
}  // namespace kvsim::kv
