#include "kvsim/scenario/run.h"

#include <fmt/format.h>

#include <mutex>

#include "kvsim/core/parallel.h"
#include "kvsim/perf/memory_plan.h"

namespace kvsim::scenario {
namespace {

std::vector<std::shared_ptr<const Scenario>> parse_points(const ScenarioFile& file,
                                                          const std::vector<int64_t>& indices,
                                                          int threads) {
  std::vector<std::shared_ptr<const Scenario>> specs(indices.size());
  core::parallel_for(indices.size(), threads, [&](size_t i) {
    specs[i] = std::make_shared<const Scenario>(file.point(indices[i]));
  });
  return specs;
}

void load_workloads(const std::vector<std::shared_ptr<const Scenario>>& specs, WorkloadCache& cache,
                    int threads) {
  std::vector<const WorkloadSpec*> distinct;
  std::vector<std::string> keys;
  for (const auto& s : specs) {
    if (!s->workload) continue;
    const std::string k = s->workload->key();
    if (std::find(keys.begin(), keys.end(), k) != keys.end()) continue;
    keys.push_back(k);
    distinct.push_back(&*s->workload);
  }
  core::parallel_for(distinct.size(), threads, [&](size_t i) { cache.get(*distinct[i]); });
}

}  // namespace

std::vector<int64_t> shard_points(int64_t total, int64_t index, int64_t count) {
  std::vector<int64_t> out;
  for (int64_t i = index - 1; i < total; i += count)
    out.push_back(i);
  return out;
}

RunResults run_scenario(const ScenarioFile& file, const RunOptions& o) {
  const std::vector<int64_t> indices =
      shard_points(file.point_count(), o.shard_index, o.shard_count);
  const auto specs = parse_points(file, indices, o.threads);
  WorkloadCache cache;
  load_workloads(specs, cache, o.threads);
  std::optional<Scenario> base;
  if (file.plan && o.shard_index == 1) base = parse_scenario(file.doc);

  RunResults r;
  r.points.resize(indices.size());
  std::mutex progress_mutex;
  int64_t done = 0;
  core::parallel_for(indices.size(), o.threads, [&](size_t i) {
    r.points[i] = run_point(specs[i], indices[i], cache);
    if (o.progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      o.progress(++done, static_cast<int64_t>(indices.size()));
    }
  });
  if (base) r.planning = run_plan(*file.plan, *base, cache, o.threads);
  return r;
}

std::vector<std::pair<int64_t, std::string>> check_scenario(const ScenarioFile& file, int threads) {
  std::vector<int64_t> all(static_cast<size_t>(file.point_count()));
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = static_cast<int64_t>(i);
  const auto specs = parse_points(file, all, threads);
  WorkloadCache cache;
  load_workloads(specs, cache, threads);
  if (file.plan) {
    const Scenario base = parse_scenario(file.doc);
    if (!base.workload) core::fail_at(file.plan->loc, "plan: needs a 'workload' to replay");
    if (!base.slo) core::fail_at(file.plan->loc, "plan: needs an 'slo' to plan for");
  }
  std::vector<std::string> problems(specs.size());
  core::parallel_for(specs.size(), threads, [&](size_t i) {
    const Scenario& s = *specs[i];
    try {
      kv::KvPolicy policy = s.kv;
      policy.fill_defaults(s.model);
      const perf::MemoryPlan plan =
          perf::plan_memory(s.model, s.hardware, s.parallelism, policy, s.memory);
      for (const perf::StageMemory& st : plan.stages) {
        if (s.workload && st.kv_budget_bytes <= 0) {
          throw core::ConfigError("tp", "the model does not fit: no memory is left for KV");
        }
      }
      if (s.capacity) {
        answer_capacity(s);
      }
    } catch (...) {
      problems[i] = describe_point_error(s, std::current_exception());
    }
  });
  std::vector<std::pair<int64_t, std::string>> out;
  for (size_t i = 0; i < problems.size(); ++i) {
    if (!problems[i].empty()) out.emplace_back(all[i], std::move(problems[i]));
  }
  return out;
}

}  // namespace kvsim::scenario
