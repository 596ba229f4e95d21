// `gqa`: groups of query heads share a K/V head; `kv_heads` sets how many (default: the model's).
#include <fmt/format.h>

#include "kvsim/kv/attention_layout.h"
#include "kvsim/kv/head_layout.h"

namespace kvsim::kv {
namespace {

class GqaLayout : public AttentionLayout {
 public:
  explicit GqaLayout(int64_t kv_heads) : kv_heads_(kv_heads) {}
  std::string describe() const override {
    return kv_heads_ > 0 ? fmt::format("gqa(kv_heads={})", kv_heads_) : "gqa";
  }
  model::AttentionSpec apply(const model::AttentionSpec& a) const override {
    if (kv_heads_ == 0 && a.kind == model::AttentionKind::mla) {
      throw std::invalid_argument("gqa on an MLA model needs kv_heads");
    }
    return with_kv_heads(a, kv_heads_ > 0 ? kv_heads_ : a.kv_heads, model::AttentionKind::gqa);
  }

 private:
  int64_t kv_heads_;  ///< 0 = keep the model's count
};

KVSIM_REGISTER(AttentionLayout, "gqa", "grouped-query: kv_heads K/V heads shared by query groups",
               [](core::MapReader& p) {
                 return std::make_unique<GqaLayout>(
                     p.maybe_integer("kv_heads", core::IntRange::positive(1 << 20)).value_or(0));
               });

}  // namespace
}  // namespace kvsim::kv
