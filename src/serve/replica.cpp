// Replica lifecycle: queueing, the effects of a finished step (prefills completing, decodes
// finishing), prefix-cache references, levels for the timeline, and end-of-run checks.
#include "kvsim/serve/replica.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kvsim::serve {

namespace {

uint64_t mix64(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

Replica::Replica(int32_t index, const ReplicaContext& ctx)
    : index_(index),
      ctx_(ctx),
      tracker_(ctx.kv->rule_bounds, ctx.kv->block_tokens, ctx.config->max_num_seqs),
      cache_(ctx.kv->tiers, ctx.kv->block_bytes()),
      slot_request_(static_cast<size_t>(ctx.config->max_num_seqs), -1),
      prefill_capped_(ctx.kv->rule_bounds.size(), 0) {
  for (int64_t i = ctx.config->max_num_seqs - 1; i >= 0; --i)
    free_slots_.push_back(static_cast<int32_t>(i));
}

void Replica::enqueue(int64_t r) {
  SeqState& s = seq(r);
  s.phase = SeqState::Phase::waiting;
  s.prompt = request(r).input_tokens;
  waiting_.push_back(r);
  ++outstanding_;
  queued_tokens_ += s.prompt;
  record(r).replica = index_;
}

ReplicaLoad Replica::load() const {
  ReplicaLoad l;
  l.outstanding = outstanding_;
  l.queued_tokens = queued_tokens_;
  l.kv_used_fraction = used_bytes(step_) / kv().budget_bytes;
  return l;
}

std::vector<uint64_t> Replica::block_hashes(int64_t r, int64_t max_blocks) const {
  // KV block i (tokens [i*bt, (i+1)*bt)) is named by the trace hash covering its last token, salted
  // with i: two prompts share the block exactly when they share that trace hash (and so everything
  // before it). Blocks past the prompt's hashed part are private and never cached.
  const workload::Request& q = request(r);
  std::vector<uint64_t> out;
  if (q.hash_count == 0 || q.hash_block_tokens <= 0) return out;
  const int64_t bt = kv().block_tokens, h = q.hash_block_tokens;
  const auto hashes = ctx_.requests->hashes_of(q);
  const int64_t covered = std::min(q.input_tokens, static_cast<int64_t>(q.hash_count) * h);
  const int64_t n = std::min(max_blocks, covered / bt);
  out.reserve(static_cast<size_t>(std::max<int64_t>(0, n)));
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t trace_hash = hashes[static_cast<size_t>(((i + 1) * bt - 1) / h)];
    out.push_back(mix64(trace_hash ^ mix64(static_cast<uint64_t>(i))));
  }
  return out;
}

int64_t Replica::cached_prefix_blocks(int64_t r) const {
  if (!kv().prefix_caching) return 0;
  const auto hashes = block_hashes(r, (request(r).input_tokens - 1) / kv().block_tokens);
  return cache_.peek(hashes).blocks;
}

void Replica::release_cache(SeqState& s, int64_t r) {
  if (s.cached_blocks <= 0) return;
  const auto hashes = block_hashes(r, s.cached_blocks);
  cache_.release(hashes);
  s.cached_blocks = 0;
}

void Replica::insert_prompt_blocks(int64_t r) {
  SeqState& s = seq(r);
  if (!kv().prefix_caching) return;
  const auto hashes = block_hashes(r, s.prompt / kv().block_tokens);
  if (static_cast<int64_t>(hashes.size()) <= s.cached_blocks) return;
  cache_.insert(std::span<const uint64_t>(hashes).subspan(static_cast<size_t>(s.cached_blocks)));
  s.cached_blocks = static_cast<int64_t>(hashes.size());
}

void Replica::join_decoding(int64_t r, int64_t tokens) {
  SeqState& s = seq(r);
  s.slot = free_slots_.back();
  free_slots_.pop_back();
  slot_request_[static_cast<size_t>(s.slot)] = r;
  tracker_.add(s.slot, tokens, request(r).output_tokens - s.generated, step_);
  s.join_tokens = tokens;
  s.join_generated = s.generated;
  decoding_cached_blocks_ += static_cast<double>(s.cached_blocks);
  s.phase = SeqState::Phase::decoding;
}

void Replica::finish_prefill(int64_t r, double now) {
  SeqState& s = seq(r);
  account_prefill(s, -1);
  prefilling_.erase(std::find(prefilling_.begin(), prefilling_.end(), r));
  insert_prompt_blocks(r);
  ++s.generated;  // the step that completes a prompt samples its next token
  RequestRecord& rec = record(r);
  if (rec.first_token_s < 0) rec.first_token_s = now;
  if (s.generated >= request(r).output_tokens) {
    s.phase = SeqState::Phase::prefilling;  // complete() expects a running phase
    complete(r, now);
  } else {
    join_decoding(r, s.prompt);
  }
}

void Replica::complete(int64_t r, double now) {
  SeqState& s = seq(r);
  if (s.phase == SeqState::Phase::decoding) {
    const int64_t tokens = tracker_.remove(s.slot, step_);
    // Tokens held grew by one per decode step, each of which produced one token.
    s.generated = s.join_generated + (tokens - s.join_tokens);
    decoding_cached_blocks_ -= static_cast<double>(s.cached_blocks);
    free_slots_.push_back(s.slot);
    slot_request_[static_cast<size_t>(s.slot)] = -1;
    s.slot = -1;
  }
  lifo_.erase(s.lifo);
  release_cache(s, r);
  s.phase = SeqState::Phase::done;
  RequestRecord& rec = record(r);
  rec.finish_s = now;
  rec.generated = s.generated;
  --outstanding_;
}

KvLevels Replica::levels() {
  KvLevels l;
  l.used_bytes = used_bytes(step_);
  l.cached_bytes = evictable_bytes();
  l.fragmented_bytes = fragmented_bytes(step_);
  l.host_bytes = host_used_;
  for (size_t t = 1; t < cache_.tiers().size(); ++t) {
    l.host_bytes += kv().block_bytes() * static_cast<double>(cache_.tier_blocks(t));
  }
  l.running = static_cast<double>(running());
  l.waiting = static_cast<double>(waiting_.size() + swapped_.size());
  peak_used_ = std::max(peak_used_, l.used_bytes);
  peak_cached_ = std::max(peak_cached_, l.cached_bytes);
  peak_host_ = std::max(peak_host_, l.host_bytes);
  return l;
}

void Replica::finish() {
  const Work& w = work_;
  const double end = busy_until_;
  ReplayResult& res = *ctx_.result;
  res.steps += std::max<int64_t>(1, w.decode_steps);
  if (w.decode_steps > 1) ++res.segments;
  res.busy_s += w.time.seconds;
  res.hbm_bytes += w.time.hbm_bytes;
  for (size_t b = 0; b < res.bound_s.size(); ++b)
    res.bound_s[b] += w.time.bound_seconds[b];
  if (ctx_.timeline)
    ctx_.timeline->step(w.start_s, end, w.time.hbm_bytes, w.tokens, w.time.bound_seconds);

  step_ += w.decode_steps;
  tracker_.advance(step_);
  // The levels while the work ran: every sequence holds its tokens, none has been released yet.
  const KvLevels during = levels();
  if (ctx_.timeline) ctx_.timeline->sample(w.start_s, end, during);
  for (const Chunk& c : w.chunks) {
    const SeqState& s = seq(c.request);
    if (s.phase == SeqState::Phase::prefilling && s.prefilled == s.prompt)
      finish_prefill(c.request, end);
  }
  for (int64_t id : tracker_.pop_finished(step_))
    complete(slot_request_[static_cast<size_t>(id)], end);
  idle_levels_ = levels();  // held until the next work starts
  idle_since_s_ = end;
  busy_ = false;
}

void Replica::check_drained(std::vector<Invariant>& out) {
  auto fail = [&](const std::string& name, const std::string& detail) {
    out.push_back(Invariant{fmt::format("replica {}: {}", index_, name), false, detail});
  };
  if (!waiting_.empty() || !prefilling_.empty() || !swapped_.empty() || tracker_.count() != 0) {
    fail("drained",
         fmt::format("{} waiting, {} prefilling, {} decoding, {} swapped at the end",
                     waiting_.size(), prefilling_.size(), tracker_.count(), swapped_.size()));
  }
  const double owned =
      used_bytes(step_) - kv().block_bytes() * static_cast<double>(cache_.hbm_blocks());
  if (std::abs(owned) > 0.5 || std::abs(host_used_) > 0.5) {
    fail("blocks freed",
         fmt::format("{:.0f} B of KV still allocated, {:.0f} B swapped", owned, host_used_));
  }
  const int64_t referenced = cache_.clear();
  if (referenced != 0)
    fail("cache references", fmt::format("{} cached blocks still referenced", referenced));
}

}  // namespace kvsim::serve
