// `vllm`: continuous batching with a token budget and chunked prefill mixed with decodes (vLLM,
// default).
#include "kvsim/serve/scheduler.h"

namespace kvsim::serve {
namespace {

class Vllm : public Scheduler {
 public:
  std::string describe() const override { return "vllm"; }
  bool chunked_prefill() const override { return true; }
  bool mix_prefill_and_decode() const override { return true; }
  bool admit_while_running() const override { return true; }
};

KVSIM_REGISTER(Scheduler, "vllm",
               "continuous batching with a token budget and chunked prefill mixed with decodes "
               "(vLLM, default)",
               [](core::MapReader&) { return std::make_unique<Vllm>(); });

}  // namespace
}  // namespace kvsim::serve
