// The replay engine on hand-worked traces: exact timelines computed from the step model for the
// batches the engine must form, prefix hits, chunked prefill, schedulers, preemption, drops,
// fast-forwarding, replicas, and determinism.

#include <gtest/gtest.h>

#include "kvsim/core/registry.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/memory_plan.h"
#include "kvsim/report/replay_report.h"
#include "kvsim/serve/engine.h"

namespace kvsim::serve {
namespace {

struct Fixture {
  model::ModelSpec model = model::load_model("llama-3.1-8b");
  hw::HardwareProfile hw = hw::load_hardware("h100-sxm");

  Deployment deployment(const std::vector<std::string>& kv_specs = {}) const {
    Deployment d;
    d.model = &model;
    d.hardware = &hw;
    for (const std::string& s : kv_specs) {
      const auto colon = s.find('=');
      kv::set_kv_question(d.policy, s.substr(0, colon),
                          core::parse_spec_string(s.substr(colon + 1), "test"), "test");
    }
    d.policy.fill_defaults(model);
    d.config.fill_defaults();
    return d;
  }
  perf::StepModel steps(const Deployment& d) const {
    return perf::StepModel(model, hw, d.parallelism, d.policy);
  }
};

struct Req {
  double t;
  int64_t in, out;
  std::vector<uint64_t> hashes = {};
};

workload::RequestSet make(const std::vector<Req>& reqs, int32_t hash_block = 16) {
  workload::RequestSet s;
  s.source = "test";
  s.format = "test";
  for (const Req& r : reqs) {
    workload::Request q;
    q.arrival_s = r.t;
    q.input_tokens = r.in;
    q.output_tokens = r.out;
    q.hash_block_tokens = r.hashes.empty() ? 0 : hash_block;
    s.add(q, r.hashes);
  }
  s.rows_read = static_cast<int64_t>(reqs.size());
  s.finalize();
  return s;
}

double prefill(const perf::StepModel& sm, std::vector<std::pair<int64_t, int64_t>> chunks,
               int64_t logits, int64_t decodes = 0, double attended = 0) {
  perf::StepBatch b = sm.empty_batch();
  for (auto [prefix, tokens] : chunks)
    perf::add_prefill_chunk(b, sm.rules(), prefix, tokens);
  b.logit_rows = logits + decodes;
  b.decode_seqs = decodes;
  if (decodes) b.decode_attended[0] = attended;
  return sm.time(b).seconds;
}

double decode(const perf::StepModel& sm, int64_t seqs, double attended) {
  perf::StepBatch b = sm.empty_batch();
  b.decode_seqs = seqs;
  b.logit_rows = seqs;
  b.decode_attended[0] = attended;
  return sm.time(b).seconds;
}

void expect_invariants(const ReplayResult& r) {
  for (const Invariant& i : r.invariants)
    EXPECT_TRUE(i.ok) << i.name << ": " << i.detail;
}

TEST(Replay, OneRequestExactTimeline) {
  Fixture f;
  const Deployment d = f.deployment();
  const auto sm = f.steps(d);
  const ReplayResult r = replay(make({{0.0, 100, 4}}), d);
  expect_invariants(r);
  ASSERT_EQ(r.completed, 1);
  const double t1 = prefill(sm, {{0, 100}}, 1);
  // Three decode steps after the prefill; each appends a token and attends to all of them.
  const double decodes = decode(sm, 1, 101) + decode(sm, 1, 102) + decode(sm, 1, 103);
  const RequestRecord& q = r.requests[0];
  EXPECT_DOUBLE_EQ(q.first_scheduled_s, 0);
  EXPECT_NEAR(q.first_token_s, t1, 1e-12);
  EXPECT_NEAR(q.finish_s, t1 + decodes, 1e-12);
  EXPECT_NEAR(r.tpot.p50, decodes / 3, 1e-12);
  EXPECT_EQ(q.generated, 4);
  EXPECT_EQ(r.steps, 4);
  // KV: 103 tokens in 7 blocks of 16 at 128 KiB per token (32 layers x 8 heads x 128 x 2 x 2 B).
  EXPECT_DOUBLE_EQ(r.peak_kv_bytes, 7.0 * 16 * 131072);
}

TEST(Replay, SecondRequestSkipsTheSharedPrefixBlocks) {
  Fixture f;
  const Deployment d = f.deployment({"sharing=prefix"});
  const auto sm = f.steps(d);
  // Same first three 16-token blocks, different fourth; B arrives long after A finished.
  const ReplayResult r =
      replay(make({{0.0, 64, 3, {11, 12, 13, 14}}, {10.0, 64, 3, {11, 12, 13, 99}}}), d);
  expect_invariants(r);
  const RequestRecord &a = r.requests[0], &b = r.requests[1];
  EXPECT_EQ(a.prefix_hit_tokens, 0);
  EXPECT_EQ(b.prefix_hit_tokens, 48);
  EXPECT_NEAR(a.first_token_s, prefill(sm, {{0, 64}}, 1), 1e-12);
  // B computes only its last 16 tokens, attending over the 48 cached ones.
  const double tb = prefill(sm, {{48, 16}}, 1);
  EXPECT_NEAR(b.first_token_s - 10.0, tb, 1e-12);
  EXPECT_LT(tb, prefill(sm, {{0, 64}}, 1));
  EXPECT_EQ(r.prompt_tokens, 128);
  EXPECT_EQ(r.prefix_hit_tokens, 48);
  // Unreferenced cached blocks: A's 4 after it finishes, then B's own fourth block as well.
  EXPECT_DOUBLE_EQ(r.peak_cached_bytes, 5.0 * 16 * 131072);
}

TEST(Replay, ConcurrentArrivalsShareTheirPrefillStepAndDecodeTogether) {
  Fixture f;
  const Deployment d = f.deployment();
  const auto sm = f.steps(d);
  const ReplayResult r = replay(make({{0.0, 100, 2}, {0.0, 50, 3}}), d);
  expect_invariants(r);
  const double t1 = prefill(sm, {{0, 100}, {0, 50}}, 2);
  EXPECT_NEAR(r.requests[0].first_token_s, t1, 1e-12);
  EXPECT_NEAR(r.requests[1].first_token_s, t1, 1e-12);
  const double d1 = decode(sm, 2, 101 + 51);
  EXPECT_NEAR(r.requests[0].finish_s, t1 + d1, 1e-12);
  EXPECT_NEAR(r.requests[1].finish_s, t1 + d1 + decode(sm, 1, 52), 1e-12);
}

TEST(Replay, LongPromptIsChunkedUnderTheTokenBudget) {
  Fixture f;
  Deployment d = f.deployment();
  d.config.max_batched_tokens = 4096;
  const auto sm = f.steps(d);
  const ReplayResult r = replay(make({{0.0, 10000, 1}}), d);
  expect_invariants(r);
  const double expected =
      prefill(sm, {{0, 4096}}, 0) + prefill(sm, {{4096, 4096}}, 0) + prefill(sm, {{8192, 1808}}, 1);
  EXPECT_NEAR(r.requests[0].first_token_s, expected, 1e-12);
  EXPECT_NEAR(r.requests[0].finish_s, expected, 1e-12);  // one output token: done at the prefill
  EXPECT_EQ(r.steps, 3);
}

TEST(Replay, StaticBatchWaitsForTheRunningBatch) {
  Fixture f;
  Deployment d = f.deployment();
  d.config.scheduler =
      core::Registry<Scheduler>::instance().create(core::parse_spec_string("static", "t"), "t");
  const ReplayResult st = replay(make({{0.0, 100, 50}, {0.01, 100, 50}}), d);
  expect_invariants(st);
  EXPECT_GE(st.requests[1].first_scheduled_s, st.requests[0].finish_s);
  const ReplayResult cb = replay(make({{0.0, 100, 50}, {0.01, 100, 50}}), f.deployment());
  EXPECT_LT(cb.requests[1].first_scheduled_s,
            cb.requests[0].finish_s);  // continuous batching joins
}

TEST(Replay, PrefillFirstPausesDecodes) {
  Fixture f;
  Deployment d = f.deployment();
  d.config.scheduler = core::Registry<Scheduler>::instance().create(
      core::parse_spec_string("prefill_first", "t"), "t");
  const auto sm = f.steps(d);
  const ReplayResult r = replay(make({{0.0, 100, 3}}), d);
  expect_invariants(r);
  EXPECT_NEAR(r.requests[0].first_token_s, prefill(sm, {{0, 100}}, 1), 1e-12);
}

/// A deployment whose KV budget holds about `tokens` tokens of Llama-3.1-8B.
Deployment small_memory(const Fixture& f, int64_t tokens, const std::vector<std::string>& kv = {}) {
  Deployment d = f.deployment(kv);
  perf::MemoryOptions mo;
  mo.memory_utilization = 1.0;
  const perf::MemoryPlan p = perf::plan_memory(f.model, f.hw, d.parallelism, d.policy, mo);
  const double other = static_cast<double>(p.device_bytes - p.stages[0].kv_budget_bytes);
  d.memory_utilization =
      (other + static_cast<double>(tokens) * 131072) / static_cast<double>(p.device_bytes);
  return d;
}

std::vector<Req> burst(int n, int64_t in, int64_t out) {
  std::vector<Req> v;
  for (int i = 0; i < n; ++i)
    v.push_back({0.001 * i, in, out});
  return v;
}

TEST(Replay, RecomputePreemptionWhenKvRunsOut) {
  Fixture f;
  const Deployment d = small_memory(f, 4000);
  const ReplayResult r = replay(make(burst(8, 500, 600)), d);
  expect_invariants(r);
  EXPECT_EQ(r.completed, 8);
  EXPECT_GT(r.preemptions, 0);
  EXPECT_LE(r.peak_kv_bytes, r.kv_budget_bytes);
  EXPECT_GT(r.peak_kv_bytes, 0.9 * r.kv_budget_bytes);
}

TEST(Replay, SwapPreemptionMovesKvToHostAndBack) {
  Fixture f;
  Deployment d = small_memory(f, 4000);
  d.config.preemption = Preemption::swap;
  const ReplayResult r = replay(make(burst(8, 500, 600)), d);
  expect_invariants(r);
  EXPECT_EQ(r.completed, 8);
  EXPECT_GT(r.swaps_out, 0);
  EXPECT_EQ(r.swaps_in, r.swaps_out);
  EXPECT_GT(r.peak_host_bytes, 0);
  EXPECT_GT(r.bound_s[static_cast<size_t>(perf::Bound::host)], 0);  // the copies take time
}

TEST(Replay, RequestsThatCanNeverFitAreDroppedWithAReason) {
  Fixture f;
  const Deployment d = small_memory(f, 4000);
  const ReplayResult r =
      replay(make({{0.0, 100, 10}, {0.1, 130000, 5000}, {0.2, 5000, 10}, {0.3, 10, 10}}), d);
  expect_invariants(r);
  EXPECT_EQ(r.completed, 2);
  EXPECT_EQ(r.requests[1].dropped, DropReason::exceeds_context);
  EXPECT_EQ(r.requests[2].dropped, DropReason::exceeds_memory);
  ASSERT_GE(r.notes.size(), 2u);
  EXPECT_NE(r.notes[0].find("exceeds_context"), std::string::npos);
}

TEST(Replay, FastForwardMatchesStepByStep) {
  Fixture f;
  Deployment fast = f.deployment({"sharing=prefix"});
  Deployment slow = fast;
  slow.config.max_segment_steps = 1;
  std::vector<Req> reqs;
  for (int i = 0; i < 40; ++i) {
    reqs.push_back({0.05 * i,
                    200 + 37 * (i % 7),
                    20 + 13 * (i % 11),
                    {1, 2, static_cast<uint64_t>(100 + i % 3)}});
  }
  const auto set = make(reqs);
  const ReplayResult a = replay(set, fast), b = replay(set, slow);
  expect_invariants(a);
  EXPECT_LT(a.steps - a.segments, b.steps);  // runs of decode steps were skipped over
  for (size_t i = 0; i < reqs.size(); ++i) {
    EXPECT_NEAR(a.requests[i].finish_s, b.requests[i].finish_s, 1e-6 * b.requests[i].finish_s) << i;
    EXPECT_NEAR(a.requests[i].first_token_s, b.requests[i].first_token_s,
                1e-6 * b.requests[i].first_token_s)
        << i;
  }
}

TEST(Replay, RoutersSpreadRequestsOverReplicas) {
  Fixture f;
  Deployment d = f.deployment({"sharing=prefix"});
  d.config.replicas = 2;
  d.config.router =
      core::Registry<Router>::instance().create(core::parse_spec_string("round_robin", "t"), "t");
  const auto set = make(burst(6, 100, 5));
  const ReplayResult rr = replay(set, d);
  expect_invariants(rr);
  for (size_t i = 0; i < 6; ++i)
    EXPECT_EQ(rr.requests[i].replica, static_cast<int32_t>(i % 2));
  // Prefix-aware routing sends the requests sharing a prefix to the replica that cached it.
  d.config.router =
      core::Registry<Router>::instance().create(core::parse_spec_string("prefix_aware", "t"), "t");
  const ReplayResult pa = replay(
      make({{0.0, 64, 2, {1, 2, 3, 4}}, {5.0, 64, 2, {7, 8, 9, 10}}, {9.0, 64, 2, {1, 2, 3, 5}}}),
      d);
  expect_invariants(pa);
  EXPECT_EQ(pa.requests[2].replica, pa.requests[0].replica);
  EXPECT_EQ(pa.requests[2].prefix_hit_tokens, 48);
}

TEST(Replay, WindowAndContiguousPoliciesChangeMemory) {
  Fixture f;
  const auto set = make(burst(4, 3000, 200));
  const ReplayResult full = replay(set, f.deployment());
  const ReplayResult window = replay(set, f.deployment({"retention=sliding_window:window=512"}));
  const ReplayResult contiguous =
      replay(set, f.deployment({"allocation=contiguous:reserve_tokens=8192"}));
  expect_invariants(full);
  expect_invariants(window);
  expect_invariants(contiguous);
  EXPECT_LT(window.peak_kv_bytes, full.peak_kv_bytes / 4);
  // Four sequences, each reserving 8192 tokens x 128 KiB.
  EXPECT_DOUBLE_EQ(contiguous.peak_kv_bytes, 4.0 * 8192 * 131072);
  EXPECT_GT(contiguous.timeline.front().peak.fragmented_bytes,
            full.timeline.front().peak.fragmented_bytes);
}

TEST(Replay, SameInputsGiveIdenticalJson) {
  Fixture f;
  const Deployment d = f.deployment({"sharing=prefix"});
  std::vector<Req> reqs;
  for (int i = 0; i < 200; ++i)
    reqs.push_back({0.02 * i, 100 + (i * 7919) % 2000, 10 + (i * 104729) % 300, {1, 2}});
  const auto set = make(reqs);
  const std::string a = report::replay_json(d, set, replay(set, d)).dump();
  const std::string b = report::replay_json(d, set, replay(set, d)).dump();
  EXPECT_EQ(a, b);
  EXPECT_NE(a.find("\"invariants_ok\": true"), std::string::npos);
}

}  // namespace
}  // namespace kvsim::serve
