#pragma once
// The cost of one engine step: one forward pass over a batch that mixes decodes and prefill
// chunks, on a model split by tensor (TP), pipeline (PP) and expert (EP) parallelism. The batch is
// described by aggregates the engine maintains incrementally, so a step costs O(distinct layer
// kinds + KV layer groups), independent of the batch size.

#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_plan.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/decode_attention.h"
#include "kvsim/perf/op_cost.h"
#include "kvsim/perf/parallelism.h"

namespace kvsim::perf {

/// Aggregates of one step's batch. Vectors are indexed by StepModel::rules(): one entry per
/// distinct retention rule (a sliding window, full attention, ...), because a sequence attends to
/// min(context, window) tokens in a windowed layer.
struct StepBatch {
  int64_t decode_seqs = 0;    ///< sequences decoding (q tokens each)
  int64_t decode_q = 1;       ///< tokens each decoding sequence verifies (1; >1 speculative)
  int64_t prefill_seqs = 0;   ///< sequences with a prefill chunk in this step
  double prefill_tokens = 0;  ///< sum of chunk lengths
  std::vector<double> decode_attended;  ///< per group: sum over decodes of tokens attended
  std::vector<double> prefill_pairs;    ///< per group: sum over chunks of query-key pairs computed
  std::vector<double> prefill_kv;  ///< per group: sum over chunks of keys visible (prefix + chunk)
  int64_t logit_rows = 0;          ///< sequences that produce a token this step (LM head rows)

  double new_tokens() const { return static_cast<double>(decode_seqs * decode_q) + prefill_tokens; }
};

struct StepOpCost {
  std::string name;    ///< e.g. "qkv_proj", "decode_attention[window 1024]", "tp_all_reduce"
  double count = 0;    ///< times it runs in the step (layers)
  double seconds = 0;  ///< total over `count`
  Bound bound = Bound::launch;
  Work work;  ///< total over `count` (per GPU)
};

struct StepCost {
  double seconds = 0;
  Work work;                    ///< summed over every op of every stage (per GPU)
  std::vector<StepOpCost> ops;  ///< per-operator breakdown (all stages)
};

/// The totals of a step without the breakdown: what the replay engine needs, millions of times.
struct StepTime {
  double seconds = 0;
  double hbm_bytes = 0;                   ///< per GPU
  double flops = 0;                       ///< per GPU
  std::array<double, 9> bound_seconds{};  ///< time spent in operators of each Bound

  StepTime& operator+=(const StepTime& o);
  void add(double count, const OpCost& c);
  /// Every field times `f` (a run of `f` identical steps).
  StepTime scaled(double f) const;
};

/// Adds one sequence's prefill chunk to `b`: `tokens` new tokens after `prefix` cached ones,
/// attending causally within each rule's resident window (`rules` = StepModel::rules()). Does not
/// touch logit_rows (only a chunk that completes its prompt produces a token).
void add_prefill_chunk(StepBatch& b, const std::vector<kv::RetentionRule>& rules, int64_t prefix,
                       int64_t tokens);

class StepModel {
 public:
  /// `policy` must have its defaults filled. Throws core::ConfigError when TP/EP do not divide the
  /// model (same checks as the memory plan).
  StepModel(const model::ModelSpec& model, const hw::HardwareProfile& hw, const Parallelism& par,
            const kv::KvPolicy& policy);

  /// Distinct retention rules of the model's layers (the indices of StepBatch's vectors).
  const std::vector<kv::RetentionRule>& rules() const { return rules_; }
  /// An empty batch with vectors sized to rules().
  StepBatch empty_batch() const;
  int64_t stages() const { return static_cast<int64_t>(stages_.size()); }
  const kv::KvPlan& kv_plan(int64_t stage) const { return stages_[static_cast<size_t>(stage)].kv; }

  /// Cost of one step with a per-operator breakdown. With PP > 1 the stages run one after another
  /// for this batch (the step's latency, plus the activations sent between stages).
  StepCost cost(const StepBatch& batch) const;
  /// The same totals without the breakdown. Operators whose cost depends only on the step's token
  /// count (projections, MLP, norms, all-reduces, KV append) are memoised per token count, so this
  /// is cheap enough to call for every simulated step. Not thread-safe (one StepModel per engine).
  StepTime time(const StepBatch& batch) const;

 private:
  struct LayerKind {
    model::AttentionSpec attention;  ///< as cached (after the attention layout)
    model::MlpSpec mlp;
    int64_t norm_vectors = 2;
    int64_t count = 0;
    size_t rule = 0;                 ///< index into rules()
    bool stores_kv = true;           ///< false: reads another layer's KV (cross-layer sharing)
    kv::KvValues values;             ///< per-GPU KV heads and dims
    int64_t kv_bytes_per_token = 0;  ///< per GPU
  };
  struct Stage {
    int64_t first = 0, end = 0;
    kv::KvPlan kv;
    std::vector<LayerKind> kinds;
  };

  using Emit = std::function<void(std::string_view name, double count, const OpCost& cost)>;
  /// Operators whose cost depends only on the token count `t` (and `logit_rows` for the LM head).
  void token_ops(int64_t t, int64_t logit_rows, const Emit& emit) const;
  /// Attention over the cache: decodes (unless `decodes` is false) and prefill chunks, per layer
  /// kind.
  void attention_ops(const StepBatch& b, const Emit& emit, bool decodes = true) const;
  void layer_token_ops(const LayerKind& kind, int64_t t, const Emit& emit) const;
  void layer_attention_ops(const LayerKind& kind, const StepBatch& b, const Emit& emit,
                           bool decodes) const;
  /// Tokens each decoding sequence attends over in layers of `kind` (the batch mean, rounded up).
  static int64_t mean_kv_len(const LayerKind& kind, const StepBatch& b);
  /// The decode-attention operator of one layer of `kind` for the decodes of `b`.
  DecodeAttentionOp decode_op(const LayerKind& kind, const StepBatch& b) const;
  /// Adds the decode attention of every layer of `kind` to `out`, through decode_memo_.
  void add_decode_time(size_t kind_index, const LayerKind& kind, const StepBatch& b,
                       StepTime& out) const;

  /// Direct-mapped cache of decode-attention costs per (layer kind, batch, kv_len, q_len): decode
  /// steps of a replay revisit the same few thousand shapes. A pure function's cache, so results
  /// are identical with or without it.
  struct DecodeMemo {
    int64_t kind = -1, batch = 0, kv_len = 0, q_len = 0;
    double seconds = 0, hbm_bytes = 0, flops = 0;
    Bound bound = Bound::launch;
  };
  static constexpr size_t kDecodeMemoSize = 1 << 16;
  mutable std::vector<DecodeMemo> decode_memo_;

  mutable std::vector<StepTime> token_memo_;  ///< per token count
  mutable std::vector<char> token_memo_done_;
  mutable std::vector<StepTime> head_memo_;  ///< LM head per logit-row count
  mutable std::vector<char> head_memo_done_;

  const model::ModelSpec* model_;
  const hw::HardwareProfile* hw_;
  Parallelism par_;
  kv::KvPolicy policy_;
  std::vector<Stage> stages_;
  std::vector<kv::RetentionRule> rules_;
  std::vector<std::string> decode_names_, prefill_names_;  ///< per rule, for the breakdown
};

/// Expected distinct experts when `tokens` tokens each choose `k` of `experts` uniformly:
/// E (1 - (1 - k/E)^T).
double expected_experts_touched(double tokens, double k, double experts);

}  // namespace kvsim::perf
