#include "kvsim/serve/engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "kvsim/core/big_vector.h"
#include "kvsim/core/error.h"
#include "kvsim/perf/step.h"
#include "kvsim/serve/replica.h"

namespace kvsim::serve {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr size_t kMaxDropNotes = 10;

/// Rejects requests no replica could ever serve; returns the reason (none = admissible).
DropReason admissible(const workload::Request& q, const KvModel& kv) {
  if (q.input_tokens + q.output_tokens > kv.max_context) return DropReason::exceeds_context;
  if (kv.sequence_bytes(q.input_tokens + q.output_tokens) > kv.budget_bytes)
    return DropReason::exceeds_memory;
  return DropReason::none;
}

std::string drop_note(const workload::Request& q, DropReason why, const KvModel& kv) {
  const std::string where =
      q.line > 0 ? fmt::format("line {}", q.line) : fmt::format("request {}", q.id);
  const int64_t need = q.input_tokens + q.output_tokens;
  if (why == DropReason::exceeds_context) {
    return fmt::format(
        "{}: dropped (exceeds_context): {} input + {} output tokens exceed the {}-token context",
        where, q.input_tokens, q.output_tokens, kv.max_context);
  }
  return fmt::format(
      "{}: dropped (exceeds_memory): {} tokens need {:.2f} GiB of KV per GPU, the budget is {:.2f} "
      "GiB",
      where, need, kv.sequence_bytes(need) / (1 << 30), kv.budget_bytes / (1 << 30));
}

}  // namespace

ReplayResult replay(const workload::RequestSet& requests, Deployment d) {
  d.config.fill_defaults();
  d.policy.fill_defaults(*d.model);
  d.policy.validate();
  if (d.config.max_num_seqs < 1 || d.config.max_batched_tokens < 1 || d.config.replicas < 1) {
    throw core::ConfigError("engine",
                            "max_num_seqs, max_batched_tokens and replicas must be at least 1");
  }
  perf::MemoryOptions mem;
  mem.memory_utilization = d.memory_utilization;
  mem.max_batched_tokens = d.config.max_batched_tokens;
  mem.max_sequences = d.config.max_num_seqs;
  const perf::MemoryPlan plan =
      perf::plan_memory(*d.model, *d.hardware, d.parallelism, d.policy, mem);
  const perf::StepModel steps(*d.model, *d.hardware, d.parallelism, d.policy);
  const KvModel kv = build_kv_model(plan, steps, *d.hardware, d.config);

  ReplayResult res;
  const size_t n = requests.requests.size();
  core::resize_big(res.requests, n);
  res.kv_budget_bytes = kv.budget_bytes;
  res.notes = kv.notes;
  std::vector<SeqState> seqs;
  core::resize_big(seqs, n);
  Timeline timeline(d.config.timeline_points, 1e-3);
  ReplicaContext ctx{&steps, &d.config, &requests, &kv, &seqs, &res.requests, &res, &timeline};
  std::vector<Replica> replicas;
  replicas.reserve(static_cast<size_t>(d.config.replicas));
  for (int64_t i = 0; i < d.config.replicas; ++i)
    replicas.emplace_back(static_cast<int32_t>(i), ctx);

  Router& router = *d.config.router;
  router.reset();
  std::vector<ReplicaLoad> loads(replicas.size());
  std::vector<char> touched(replicas.size(), 0);
  size_t next = 0;
  auto next_arrival = [&] { return next < n ? requests.requests[next].arrival_s : kInf; };
  size_t drop_notes = 0;

  auto arrive = [&](size_t i) {
    const workload::Request& q = requests.requests[i];
    RequestRecord& rec = res.requests[i];
    rec.arrival_s = q.arrival_s;
    rec.input_tokens = q.input_tokens;
    rec.output_tokens = q.output_tokens;
    ++res.arrived;
    const DropReason why = admissible(q, kv);
    if (why != DropReason::none) {
      rec.dropped = why;
      seqs[i].phase = SeqState::Phase::dropped;
      if (drop_notes++ < kMaxDropNotes) res.notes.push_back(drop_note(q, why, kv));
      return;
    }
    size_t target = 0;
    if (replicas.size() > 1) {
      for (size_t r = 0; r < replicas.size(); ++r) {
        loads[r] = replicas[r].load();
        if (router.wants_prefix_blocks())
          loads[r].prefix_blocks = replicas[r].cached_prefix_blocks(static_cast<int64_t>(i));
      }
      target = std::min(router.route(loads), replicas.size() - 1);
    }
    replicas[target].enqueue(static_cast<int64_t>(i));
    touched[target] = 1;
  };

  while (true) {
    double t_step = kInf;
    size_t due = 0;
    for (size_t r = 0; r < replicas.size(); ++r) {
      if (replicas[r].busy() && replicas[r].busy_until() < t_step) {
        t_step = replicas[r].busy_until();
        due = r;
      }
    }
    const double t_arrival = next_arrival();
    if (t_step == kInf && t_arrival == kInf) break;
    if (t_arrival <= t_step) {  // arrivals first, so a step ending now sees them
      const double now = t_arrival;
      while (next < n && requests.requests[next].arrival_s == now)
        arrive(next++);
      for (size_t r = 0; r < replicas.size(); ++r) {
        if (touched[r] && !replicas[r].busy()) replicas[r].start(now, next_arrival());
        touched[r] = 0;
      }
    } else {
      replicas[due].finish();
      replicas[due].start(t_step, next_arrival());
    }
  }

  for (Replica& r : replicas) {
    res.peak_kv_bytes = std::max(res.peak_kv_bytes, r.peak_used_bytes());
    res.peak_cached_bytes = std::max(res.peak_cached_bytes, r.peak_cached_bytes());
    res.peak_host_bytes = std::max(res.peak_host_bytes, r.peak_host_bytes());
    res.cache_evictions += r.cache().evictions();
    r.check_drained(res.invariants);
  }
  res.timeline = timeline.used();
  summarize(res, d.config.slo_ttft_s, d.config.slo_tpot_s, d.hardware->hbm.bandwidth_bytes_s);
  return res;
}

}  // namespace kvsim::serve
