#pragma once
// The decoding sequences of one replica, tracked relative to the replica's decode-step counter S:
// a sequence that joined at step j holding k tokens holds k + (S - j) tokens at step S (one token
// per decode step). Sums the step model and the KV pool need are kept in O(log n) per change, so a
// run of decode steps costs nothing per step or per sequence:
//   - the number of sequences, their summed context, and their summed blocks ceil(context / bt)
//     (a histogram of block residues, with a Fenwick tree over it, makes the block sum exact
//     at any step in O(log block_tokens));
//   - for each bounded rule (sliding window, sink+recent, token budget), sum of min(context,
//   bound),
//     with a heap of the steps at which sequences reach their bound;
//   - a heap of the steps at which sequences finish.

#include <cstddef>
#include <cstdint>
#include <queue>
#include <vector>

namespace kvsim::serve {

class DecodeTracker {
 public:
  /// `bounds`: per rule, the most tokens a sequence keeps (0 = unbounded). `block_tokens`: the KV
  /// block size for block sums (>= 1). `max_id`: ids are in [0, max_id).
  DecodeTracker(std::vector<int64_t> bounds, int64_t block_tokens, int64_t max_id);

  /// Sequence `id` joins at `step` holding `tokens` and finishes after `remaining` more steps.
  void add(int64_t id, int64_t tokens, int64_t remaining, int64_t step);
  /// Removes `id` (finished or preempted). Returns the tokens it held at `step`.
  int64_t remove(int64_t id, int64_t step);
  bool contains(int64_t id) const;
  int64_t tokens(int64_t id, int64_t step) const;

  int64_t count() const { return count_; }
  /// Changes whenever the tracked set or its saturation state changes (add, remove, advance), so
  /// callers can cache values derived from the sums at a given step.
  uint64_t version() const { return version_; }
  /// Sum of contexts at `step`.
  double sum_tokens(int64_t step) const {
    return sum_c_ + static_cast<double>(count_) * static_cast<double>(step);
  }
  /// Sum over sequences of min(context, bound of `rule`) at `step` (requires advance(step) first).
  double sum_capped(size_t rule, int64_t step) const;
  /// Sum over sequences of ceil(context / block_tokens) at `step`.
  int64_t sum_blocks(int64_t step) const;

  /// Moves sequences that reached a bound by `step` into the saturated sums.
  void advance(int64_t step);
  /// The first step at which a tracked sequence reaches a bound (INT64_MAX if none).
  int64_t next_saturation();
  /// The earliest step at which a tracked sequence finishes (INT64_MAX if none).
  int64_t next_finish();
  /// Ids that finish exactly at `step` or earlier, removed from the finish heap (not the sums).
  std::vector<int64_t> pop_finished(int64_t step);

 private:
  struct Member {
    int64_t c = 0;       ///< tokens - join step
    int64_t finish = 0;  ///< step at which it finishes
    bool active = false;
  };
  struct Rule {
    int64_t bound = 0;
    int64_t unsat_count = 0;
    double unsat_sum_c = 0;
    int64_t sat_count = 0;
    std::vector<uint8_t> saturated;  ///< per id
    std::priority_queue<std::pair<int64_t, int64_t>, std::vector<std::pair<int64_t, int64_t>>,
                        std::greater<>>
        heap;
  };
  using MinHeap = std::priority_queue<std::pair<int64_t, int64_t>,
                                      std::vector<std::pair<int64_t, int64_t>>, std::greater<>>;

  int64_t residue(int64_t c) const;
  /// Histogram updates, kept in step with the Fenwick tree and the weighted sum.
  void count_residue(int64_t rho, int64_t delta);
  /// Number of tracked sequences with residue < `x` (Fenwick prefix sum, O(log bt)).
  int64_t residues_below(int64_t x) const;

  int64_t bt_;
  std::vector<Member> members_;
  std::vector<Rule> rules_;
  std::vector<int64_t> residues_;  ///< histogram of rho = (c + bt - 1) mod bt
  std::vector<int64_t> fenwick_;   ///< Fenwick tree over residues_ (1-based)
  int64_t residue_weight_ = 0;     ///< sum of rho over tracked sequences
  int64_t count_ = 0;
  double sum_c_ = 0;
  MinHeap finish_heap_;
  uint64_t version_ = 0;
  // The last sum_blocks answer: memory queries ask for the same step several times in a row.
  mutable uint64_t blocks_version_ = ~uint64_t{0};
  mutable int64_t blocks_step_ = 0, blocks_sum_ = 0;
};

}  // namespace kvsim::serve
