// `least_loaded`: the replica with the fewest outstanding requests (then fewest queued tokens).
#include "kvsim/serve/router.h"

namespace kvsim::serve {
namespace {

class LeastLoaded : public Router {
 public:
  std::string describe() const override { return "least_loaded"; }
  size_t route(std::span<const ReplicaLoad> loads) override { return least_loaded_index(loads); }
};

KVSIM_REGISTER(Router, "least_loaded",
               "fewest outstanding requests, then fewest queued prompt tokens",
               [](core::MapReader&) { return std::make_unique<LeastLoaded>(); });

}  // namespace
}  // namespace kvsim::serve
