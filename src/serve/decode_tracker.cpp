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
      residues_(static_cast<size_t>(block_tokens), 0) {
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

void DecodeTracker::add(int64_t id, int64_t tokens, int64_t remaining, int64_t step) {
  Member& m = members_.at(static_cast<size_t>(id));
  if (m.active) throw std::logic_error("sequence tracked twice");
  m.active = true;
  m.c = tokens - step;
  m.finish = step + remaining;
  ++count_;
  sum_c_ += static_cast<double>(m.c);
  ++residues_[static_cast<size_t>(residue(m.c))];
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
  m.active = false;
  --count_;
  sum_c_ -= static_cast<double>(m.c);
  --residues_[static_cast<size_t>(residue(m.c))];
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
  // sum ceil((c + S) / bt) = (sum c + n S + n (bt - 1) - sum ((rho + S) mod bt)) / bt.
  int64_t residue_sum = 0;
  const int64_t s_mod = ((step % bt_) + bt_) % bt_;
  for (int64_t rho = 0; rho < bt_; ++rho) {
    const int64_t n = residues_[static_cast<size_t>(rho)];
    if (n) residue_sum += n * ((rho + s_mod) % bt_);
  }
  const double total = sum_c_ + static_cast<double>(count_) * static_cast<double>(step + bt_ - 1) -
                       static_cast<double>(residue_sum);
  return static_cast<int64_t>(total / static_cast<double>(bt_) + 0.5);
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
    if (m.active && m.finish == finish) out.push_back(id);
  }
  return out;
}

}  // namespace kvsim::serve
