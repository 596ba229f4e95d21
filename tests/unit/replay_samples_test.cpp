// Every real sample trace in scenarios/traces/ replays under every KV strategy plug-in (and the
// combinations the product compares), with the engine's invariants holding and the numbers
// behaving as the strategy says they must (less KV per token -> less peak KV for the same work).

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "kvsim/core/registry.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/serve/engine.h"
#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_window.h"

namespace kvsim::serve {
namespace {

/// The shipped samples, sorted by name (so a new sample is picked up without editing this test).
std::vector<std::string> sample_traces() {
  std::vector<std::string> out;
  const auto dir = std::filesystem::path(KVSIM_SOURCE_DIR) / "scenarios" / "traces";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string ext = e.path().extension().string();
    if (ext == ".csv" || ext == ".jsonl") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// One row per strategy: "question=spec" settings applied to the default policy.
const std::map<std::string, std::vector<std::string>>& strategies() {
  static const std::map<std::string, std::vector<std::string>> s = {
      {"gqa (model)", {}},
      {"mha", {"attention=mha"}},
      {"mqa", {"attention=mqa"}},
      {"mla", {"attention=mla:latent_dim=512,rope_dim=64"}},
      {"fp16", {"precision=fp16"}},
      {"fp8", {"precision=fp8"}},
      {"int8", {"precision=int8"}},
      {"int4", {"precision=int4"}},
      {"full", {"retention=full"}},
      {"sliding_window", {"retention=sliding_window:window=2048"}},
      {"sinks_recent", {"retention=sinks_recent:sinks=4,recent=1024"}},
      {"token_budget", {"retention=token_budget:budget=1024"}},
      {"prefix", {"sharing=prefix"}},
      {"cross_layer", {"sharing=cross_layer:factor=2"}},
      {"prefix+cross_layer", {"sharing=prefix", "sharing=cross_layer:factor=2"}},
      {"contiguous", {"allocation=contiguous:reserve_tokens=32768"}},
      {"paged 64", {"allocation=paged:block_tokens=64"}},
      {"host tier", {"sharing=prefix", "tiers=host"}},
      {"fp8+window+prefix",
       {"precision=fp8", "retention=sliding_window:window=4096", "sharing=prefix"}},
  };
  return s;
}

kv::KvPolicy policy_of(const std::vector<std::string>& settings) {
  kv::KvPolicy p;
  for (const std::string& s : settings) {
    const auto eq = s.find('=');
    kv::set_kv_question(p, s.substr(0, eq), core::parse_spec_string(s.substr(eq + 1), "test"),
                        "test");
  }
  return p;
}

TEST(ReplaySamples, EveryRegisteredStrategyPluginIsCovered) {
  std::set<std::string> used;
  for (const auto& [name, settings] : strategies()) {
    for (const std::string& s : settings) {
      const auto eq = s.find('='), colon = s.find(':');
      used.insert(s.substr(0, eq) + "/" + s.substr(eq + 1, colon - eq - 1));
    }
  }
  // The defaults ("model" attention/retention, bf16, paged, hbm) run in the "gqa (model)" row.
  for (const char* d : {"attention/model", "attention/gqa", "retention/model", "precision/bf16",
                        "allocation/paged", "tiers/hbm", "tiers/nvme"}) {
    used.insert(d);
  }
  auto check = [&used](const char* question, const std::vector<std::string>& names) {
    for (const std::string& n : names)
      EXPECT_TRUE(used.count(std::string(question) + "/" + n)) << question << "/" << n;
  };
  check("attention", core::Registry<kv::AttentionLayout>::instance().names());
  check("precision", core::Registry<kv::Precision>::instance().names());
  check("retention", core::Registry<kv::Retention>::instance().names());
  check("sharing", core::Registry<kv::Sharing>::instance().names());
  check("allocation", core::Registry<kv::Allocation>::instance().names());
  check("tiers", core::Registry<kv::Tier>::instance().names());
}

TEST(ReplaySamples, EverySampleTraceUnderEveryStrategyKeepsTheInvariants) {
  const model::ModelSpec m = model::load_model("llama-3.1-70b");
  const hw::HardwareProfile hw = hw::load_hardware("h100-sxm");
  const auto traces = sample_traces();
  ASSERT_GE(traces.size(), 3u);
  for (const std::string& path : traces) {
    workload::RequestSet requests = workload::load_trace(path);
    workload::TraceWindow window;
    window.max_requests = 300;  // keeps the suite fast; the benchmark replays whole traces
    workload::apply_window(requests, window);
    std::map<std::string, ReplayResult> results;
    for (const auto& [name, settings] : strategies()) {
      SCOPED_TRACE(path + " under " + name);
      Deployment d;
      d.model = &m;
      d.hardware = &hw;
      d.parallelism.tp = 4;
      d.policy = policy_of(settings);
      d.policy.fill_defaults(m);
      d.config.fill_defaults();
      const ReplayResult r = replay(requests, d);
      for (const Invariant& inv : r.invariants)
        EXPECT_TRUE(inv.ok) << inv.name << ": " << inv.detail;
      EXPECT_EQ(r.arrived, static_cast<int64_t>(requests.requests.size()));
      EXPECT_EQ(r.completed + r.dropped, r.arrived);
      EXPECT_GT(r.completed, 0);
      EXPECT_GT(r.output_tokens_per_s, 0);
      EXPECT_LE(r.peak_kv_bytes, r.kv_budget_bytes * (1 + 1e-9));
      results.emplace(name, r);
    }
    // Smaller KV per token holds more tokens in the same budget and reads fewer bytes per step:
    // FP8 never preempts more than BF16, and MQA (1 KV head) neither preempts more nor finishes
    // later than MHA (64 heads).
    EXPECT_LE(results.at("fp8").preemptions, results.at("gqa (model)").preemptions);
    EXPECT_LE(results.at("mqa").preemptions, results.at("mha").preemptions);
    EXPECT_LE(results.at("mqa").makespan_s, results.at("mha").makespan_s);
    // Only traces with prefix hashes can hit the prefix cache; the Mooncake sample must.
    const bool has_hashes = !requests.hashes.empty();
    EXPECT_EQ(results.at("prefix").prefix_hit_tokens > 0, has_hashes) << path;
    EXPECT_EQ(results.at("gqa (model)").prefix_hit_tokens, 0);
  }
}

}  // namespace
}  // namespace kvsim::serve
