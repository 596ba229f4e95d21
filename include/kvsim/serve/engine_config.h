#pragma once
// Settings of the simulated serving engine (per replica unless stated).

#include <cstdint>
#include <memory>
#include <string>

#include "kvsim/core/doc.h"
#include "kvsim/serve/router.h"
#include "kvsim/serve/scheduler.h"

namespace kvsim::serve {

enum class Preemption { recompute, swap };

struct EngineConfig {
  int64_t max_num_seqs = 256;         ///< sequences in flight (vLLM max_num_seqs)
  int64_t max_batched_tokens = 8192;  ///< tokens one step may process (vLLM max_num_batched_tokens)
  std::shared_ptr<const Scheduler> scheduler;  ///< default `vllm`
  Preemption preemption = Preemption::recompute;
  double swap_space_bytes =
      4.0 * (1 << 30);   ///< host memory per GPU for swapped-out KV (vLLM swap_space 4 GiB)
  int64_t replicas = 1;  ///< data-parallel copies of the model
  std::shared_ptr<Router> router;    ///< default `least_loaded`
  double slo_ttft_s = 0;             ///< goodput: first token within this (0 = no limit)
  double slo_tpot_s = 0;             ///< goodput: mean inter-token time within this (0 = no limit)
  int64_t timeline_points = 512;     ///< KV timeline is downsampled to at most this many points
  int64_t max_segment_steps = 4096;  ///< longest run of decode steps fast-forwarded at once

  /// Scheduler and router defaults; call before use.
  void fill_defaults();
  std::string describe() const;
};

/// Reads an `engine:` map (keys: the field names above, `swap_space_gib`, `scheduler` and `router`
/// as registered names or {impl: ...} maps, `preemption: recompute|swap`) over `base`. Unknown keys
/// and bad values are core::InputErrors naming the key.
EngineConfig parse_engine_config(const core::Doc& node, const std::string& path,
                                 EngineConfig base = {});

}  // namespace kvsim::serve
