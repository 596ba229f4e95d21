// `static`: static batching: a batch is admitted only when the previous one has finished.
#include "kvsim/serve/scheduler.h"

namespace kvsim::serve {
namespace {

class StaticBatch : public Scheduler {
 public:
  std::string describe() const override { return "static"; }
  bool chunked_prefill() const override { return true; }
  bool mix_prefill_and_decode() const override { return false; }
  bool admit_while_running() const override { return false; }
};

KVSIM_REGISTER(Scheduler, "static",
               "static batching: a batch is admitted only when the previous one has finished",
               [](core::MapReader&) { return std::make_unique<StaticBatch>(); });

}  // namespace
}  // namespace kvsim::serve
