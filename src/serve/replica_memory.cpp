// Replica KV accounting: bytes per GPU of the binding stage, from the decode tracker's sums, the
// prefill sums and the prefix cache, so every query is O(rules + block size).
#include <algorithm>
#include <cmath>

#include "kvsim/serve/replica.h"

namespace kvsim::serve {

namespace {

double ceil_blocks(int64_t tokens, int64_t bt) {
  return static_cast<double>((tokens + bt - 1) / bt);
}

double capped(int64_t tokens, int64_t bound) {
  return static_cast<double>(bound > 0 ? std::min(tokens, bound) : tokens);
}

}  // namespace

void Replica::account_prefill(const SeqState& s, double sign) {
  const KvModel& m = kv();
  prefill_blocks_ += sign * ceil_blocks(s.prefilled, m.block_tokens);
  prefill_cached_blocks_ += sign * static_cast<double>(s.cached_blocks);
  prefill_tokens_ += sign * static_cast<double>(s.prefilled);
  for (size_t r = 0; r < m.rule_bounds.size(); ++r) {
    if (m.rule_bounds[r] > 0) prefill_capped_[r] += sign * capped(s.prefilled, m.rule_bounds[r]);
  }
}

double Replica::used_bytes(int64_t step) const {
  const KvModel& m = kv();
  const double seqs = static_cast<double>(running());
  if (m.contiguous) return seqs * m.sequence_overhead_bytes;
  const double owned = static_cast<double>(tracker_.sum_blocks(step)) - decoding_cached_blocks_ +
                       prefill_blocks_ - prefill_cached_blocks_;
  double bytes = m.block_bytes() * (owned + static_cast<double>(cache_.hbm_blocks())) +
                 seqs * m.sequence_overhead_bytes;
  for (size_t r = 0; r < m.rule_bounds.size(); ++r) {
    if (m.rule_bounds[r] > 0)
      bytes += m.rule_token_bytes[r] * (tracker_.sum_capped(r, step) + prefill_capped_[r]);
  }
  return bytes;
}

double Replica::evictable_bytes() const {
  return kv().block_bytes() * static_cast<double>(cache_.hbm_evictable());
}

double Replica::fragmented_bytes(int64_t step) const {
  const KvModel& m = kv();
  double resident = m.full_token_bytes * (tracker_.sum_tokens(step) + prefill_tokens_);
  for (size_t r = 0; r < m.rule_bounds.size(); ++r) {
    if (m.rule_bounds[r] > 0)
      resident += m.rule_token_bytes[r] * (tracker_.sum_capped(r, step) + prefill_capped_[r]);
  }
  const double seqs = static_cast<double>(running());
  if (m.contiguous) return std::max(0.0, seqs * m.sequence_overhead_bytes - resident);
  // Every sequence's own view of its blocks (shared blocks are full, so sharing adds no waste).
  double allocated =
      m.block_bytes() * (static_cast<double>(tracker_.sum_blocks(step)) + prefill_blocks_) +
      seqs * m.sequence_overhead_bytes;
  for (size_t r = 0; r < m.rule_bounds.size(); ++r) {
    if (m.rule_bounds[r] > 0)
      allocated += m.rule_token_bytes[r] * (tracker_.sum_capped(r, step) + prefill_capped_[r]);
  }
  return std::max(0.0, allocated - resident);
}

double Replica::decode_growth_bytes(int64_t step, int64_t steps) const {
  const KvModel& m = kv();
  if (m.contiguous || tracker_.count() == 0) return 0;
  double bytes = m.block_bytes() *
                 static_cast<double>(tracker_.sum_blocks(step + steps) - tracker_.sum_blocks(step));
  for (size_t r = 0; r < m.rule_bounds.size(); ++r) {
    if (m.rule_bounds[r] > 0) {
      bytes += m.rule_token_bytes[r] *
               (tracker_.sum_capped(r, step + steps) - tracker_.sum_capped(r, step));
    }
  }
  return bytes;
}

double Replica::chunk_growth_bytes(const SeqState& s, int64_t tokens, bool admitting) const {
  const KvModel& m = kv();
  if (m.contiguous) return admitting ? m.sequence_overhead_bytes : 0;
  const int64_t p = s.prefilled, q = p + tokens;
  double bytes =
      m.block_bytes() * (ceil_blocks(q, m.block_tokens) - ceil_blocks(p, m.block_tokens));
  // Bounded rules keep no shared blocks: an admitted sequence holds its hit tokens' windows too.
  const int64_t rule_from = admitting ? 0 : p;
  for (size_t r = 0; r < m.rule_bounds.size(); ++r) {
    if (m.rule_bounds[r] > 0)
      bytes += m.rule_token_bytes[r] *
               (capped(q, m.rule_bounds[r]) - capped(rule_from, m.rule_bounds[r]));
  }
  return bytes + (admitting ? m.sequence_overhead_bytes : 0);
}

bool Replica::evict_for(double bytes, int64_t step) {
  const double need = bytes - free_bytes(step);
  if (need <= 0) return true;
  const double block = kv().block_bytes();
  if (block <= 0 || need > evictable_bytes()) return false;
  cache_.evict_hbm(static_cast<int64_t>(std::ceil(need / block - 1e-9)));
  return true;
}

void Replica::preempt_newest(double& transfer_s) {
  const int64_t r = lifo_.back();
  SeqState& s = seq(r);
  ReplayResult& res = *ctx_.result;
  lifo_.pop_back();
  int64_t tokens = 0;
  if (s.phase == SeqState::Phase::decoding) {
    tokens = tracker_.remove(s.slot, step_);
    s.generated = s.join_generated + (tokens - s.join_tokens);
    decoding_cached_blocks_ -= static_cast<double>(s.cached_blocks);
    free_slots_.push_back(s.slot);
    s.slot = -1;
    const double bytes = kv().sequence_bytes(tokens);
    if (ctx_.config->preemption == Preemption::swap &&
        host_used_ + bytes <= kv().swap_capacity_bytes) {
      release_cache(s, r);
      host_used_ += bytes;
      transfer_s += bytes / kv().swap_bandwidth_bytes_s;
      s.swapped_tokens = tokens;
      s.phase = SeqState::Phase::swapped;
      swapped_.push_back(r);
      ++res.swaps_out;
      ++record(r).preemptions;
      return;
    }
  } else {  // prefilling: its partial prompt is dropped
    account_prefill(s, -1);
    prefilling_.erase(std::find(prefilling_.begin(), prefilling_.end(), r));
    queued_tokens_ -= s.prompt - s.prefilled;
  }
  release_cache(s, r);
  // Recompute: prefill the prompt and every token generated so far, then continue.
  s.prompt = request(r).input_tokens + s.generated;
  s.prefilled = 0;
  s.phase = SeqState::Phase::waiting;
  waiting_.push_front(r);
  queued_tokens_ += s.prompt;
  ++res.preemptions;
  ++record(r).preemptions;
}

}  // namespace kvsim::serve
