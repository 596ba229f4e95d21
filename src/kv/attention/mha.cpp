// `mha`: every query head has its own K/V head.
#include "kvsim/kv/attention_layout.h"
#include "kvsim/kv/head_layout.h"

namespace kvsim::kv {
namespace {

class MHALayout : public AttentionLayout {
 public:
  std::string describe() const override { return "mha"; }
  model::AttentionSpec apply(const model::AttentionSpec& a) const override {
    return with_kv_heads(a, 0, model::AttentionKind::mha);
  }
};

KVSIM_REGISTER(AttentionLayout, "mha", "every query head has its own K/V head",
               [](core::MapReader&) { return std::make_unique<MHALayout>(); });

}  // namespace
}  // namespace kvsim::kv
