// `mqa`: one K/V head shared by all query heads.
#include "kvsim/kv/attention_layout.h"
#include "kvsim/kv/head_layout.h"

namespace kvsim::kv {
namespace {

class MQALayout : public AttentionLayout {
 public:
  std::string describe() const override { return "mqa"; }
  model::AttentionSpec apply(const model::AttentionSpec& a) const override {
    return with_kv_heads(a, 1, model::AttentionKind::mqa);
  }
};

KVSIM_REGISTER(AttentionLayout, "mqa", "one K/V head shared by all query heads",
               [](core::MapReader&) { return std::make_unique<MQALayout>(); });

}  // namespace
}  // namespace kvsim::kv
