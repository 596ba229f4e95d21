// `mla`: cache one compressed latent (kv_lora_rank) plus a decoupled RoPE key per token, shared by
// all heads (DeepSeek-V2/V3). On a non-MLA model this is a what-if: latent_dim and rope_dim are
// required, and the heads keep their dims for the up-projections.
#include <fmt/format.h>

#include "kvsim/kv/attention_layout.h"

namespace kvsim::kv {
namespace {

class MlaLayout : public AttentionLayout {
 public:
  MlaLayout(int64_t latent, int64_t rope) : latent_(latent), rope_(rope) {}
  std::string describe() const override {
    return latent_ > 0 ? fmt::format("mla(latent_dim={}, rope_dim={})", latent_, rope_) : "mla";
  }
  model::AttentionSpec apply(const model::AttentionSpec& a) const override {
    model::AttentionSpec out = a;
    if (a.kind != model::AttentionKind::mla && latent_ == 0) {
      throw std::invalid_argument("mla on a non-MLA model needs latent_dim and rope_dim");
    }
    out.kind = model::AttentionKind::mla;
    if (latent_ > 0) {
      out.latent_dim = latent_;
      out.rope_dim = rope_;
    }
    if (out.rope_dim >= out.head_dim) {
      throw std::invalid_argument(fmt::format("rope_dim {} must be smaller than the head dim {}",
                                              out.rope_dim, out.head_dim));
    }
    out.kv_heads = out.q_heads;
    return out;
  }

 private:
  int64_t latent_;
  int64_t rope_;
};

KVSIM_REGISTER(AttentionLayout, "mla", "multi-head latent: latent_dim + rope_dim values per token",
               [](core::MapReader& p) {
                 const auto latent =
                     p.maybe_integer("latent_dim", core::IntRange::positive(1 << 20));
                 const auto rope = p.maybe_integer("rope_dim", core::IntRange::positive(1 << 20));
                 if (latent.has_value() != rope.has_value()) {
                   p.fail_here("give both latent_dim and rope_dim, or neither");
                 }
                 return std::make_unique<MlaLayout>(latent.value_or(0), rope.value_or(0));
               });

}  // namespace
}  // namespace kvsim::kv
