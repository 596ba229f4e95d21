// `round_robin`: replicas in turn, regardless of load.
#include "kvsim/serve/router.h"

namespace kvsim::serve {
namespace {

class RoundRobin : public Router {
 public:
  std::string describe() const override { return "round_robin"; }
  size_t route(std::span<const ReplicaLoad> loads) override { return next_++ % loads.size(); }
  void reset() override { next_ = 0; }

 private:
  size_t next_ = 0;
};

KVSIM_REGISTER(Router, "round_robin", "replicas in turn",
               [](core::MapReader&) { return std::make_unique<RoundRobin>(); });

}  // namespace
}  // namespace kvsim::serve
