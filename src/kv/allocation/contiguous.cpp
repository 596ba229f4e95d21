// `contiguous`: each sequence reserves one region for its maximum length up front (the
// pre-PagedAttention baseline, e.g. FasterTransformer). A windowed layer reserves only its window
// (a ring buffer). Waste is the reservation not yet filled.
#include <fmt/format.h>

#include <algorithm>

#include "kvsim/kv/allocation.h"

namespace kvsim::kv {
namespace {

class Contiguous : public Allocation {
 public:
  explicit Contiguous(int64_t reserve) : reserve_(reserve) {}
  std::string describe() const override {
    return reserve_ > 0 ? fmt::format("contiguous(reserve_tokens={})", reserve_) : "contiguous";
  }
  int64_t block_tokens() const override { return 0; }
  int64_t reserve_tokens(int64_t max_context) const override {
    return reserve_ > 0 ? reserve_ : max_context;
  }

  BlockUse use(const Residency& r, int64_t max_resident, int64_t max_context) const override {
    const int64_t reserve = reserve_tokens(max_context);
    BlockUse u;
    u.blocks = 1;
    u.slot_tokens = max_resident > 0 ? std::min(max_resident, reserve) : reserve;
    u.resident_tokens = r.tokens();
    return u;
  }

  int64_t blocks_below(const Residency&, int64_t) const override { return 0; }

 private:
  int64_t reserve_;  ///< 0 = the model's maximum context
};

KVSIM_REGISTER(Allocation, "contiguous",
               "reserve `reserve_tokens` (default: the model's max context) per sequence",
               [](core::MapReader& p) {
                 return std::make_unique<Contiguous>(
                     p.maybe_integer("reserve_tokens", core::IntRange::non_negative()).value_or(0));
               });

}  // namespace
}  // namespace kvsim::kv
