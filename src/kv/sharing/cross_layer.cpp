// `cross_layer`: groups of `factor` adjacent layers read the KV of the group's first layer
// (Cross-Layer Attention, Brandon et al., 2024), dividing KV memory by about `factor`.
#include <fmt/format.h>

#include "kvsim/kv/sharing.h"

namespace kvsim::kv {
namespace {

class CrossLayer : public Sharing {
 public:
  explicit CrossLayer(int64_t factor) : factor_(factor) {}
  std::string name() const override { return "cross_layer"; }
  std::string describe() const override { return fmt::format("cross_layer(factor={})", factor_); }
  int64_t kv_owner(int64_t layer) const override { return layer - layer % factor_; }

 private:
  int64_t factor_;
};

KVSIM_REGISTER(Sharing, "cross_layer", "groups of `factor` adjacent layers share one KV",
               [](core::MapReader& p) {
                 return std::make_unique<CrossLayer>(p.integer("factor", core::IntRange{1, 1024}));
               });

}  // namespace
}  // namespace kvsim::kv
