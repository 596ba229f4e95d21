// `model`: cache exactly what the model's own attention caches.
#include "kvsim/kv/attention_layout.h"

namespace kvsim::kv {
namespace {

class ModelLayout : public AttentionLayout {
 public:
  std::string describe() const override { return "model"; }
  model::AttentionSpec apply(const model::AttentionSpec& a) const override { return a; }
};

KVSIM_REGISTER(AttentionLayout, "model", "the model's own attention (default)",
               [](core::MapReader&) { return std::make_unique<ModelLayout>(); });

}  // namespace
}  // namespace kvsim::kv
