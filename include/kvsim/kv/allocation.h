#pragma once
// Question 5: how resident tokens become allocated memory, and what is wasted.

#include <cstdint>
#include <string>

#include "kvsim/core/registry.h"
#include "kvsim/kv/retention.h"

namespace kvsim::kv {

/// Token slots one layer holds for one sequence.
struct BlockUse {
  int64_t blocks = 0;           ///< allocation units (paged blocks; 1 for a contiguous region)
  int64_t slot_tokens = 0;      ///< token slots allocated (blocks x block size, or the reservation)
  int64_t resident_tokens = 0;  ///< slots holding resident tokens
  int64_t wasted_tokens() const { return slot_tokens - resident_tokens; }
};

class Allocation {
 public:
  static constexpr const char* kQuestion = "allocation";
  virtual ~Allocation() = default;
  virtual std::string describe() const = 0;
  /// Tokens per block; 0 for contiguous reservation.
  virtual int64_t block_tokens() const = 0;
  /// Slots for `r` in a layer that keeps at most `max_resident` tokens (0 = unbounded), for a
  /// sequence allowed up to `max_context` tokens.
  virtual BlockUse use(const Residency& r, int64_t max_resident, int64_t max_context) const = 0;
  /// Allocated blocks of `r` whose index is below `boundary_block` (blocks a shared prefix covers).
  virtual int64_t blocks_below(const Residency& r, int64_t boundary_block) const = 0;
  /// The tokens a sequence is allowed to reach (contiguous: its reservation; paged: max_context).
  virtual int64_t reserve_tokens(int64_t max_context) const { return max_context; }
};

}  // namespace kvsim::kv
