// `paged`: KV lives in fixed blocks of `block_tokens` tokens from a shared pool (vLLM
// PagedAttention, Kwon et al., SOSP 2023). Waste is the unfilled part of partly used blocks.
#include <fmt/format.h>

#include <algorithm>

#include "kvsim/core/checked.h"
#include "kvsim/kv/allocation.h"

namespace kvsim::kv {
namespace {

// Block index ranges [first, last) covered by the resident spans of `r`.
struct Spans {
  int64_t head_first = 0, head_last = 0, tail_first = 0, tail_last = 0;
};

Spans spans(const Residency& r, int64_t bt) {
  Spans s;
  if (r.head_end > 0) s.head_last = core::ceil_div(r.head_end, bt);
  if (r.end > r.tail_begin) {
    s.tail_first = r.tail_begin / bt;
    s.tail_last = core::ceil_div(r.end, bt);
  }
  return s;
}

// Size of ([a0,a1) ∪ [b0,b1)) ∩ [0, limit).
int64_t union_below(int64_t a0, int64_t a1, int64_t b0, int64_t b1, int64_t limit) {
  a1 = std::min(a1, limit);
  b1 = std::min(b1, limit);
  const int64_t a = std::max<int64_t>(0, a1 - a0);
  const int64_t b = std::max<int64_t>(0, b1 - b0);
  const int64_t overlap = std::max<int64_t>(0, std::min(a1, b1) - std::max(a0, b0));
  return a + b - overlap;
}

class Paged : public Allocation {
 public:
  explicit Paged(int64_t block_tokens) : bt_(block_tokens) {}
  std::string describe() const override { return fmt::format("paged(block_tokens={})", bt_); }
  int64_t block_tokens() const override { return bt_; }

  BlockUse use(const Residency& r, int64_t, int64_t) const override {
    BlockUse u;
    u.resident_tokens = r.tokens();
    if (r.compacted) {
      u.blocks = core::ceil_div(u.resident_tokens, bt_);
    } else {
      const Spans s = spans(r, bt_);
      u.blocks = union_below(s.head_first, s.head_last, s.tail_first, s.tail_last, INT64_MAX);
    }
    u.slot_tokens = core::checked_mul(u.blocks, bt_, "KV token slots");
    return u;
  }

  int64_t blocks_below(const Residency& r, int64_t boundary_block) const override {
    if (r.compacted) return 0;  // evicted per sequence: no longer a shared prefix
    const Spans s = spans(r, bt_);
    return union_below(s.head_first, s.head_last, s.tail_first, s.tail_last, boundary_block);
  }

 private:
  int64_t bt_;
};

KVSIM_REGISTER(Allocation, "paged", "fixed blocks of `block_tokens` tokens (default 16)",
               [](core::MapReader& p) {
                 return std::make_unique<Paged>(
                     p.maybe_integer("block_tokens", core::IntRange{1, 1 << 20}).value_or(16));
               });

}  // namespace
}  // namespace kvsim::kv
