#pragma once
// How a replica forms its batches. Every scheduler runs the same step planner (decodes, prefill
// chunks, admission under max_num_seqs and max_batched_tokens, preemption when KV runs out); a
// scheduler plug-in decides the three policies that differ between engines.

#include <string>

#include "kvsim/core/registry.h"

namespace kvsim::serve {

class Scheduler {
 public:
  static constexpr const char* kQuestion = "scheduler";
  virtual ~Scheduler() = default;
  virtual std::string describe() const = 0;
  /// Prompts may be split into chunks across steps (vLLM chunked prefill).
  virtual bool chunked_prefill() const = 0;
  /// Decodes run in the same step as prefill work (otherwise prefill steps pause decoding).
  virtual bool mix_prefill_and_decode() const = 0;
  /// New requests join while others are running (otherwise: a static batch runs to completion).
  virtual bool admit_while_running() const = 0;
};

}  // namespace kvsim::serve
