#pragma once
// One data-parallel replica of the served model (its TP x PP GPUs): a waiting queue, sequences in
// prefill, decoding sequences (DecodeTracker), swapped-out sequences, and its KV memory (prefix
// cache and block accounting per GPU of the binding pipeline stage).
//
// The engine drives it with two calls: start(now, next_arrival) plans and times the next step, or a
// run of decode-only steps that it fast-forwards analytically (cut at the next completion, window
// saturation, KV exhaustion, or the first step boundary after the next arrival); finish() applies
// the effects when that time is reached.

#include <array>
#include <cstdint>
#include <deque>
#include <list>
#include <vector>

#include "kvsim/perf/step.h"
#include "kvsim/serve/decode_tracker.h"
#include "kvsim/serve/engine_config.h"
#include "kvsim/serve/kv_model.h"
#include "kvsim/serve/prefix_cache.h"
#include "kvsim/serve/replay_result.h"
#include "kvsim/serve/router.h"
#include "kvsim/workload/request.h"

namespace kvsim::serve {

/// Scheduling state of one request (the engine holds one per request; a request lives on one
/// replica).
struct SeqState {
  enum class Phase : uint8_t { pending, waiting, prefilling, decoding, swapped, done, dropped };
  Phase phase = Phase::pending;
  int64_t prompt = 0;     ///< tokens to prefill: the input, or input + generated after recompute
  int64_t prefilled = 0;  ///< of those, in the KV cache (prefix hits included)
  int64_t generated = 0;  ///< output tokens produced so far
  int64_t cached_blocks = 0;   ///< leading blocks it references in the prefix cache
  int64_t join_tokens = 0;     ///< tokens held when it started decoding (or was swapped back in)
  int64_t join_generated = 0;  ///< generated at that moment
  int64_t swapped_tokens = 0;  ///< tokens held in host memory while swapped out
  int32_t slot = -1;           ///< DecodeTracker id while decoding
  std::list<int64_t>::iterator lifo;  ///< position in the replica's preemption order
};

/// Shared, read-only inputs of a run, plus the per-request states and records replicas update.
struct ReplicaContext {
  const perf::StepModel* step_model = nullptr;
  const EngineConfig* config = nullptr;
  const workload::RequestSet* requests = nullptr;
  const KvModel* kv = nullptr;
  std::vector<SeqState>* seqs = nullptr;
  std::vector<RequestRecord>* records = nullptr;
  ReplayResult* result = nullptr;  ///< counters and totals the replicas add to
  Timeline* timeline = nullptr;
};

class Replica {
 public:
  Replica(int32_t index, const ReplicaContext& ctx);

  bool busy() const { return busy_; }
  double busy_until() const { return busy_until_; }
  /// A request routed here (it has passed the engine's admission checks).
  void enqueue(int64_t request);
  /// Plan and time the next piece of work starting at `now`; stays idle when there is none.
  void start(double now, double next_arrival_s);
  /// Apply the work that ends at busy_until().
  void finish();

  ReplicaLoad load() const;
  /// Leading blocks of `request`'s prompt cached here (for prefix-aware routing).
  int64_t cached_prefix_blocks(int64_t request) const;
  /// End-of-run checks; appends failures to `out`, then clears the cache.
  void check_drained(std::vector<Invariant>& out);
  double peak_used_bytes() const { return peak_used_; }
  double peak_cached_bytes() const { return peak_cached_; }
  double peak_host_bytes() const { return peak_host_; }
  const PrefixCache& cache() const { return cache_; }

 private:
  struct Chunk {
    int64_t request = 0;
    int64_t tokens = 0;
    int64_t prefix = 0;  ///< tokens already in the cache before the chunk
  };
  struct Work {
    bool decodes = false;       ///< the decoding sequences take part
    int64_t decode_steps = 0;   ///< decode steps this work advances (>1: a fast-forwarded run)
    std::vector<Chunk> chunks;  ///< prefill chunks (single steps only)
    double start_s = 0;
    double transfer_s = 0;  ///< host <-> HBM copies serialised before the step
    perf::StepTime time;    ///< totals over the work
    double tokens = 0;      ///< tokens processed
  };

  // Memory, bytes per GPU at decode step `step` (replica_memory.cpp).
  double used_bytes(int64_t step) const;
  double free_bytes(int64_t step) const { return kv().budget_bytes - used_bytes(step); }
  double evictable_bytes() const;
  double fragmented_bytes(int64_t step) const;
  double decode_growth_bytes(int64_t step, int64_t steps) const;
  /// Growth of a prefilling sequence from s.prefilled by `tokens`. `admitting`: the sequence is not
  /// yet accounted, so its s.prefilled tokens are prefix hits whose full-attention blocks are in
  /// the cache but whose bounded-rule (window) tokens are its own and count here too, with its
  /// slack.
  double chunk_growth_bytes(const SeqState& s, int64_t tokens, bool admitting) const;
  /// Makes `bytes` free by evicting unreferenced cached blocks (LRU); false, evicting nothing, when
  /// even evicting all of them would not be enough.
  bool evict_for(double bytes, int64_t step);
  /// Preempts the newest running sequence (recompute, or swap when host space allows).
  void preempt_newest(double& transfer_s);
  /// Adds (`sign` = 1) or removes (-1) a prefilling sequence's share of the prefill sums.
  void account_prefill(const SeqState& s, double sign);

  // Scheduling (replica_plan.cpp).
  void plan(double now);
  /// Adds prefill chunks to work_ within `budget` tokens; returns the budget left.
  int64_t schedule_prefills(int64_t budget, bool allow_admission, double& transfer_s);
  void try_swap_in(double& transfer_s);
  /// The decode-only batch at `step`, built in a scratch batch (valid until the next call).
  const perf::StepBatch& decode_batch(int64_t step) const;
  /// Time of a decode-only step at `step`; the last few answers are cached (segment planning and
  /// run timing ask for the same steps), keyed by step and the tracker's version.
  perf::StepTime decode_time(int64_t step) const;
  perf::StepTime run_time(int64_t first, int64_t steps) const;
  int64_t segment_length(double now, double next_arrival_s);

  // Effects (replica.cpp).
  void join_decoding(int64_t request, int64_t tokens);
  void finish_prefill(int64_t request, double now);
  void complete(int64_t request, double now);
  void insert_prompt_blocks(int64_t request);
  void release_cache(SeqState& s, int64_t request);
  std::vector<uint64_t> block_hashes(int64_t request, int64_t max_blocks) const;
  /// Current levels (also updates the peaks).
  KvLevels levels();
  int64_t running() const { return tracker_.count() + static_cast<int64_t>(prefilling_.size()); }

  const KvModel& kv() const { return *ctx_.kv; }
  SeqState& seq(int64_t r) { return (*ctx_.seqs)[static_cast<size_t>(r)]; }
  const SeqState& seq(int64_t r) const { return (*ctx_.seqs)[static_cast<size_t>(r)]; }
  RequestRecord& record(int64_t r) { return (*ctx_.records)[static_cast<size_t>(r)]; }
  const workload::Request& request(int64_t r) const {
    return ctx_.requests->requests[static_cast<size_t>(r)];
  }

  int32_t index_;
  ReplicaContext ctx_;
  DecodeTracker tracker_;
  struct DecodeTimeMemo {
    uint64_t version = ~uint64_t{0};
    int64_t step = -1;
    perf::StepTime time;
  };
  mutable std::array<DecodeTimeMemo, 4> decode_time_memo_{};
  mutable perf::StepBatch decode_scratch_;
  PrefixCache cache_;
  std::vector<int32_t> free_slots_;
  std::vector<int64_t> slot_request_;
  std::deque<int64_t> waiting_;
  std::vector<int64_t> prefilling_;  ///< in admission order
  std::deque<int64_t> swapped_;
  std::list<int64_t> lifo_;  ///< running sequences in admission order (preempt the back)
  int64_t step_ = 0;         ///< decode-step counter
  // Sums over decoding sequences and over prefilling sequences, kept as they change.
  double decoding_cached_blocks_ = 0;
  double prefill_blocks_ = 0;  ///< sum of ceil(prefilled / block)
  double prefill_cached_blocks_ = 0;
  double prefill_tokens_ = 0;
  std::vector<double> prefill_capped_;  ///< per rule: sum of min(prefilled, bound)
  double host_used_ = 0;
  int64_t outstanding_ = 0;
  int64_t queued_tokens_ = 0;
  bool busy_ = false;
  double busy_until_ = 0;
  Work work_;
  KvLevels idle_levels_;  ///< levels after the last work, until the next starts
  double idle_since_s_ = 0;
  double peak_used_ = 0, peak_cached_ = 0, peak_host_ = 0;
};

}  // namespace kvsim::serve
