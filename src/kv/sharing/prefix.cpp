// `prefix`: requests that start with the same tokens share the KV blocks of that prefix, found by
// hashing block contents chained with their predecessors (vLLM automatic prefix caching, SGLang
// RadixAttention). Only whole blocks are shared. For capacity queries, `shared_tokens` is the
// prefix common to every sequence of the batch (e.g. a system prompt).
#include <fmt/format.h>

#include "kvsim/kv/sharing.h"

namespace kvsim::kv {
namespace {

class PrefixSharing : public Sharing {
 public:
  explicit PrefixSharing(int64_t shared) : shared_(shared) {}
  std::string name() const override { return "prefix"; }
  std::string describe() const override {
    return shared_ > 0 ? fmt::format("prefix(shared_tokens={})", shared_) : "prefix";
  }
  int64_t shared_prefix_tokens() const override { return shared_; }
  bool needs_blocks() const override { return true; }

 private:
  int64_t shared_;
};

KVSIM_REGISTER(Sharing, "prefix", "hash-chained prefix blocks shared across requests",
               [](core::MapReader& p) {
                 return std::make_unique<PrefixSharing>(
                     p.maybe_integer("shared_tokens", core::IntRange::non_negative()).value_or(0));
               });

}  // namespace
}  // namespace kvsim::kv
