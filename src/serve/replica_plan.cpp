// Replica step planning (vLLM-style): make room for the decodes, continue prefills, admit waiting
// requests first-come first-served under max_num_seqs, the token budget and KV memory; time the
// step, or fast-forward a run of decode-only steps.
#include <cmath>
#include <limits>

#include "kvsim/serve/replica.h"

namespace kvsim::serve {

namespace {
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
}

const perf::StepBatch& Replica::decode_batch(int64_t step) const {
  perf::StepBatch& b = decode_scratch_;
  if (b.decode_attended.size() != ctx_.step_model->rules().size())
    b = ctx_.step_model->empty_batch();
  b.decode_seqs = tracker_.count();
  b.logit_rows = b.decode_seqs;
  // A decode step at `step` appends one token per sequence and attends to everything held after it.
  for (size_t r = 0; r < b.decode_attended.size(); ++r)
    b.decode_attended[r] = tracker_.sum_capped(r, step + 1);
  return b;
}

perf::StepTime Replica::decode_time(int64_t step) const {
  DecodeTimeMemo& slot = decode_time_memo_[static_cast<size_t>(step) % decode_time_memo_.size()];
  if (slot.version != tracker_.version() || slot.step != step) {
    slot.time = ctx_.step_model->time(decode_batch(step));
    slot.version = tracker_.version();
    slot.step = step;
  }
  return slot.time;
}

perf::StepTime Replica::run_time(int64_t first, int64_t steps) const {
  // Step time is linear in the attended tokens, which grow by one per sequence per step, so a run
  // sums as a trapezoid. Kinks (a kernel changing bound) are found by checking the midpoint and
  // splitting the run there.
  perf::StepTime total;
  if (steps <= 2) {
    for (int64_t i = 0; i < steps; ++i)
      total += decode_time(first + i);
    return total;
  }
  const perf::StepTime a = decode_time(first), b = decode_time(first + steps - 1);
  const int64_t mid = (steps - 1) / 2;
  const double expected = a.seconds + (b.seconds - a.seconds) * static_cast<double>(mid) /
                                          static_cast<double>(steps - 1);
  const perf::StepTime m = decode_time(first + mid);
  if (std::abs(m.seconds - expected) <= 1e-6 * m.seconds) {
    total = a;
    total += b;
    return total.scaled(static_cast<double>(steps) / 2);
  }
  total = run_time(first, steps / 2);
  total += run_time(first + steps / 2, steps - steps / 2);
  return total;
}

int64_t Replica::segment_length(double now, double next_arrival_s) {
  const int64_t s = step_;
  int64_t n = ctx_.config->max_segment_steps;
  const int64_t finish = tracker_.next_finish(), sat = tracker_.next_saturation();
  if (finish != kNever) n = std::min(n, finish - s);
  if (sat != kNever) n = std::min(n, sat - s);
  n = std::max<int64_t>(1, n);
  // KV: the most steps whose growth fits in free plus evictable memory (one step is known to fit).
  const double room = free_bytes(s) + evictable_bytes();
  if (decode_growth_bytes(s, n) > room) {
    int64_t lo = 1, hi = n;  // growth(lo) fits, growth(hi) does not
    while (hi - lo > 1) {
      const int64_t m = lo + (hi - lo) / 2;
      (decode_growth_bytes(s, m) <= room ? lo : hi) = m;
    }
    n = lo;
  }
  // Stop at the first step boundary at or after the next arrival, which the next plan may admit.
  const bool arrivals_matter = ctx_.config->scheduler->admit_while_running();
  if (arrivals_matter && n > 1 && std::isfinite(next_arrival_s)) {
    const double wait = next_arrival_s - now;
    const double t0 = decode_time(s).seconds;
    const double slope = (decode_time(s + n - 1).seconds - t0) / static_cast<double>(n - 1);
    // Smallest k with k t0 + slope k (k - 1) / 2 >= wait.
    auto elapsed = [&](int64_t k) {
      const double kd = static_cast<double>(k);
      return kd * t0 + slope * kd * (kd - 1) / 2;
    };
    if (wait <= 0) {
      n = 1;
    } else if (elapsed(n) >= wait) {
      int64_t lo = 0, hi = n;  // elapsed(lo) < wait <= elapsed(hi)
      while (hi - lo > 1) {
        const int64_t m = lo + (hi - lo) / 2;
        (elapsed(m) >= wait ? hi : lo) = m;
      }
      n = hi;
    }
  }
  evict_for(decode_growth_bytes(s, n), s);
  return n;
}

void Replica::try_swap_in(double& transfer_s) {
  while (!swapped_.empty() && running() < ctx_.config->max_num_seqs) {
    const int64_t r = swapped_.front();
    SeqState& s = seq(r);
    const double bytes = kv().sequence_bytes(s.swapped_tokens);
    // Room for the sequence and its next step's growth.
    if (!evict_for(bytes + kv().block_bytes(), step_)) break;
    swapped_.pop_front();
    host_used_ -= bytes;
    transfer_s += bytes / kv().swap_bandwidth_bytes_s;
    s.lifo = lifo_.insert(lifo_.end(), r);
    join_decoding(r, s.swapped_tokens);
    ++ctx_.result->swaps_in;
  }
}

int64_t Replica::schedule_prefills(int64_t budget, bool allow_admission, double& transfer_s) {
  const Scheduler& sched = *ctx_.config->scheduler;
  const bool chunked = sched.chunked_prefill();
  Work& w = work_;
  // Memory is checked as it will be after this step's decodes have appended their tokens.
  const int64_t at = step_ + (w.decodes ? 1 : 0);
  auto chunk_for = [&](int64_t remaining) -> int64_t {
    if (chunked) return std::min(remaining, budget);
    // Whole prompts only; one longer than the budget runs alone.
    return remaining <= budget || (w.chunks.empty() && !w.decodes) ? remaining : 0;
  };
  auto add_chunk = [&](int64_t r, int64_t tokens) {
    SeqState& s = seq(r);
    w.chunks.push_back(Chunk{r, tokens, s.prefilled});
    account_prefill(s, -1);
    s.prefilled += tokens;
    account_prefill(s, +1);
    queued_tokens_ -= tokens;
    budget -= tokens;
    RequestRecord& rec = record(r);
    if (rec.first_scheduled_s < 0) rec.first_scheduled_s = w.start_s;
  };
  for (int64_t r : prefilling_) {
    if (budget <= 0) break;
    SeqState& s = seq(r);
    const int64_t t = chunk_for(s.prompt - s.prefilled);
    if (t <= 0 || !evict_for(chunk_growth_bytes(s, t, false), at)) break;
    add_chunk(r, t);
  }
  const KvModel& m = kv();
  while (allow_admission && budget > 0 && !waiting_.empty() &&
         running() < ctx_.config->max_num_seqs) {
    const int64_t r = waiting_.front();
    SeqState& s = seq(r);
    // Prefix hits: leading cached blocks, leaving at least one prompt token to compute.
    std::vector<uint64_t> hashes;
    PrefixCache::Match hit;
    if (m.prefix_caching) {
      hashes = block_hashes(r, (s.prompt - 1) / m.block_tokens);
      hit = cache_.peek(hashes);
    }
    const int64_t hit_tokens = hit.blocks * m.block_tokens;
    const int64_t t = chunk_for(s.prompt - hit_tokens);
    if (t <= 0) break;
    // Reference the hits first so that making room cannot evict them.
    cache_.acquire(hashes, hit.blocks);
    s.cached_blocks = hit.blocks;
    s.prefilled = hit_tokens;
    if (!evict_for(chunk_growth_bytes(s, t, true), at)) {
      release_cache(s, r);
      s.prefilled = 0;
      const double over = -free_bytes(at);  // promoted hits that no longer fit go back down
      if (over > 0 && m.block_bytes() > 0)
        cache_.evict_hbm(static_cast<int64_t>(std::ceil(over / m.block_bytes())));
      break;
    }
    waiting_.pop_front();
    transfer_s += hit.transfer_s;
    RequestRecord& rec = record(r);
    if (rec.first_scheduled_s < 0) {  // first admission: count the prompt for the hit rate
      rec.prefix_hit_tokens = hit_tokens;
      ReplayResult& res = *ctx_.result;
      res.prompt_tokens += request(r).input_tokens;
      res.prefix_hit_tokens += hit_tokens;
      if (res.hit_blocks_by_tier.size() < hit.per_tier.size())
        res.hit_blocks_by_tier.resize(hit.per_tier.size(), 0);
      for (size_t i = 0; i < hit.per_tier.size(); ++i)
        res.hit_blocks_by_tier[i] += hit.per_tier[i];
    }
    queued_tokens_ -= hit_tokens;
    s.phase = SeqState::Phase::prefilling;
    prefilling_.push_back(r);
    account_prefill(s, +1);
    s.lifo = lifo_.insert(lifo_.end(), r);
    add_chunk(r, t);
  }
  return budget;
}

void Replica::plan(double now) {
  Work& w = work_;
  w = Work{};
  w.start_s = now;
  const Scheduler& sched = *ctx_.config->scheduler;
  const bool mix = sched.mix_prefill_and_decode();
  const bool may_admit = swapped_.empty() && (sched.admit_while_running() || running() == 0);
  if (!swapped_.empty()) try_swap_in(w.transfer_s);
  auto room_for_decodes = [&] {
    while (tracker_.count() > 0 && !evict_for(decode_growth_bytes(step_, 1), step_))
      preempt_newest(w.transfer_s);
  };
  if (mix) {
    room_for_decodes();
    w.decodes = tracker_.count() > 0;
    const int64_t budget = ctx_.config->max_batched_tokens - (w.decodes ? tracker_.count() : 0);
    schedule_prefills(budget, may_admit, w.transfer_s);
  } else {
    schedule_prefills(ctx_.config->max_batched_tokens, may_admit, w.transfer_s);
    if (w.chunks.empty()) {
      room_for_decodes();
      w.decodes = tracker_.count() > 0;
    }
  }
  // Prefills blocked on memory with nothing decoding: the newest one yields to the older ones.
  while (w.chunks.empty() && !w.decodes && !prefilling_.empty() && lifo_.size() > 1) {
    preempt_newest(w.transfer_s);
    schedule_prefills(ctx_.config->max_batched_tokens, false, w.transfer_s);
  }
}

void Replica::start(double now, double next_arrival_s) {
  if (ctx_.timeline && now > idle_since_s_) ctx_.timeline->sample(idle_since_s_, now, idle_levels_);
  idle_since_s_ = now;
  plan(now);
  Work& w = work_;
  if (!w.decodes && w.chunks.empty()) {
    busy_ = false;
    return;
  }
  if (w.chunks.empty()) {
    w.decode_steps = segment_length(now, next_arrival_s);
    w.time = run_time(step_, w.decode_steps);
    w.tokens = static_cast<double>(tracker_.count() * w.decode_steps);
  } else {
    perf::StepBatch b = w.decodes ? decode_batch(step_) : ctx_.step_model->empty_batch();
    w.decode_steps = w.decodes ? 1 : 0;
    for (const Chunk& c : w.chunks) {
      perf::add_prefill_chunk(b, ctx_.step_model->rules(), c.prefix, c.tokens);
      const SeqState& s = seq(c.request);
      if (s.prefilled == s.prompt) ++b.logit_rows;
    }
    w.time = ctx_.step_model->time(b);
    w.tokens = b.new_tokens();
  }
  if (w.transfer_s > 0) {
    w.time.seconds += w.transfer_s;
    w.time.bound_seconds[static_cast<size_t>(perf::Bound::host)] += w.transfer_s;
  }
  busy_ = true;
  busy_until_ = now + w.time.seconds;
}

}  // namespace kvsim::serve
