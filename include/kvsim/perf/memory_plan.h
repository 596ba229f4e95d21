#pragma once
// Per-GPU memory (DESIGN.md section 5): weights + KV + activation peak + runtime reserve, for each
// pipeline stage. The KV budget is what device memory leaves for KV after everything else.

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_plan.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/parallelism.h"

namespace kvsim::perf {

/// Serving-engine settings that decide how much memory is left for KV.
struct MemoryOptions {
  /// Fraction of device memory the engine may use (vLLM `gpu_memory_utilization`, default 0.9).
  double memory_utilization = 0.90;
  /// Tokens in the largest forward pass, which sets the activation peak (chunked-prefill budget).
  int64_t max_batched_tokens = 8192;
  /// Sequences whose logits one step computes (vLLM `max_num_seqs`, default 256).
  int64_t max_sequences = 256;
  /// CUDA context, CUDA graphs and communication buffers; default estimated from the layout.
  std::optional<int64_t> runtime_reserve_bytes;
};

/// Runtime reserve used when none is given: 0.5 GiB CUDA context and libraries, 0.5 GiB captured
/// CUDA graphs, and 0.5 GiB of collective buffers when more than one GPU is used.
int64_t default_runtime_reserve(const Parallelism& par);

struct WeightBytes {
  int64_t attention = 0;   ///< per GPU
  int64_t mlp = 0;         ///< dense MLP and shared experts
  int64_t experts = 0;     ///< routed experts
  int64_t embedding = 0;   ///< embedding and LM head on this stage
  int64_t replicated = 0;  ///< norms, routers, MLA down-projections (whole on every TP rank)
  int64_t total() const { return attention + mlp + experts + embedding + replicated; }
};

struct StageMemory {
  int64_t stage = 0;
  int64_t first_layer = 0;
  int64_t end_layer = 0;
  WeightBytes weights;
  int64_t activation_bytes = 0;
  int64_t runtime_reserve_bytes = 0;
  int64_t kv_budget_bytes = 0;  ///< negative when the rest does not fit
  std::shared_ptr<const kv::KvPlan> kv;
};

struct MemoryPlan {
  int64_t device_bytes = 0;  ///< HBM capacity of one GPU
  int64_t usable_bytes = 0;  ///< device_bytes × memory_utilization
  std::vector<StageMemory> stages;
  std::shared_ptr<const kv::KvPolicy> policy;
  std::shared_ptr<const kv::KvPlan> whole_model_kv;  ///< all layers on TP 1 (model-level figures)
};

/// Throws core::ConfigError when the model cannot be laid out on `par` (heads not divisible, more
/// stages than layers) or the KV policy cannot apply to it.
MemoryPlan plan_memory(const model::ModelSpec& m, const hw::HardwareProfile& hw,
                       const Parallelism& par, const kv::KvPolicy& policy,
                       const MemoryOptions& options);

/// Weights of pipeline stage [first, end) on one GPU of a TP group of `tp`.
WeightBytes stage_weight_bytes(const model::ModelSpec& m, int64_t tp, int64_t first, int64_t end,
                               bool first_stage, bool last_stage, int64_t pp);

/// Estimated activation peak of one forward pass of `tokens` tokens on one GPU (bf16 activations):
/// the residual stream (2 × hidden), the widest intermediate of any layer on the stage (MLP
/// gate/up and activation outputs, or MoE expert intermediates for k routed copies), and on the
/// last stage the fp32 logits of `sequences` sequences over the full vocabulary.
int64_t stage_activation_bytes(const model::ModelSpec& m, int64_t tp, int64_t first, int64_t end,
                               bool last_stage, int64_t tokens, int64_t sequences);

}  // namespace kvsim::perf
