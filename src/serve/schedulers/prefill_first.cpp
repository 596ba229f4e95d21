// `prefill_first`: new prompts prefill whole, in their own steps, pausing decodes (vLLM v0
// default).
#include "kvsim/serve/scheduler.h"

namespace kvsim::serve {
namespace {

class PrefillFirst : public Scheduler {
 public:
  std::string describe() const override { return "prefill_first"; }
  bool chunked_prefill() const override { return false; }
  bool mix_prefill_and_decode() const override { return false; }
  bool admit_while_running() const override { return true; }
};

KVSIM_REGISTER(Scheduler, "prefill_first",
               "new prompts prefill whole, in their own steps, pausing decodes (vLLM v0 default)",
               [](core::MapReader&) { return std::make_unique<PrefillFirst>(); });

}  // namespace
}  // namespace kvsim::serve
