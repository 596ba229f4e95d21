// `prefix_aware`: the replica that already caches the longest prefix of the request; ties (and
// requests with no cached prefix anywhere) go to the least-loaded replica. A replica whose
// outstanding requests exceed `max_imbalance` times the least-loaded one's is skipped, so one hot
// prefix cannot pile every request onto one replica.
#include <algorithm>

#include "kvsim/serve/router.h"

namespace kvsim::serve {
namespace {

class PrefixAware : public Router {
 public:
  explicit PrefixAware(double max_imbalance) : max_imbalance_(max_imbalance) {}
  std::string describe() const override { return "prefix_aware"; }
  bool wants_prefix_blocks() const override { return true; }
  size_t route(std::span<const ReplicaLoad> loads) override {
    const size_t light = least_loaded_index(loads);
    const double limit =
        max_imbalance_ * static_cast<double>(std::max<int64_t>(loads[light].outstanding, 1));
    size_t best = light;
    for (size_t i = 0; i < loads.size(); ++i) {
      if (static_cast<double>(loads[i].outstanding) > limit) continue;
      if (loads[i].prefix_blocks > loads[best].prefix_blocks) best = i;
    }
    return best;
  }

 private:
  double max_imbalance_;
};

KVSIM_REGISTER(Router, "prefix_aware", "longest cached prefix first, within a load-imbalance limit",
               [](core::MapReader& p) {
                 return std::make_unique<PrefixAware>(
                     p.maybe_number("max_imbalance", core::Range{1, 1e6, false}).value_or(2.0));
               });

}  // namespace
}  // namespace kvsim::serve
