// `model`: each layer keeps what the model's own attention reads (its sliding window, or all).
#include "kvsim/kv/retention.h"

namespace kvsim::kv {
namespace {

class ModelRetention : public Retention {
 public:
  std::string describe() const override { return "model"; }
  RetentionRule rule(int64_t, int64_t model_window) const override {
    return RetentionRule{model_window, 0, false};
  }
};

KVSIM_REGISTER(Retention, "model", "the model's own windows per layer (default)",
               [](core::MapReader&) { return std::make_unique<ModelRetention>(); });

}  // namespace
}  // namespace kvsim::kv
