#include "kvsim/serve/decode_tracker.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace kvsim::serve {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
}

DecodeTracker::DecodeTracker(std::vector<int64_t> bounds, int64_t block_tokens, int64_t max_id)
    : bt_(block_tokens),
      members_(static_cast<size_t>(max_id)),
      residues_(static_cast<size_t>(std::max<int64_t>(block_tokens, 1)), 0),
      fenwick_(residues_.size() + 1, 0) {
  if (block_tokens < 1) throw std::invalid_argument("block_tokens must be >= 1");
  for (int64_t b : bounds) {
    Rule r;
    r.bound = b;
    if (b > 0) r.saturated.assign(static_cast<size_t>(max_id), 0);
    rules_.push_back(std::move(r));
  }
}

int64_t DecodeTracker::residue(int64_t c) const {
  const int64_t x = (c + bt_ - 1) % bt_;
  return x < 0 ? x + bt_ : x;
}

void DecodeTracker::count_residue(int64_t rho, int64_t delta) {
  residues_[static_cast<size_t>(rho)] += delta;
  residue_weight_ += delta * rho;
  for (size_t i = static_cast<size_t>(rho) + 1; i < fenwick_.size(); i += i & (~i + 1))
    fenwick_[i] += delta;
}

int64_t DecodeTracker::residues_below(int64_t x) const {
  int64_t n = 0;
  for (size_t i = static_cast<size_t>(x); i > 0; i -= i & (~i + 1))
    n += fenwick_[i];
  return n;
}

void DecodeTracker::add(int64_t id, int64_t tokens, int64_t remaining, int64_t step) {
  Member& m = members_.at(static_cast<size_t>(id));
  if (m.active) throw std::logic_error("sequence tracked twice");
  ++version_;
  m.active = true;
  m.c = tokens - step;
  m.finish = step + remaining;
  ++count_;
  sum_c_ += static_cast<double>(m.c);
  count_residue(residue(m.c), +1);
  finish_heap_.emplace(m.finish, id);
  for (Rule& r : rules_) {
    if (r.bound <= 0) continue;
    if (tokens >= r.bound) {
      r.saturated[static_cast<size_t>(id)] = 1;
      ++r.sat_count;
    } else {
      r.saturated[static_cast<size_t>(id)] = 0;
      ++r.unsat_count;
      r.unsat_sum_c += static_cast<double>(m.c);
      r.heap.emplace(r.bound - m.c, id);  // the step at which tokens reach the bound
    }
  }
}

bool DecodeTracker::contains(int64_t id) const {
  return members_.at(static_cast<size_t>(id)).active;
}

int64_t DecodeTracker::tokens(int64_t id, int64_t step) const {
  return members_.at(static_cast<size_t>(id)).c + step;
}

int64_t DecodeTracker::remove(int64_t id, int64_t step) {
  Member& m = members_.at(static_cast<size_t>(id));
  if (!m.active) throw std::logic_error("removing an untracked sequence");
  ++version_;
  m.active = false;
  --count_;
  sum_c_ -= static_cast<double>(m.c);
  count_residue(residue(m.c), -1);
  for (Rule& r : rules_) {
    if (r.bound <= 0) continue;
    if (r.saturated[static_cast<size_t>(id)]) {
      --r.sat_count;
    } else {
      --r.unsat_count;
      r.unsat_sum_c -= static_cast<double>(m.c);
    }
  }
  return m.c + step;
}

void DecodeTracker::advance(int64_t step) {
  for (Rule& r : rules_) {
    while (!r.heap.empty() && r.heap.top().first <= step) {
      const int64_t id = r.heap.top().second;
      r.heap.pop();
      const Member& m = members_[static_cast<size_t>(id)];
      // Stale entries (the sequence left, or rejoined later) are skipped.
      if (!m.active || r.saturated[static_cast<size_t>(id)] || r.bound - m.c > step) continue;
      r.saturated[static_cast<size_t>(id)] = 1;
      ++version_;
      --r.unsat_count;
      r.unsat_sum_c -= static_cast<double>(m.c);
      ++r.sat_count;
    }
  }
}

double DecodeTracker::sum_capped(size_t rule, int64_t step) const {
  const Rule& r = rules_.at(rule);
  if (r.bound <= 0) return sum_tokens(step);
  return r.unsat_sum_c + static_cast<double>(r.unsat_count) * static_cast<double>(step) +
         static_cast<double>(r.sat_count) * static_cast<double>(r.bound);
}

int64_t DecodeTracker::sum_blocks(int64_t step) const {
  // sum ceil((c + S) / bt) = (sum c + n S + n (bt - 1) - sum ((rho + S) mod bt)) / bt, and
  // sum ((rho + s) mod bt) = sum rho + n s - bt * #{rho >= bt - s} for s = S mod bt.
  if (blocks_version_ == version_ && blocks_step_ == step) return blocks_sum_;
  const int64_t s_mod = ((step % bt_) + bt_) % bt_;
  const int64_t wrapped = s_mod == 0 ? 0 : count_ - residues_below(bt_ - s_mod);
  const int64_t residue_sum = residue_weight_ + count_ * s_mod - bt_ * wrapped;
  const double total = sum_c_ + static_cast<double>(count_) * static_cast<double>(step + bt_ - 1) -
                       static_cast<double>(residue_sum);
  blocks_version_ = version_;
  blocks_step_ = step;
  blocks_sum_ = static_cast<int64_t>(total / static_cast<double>(bt_) + 0.5);
  return blocks_sum_;
}

int64_t DecodeTracker::next_saturation() {
  int64_t next = kNever;
  for (Rule& r : rules_) {
    // Drop stale entries: the sequence left, is already saturated, or rejoined with another start.
    while (!r.heap.empty()) {
      const auto [at, id] = r.heap.top();
      const Member& m = members_[static_cast<size_t>(id)];
      if (m.active && !r.saturated[static_cast<size_t>(id)] && r.bound - m.c == at) break;
      r.heap.pop();
    }
    if (!r.heap.empty()) next = std::min(next, r.heap.top().first);
  }
  return next;
}

int64_t DecodeTracker::next_finish() {
  while (!finish_heap_.empty()) {
    const auto [finish, id] = finish_heap_.top();
    const Member& m = members_[static_cast<size_t>(id)];
    if (m.active && m.finish == finish) return finish;
    finish_heap_.pop();  // the sequence was preempted or removed
  }
  return kNever;
}

std::vector<int64_t> DecodeTracker::pop_finished(int64_t step) {
  std::vector<int64_t> out;
  while (!finish_heap_.empty() && finish_heap_.top().first <= step) {
    const auto [finish, id] = finish_heap_.top();
    finish_heap_.pop();
    const Member& m = members_[static_cast<size_t>(id)];
    // A sequence removed and re-added with the same finish step (preempted and resumed with no
    // decode step in between) has two equal entries; they pop one after the other.
    if (m.active && m.finish == finish && (out.empty() || out.back() != id)) out.push_back(id);
  }
  return out;
}

}  // namespace kvsim::serve
