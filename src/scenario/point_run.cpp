#include "kvsim/scenario/point_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kvsim/core/checked.h"
#include "kvsim/workload/trace_window.h"

namespace kvsim::scenario {
namespace {

RooflineSample sample_steps(const serve::Deployment& d, const workload::RequestSet& reqs,
                            const serve::ReplayResult& r) {
  RooflineSample s;
  double running = 0, busy = 0;
  for (const serve::TimelineBucket& b : r.timeline) {
    running += b.mean.running * b.busy_s;
    busy += b.busy_s;
  }
  s.decode_seqs = std::max<int64_t>(1, std::llround(busy > 0 ? running / busy : 1));
  double ctx = 0, prompt = 0;
  int64_t n = 0;
  for (size_t i = 0; i < r.requests.size(); ++i) {
    const serve::RequestRecord& q = r.requests[i];
    if (q.finish_s < 0) continue;
    ctx += static_cast<double>(q.input_tokens) + static_cast<double>(q.generated) / 2;
    prompt += static_cast<double>(q.input_tokens);
    ++n;
  }
  if (n == 0) {  // nothing completed: describe the workload as asked
    for (const workload::Request& q : reqs.requests) {
      ctx += static_cast<double>(q.input_tokens) + static_cast<double>(q.output_tokens) / 2;
      prompt += static_cast<double>(q.input_tokens);
      ++n;
    }
  }
  const double nn = static_cast<double>(std::max<int64_t>(n, 1));
  s.decode_context =
      std::clamp<int64_t>(std::llround(ctx / nn), 1, std::max<int64_t>(d.model->max_context, 1));
  s.prefill_tokens = std::clamp<int64_t>(std::llround(prompt / nn), 1, d.config.max_batched_tokens);

  const perf::StepModel model(*d.model, *d.hardware, d.parallelism, d.policy);
  perf::StepBatch dec = model.empty_batch();
  dec.decode_seqs = s.decode_seqs;
  dec.logit_rows = s.decode_seqs;
  for (size_t k = 0; k < model.rules().size(); ++k) {
    dec.decode_attended[k] =
        static_cast<double>(s.decode_seqs) *
        static_cast<double>(model.rules()[k].resident(s.decode_context).tokens());
  }
  s.decode = model.cost(dec);
  perf::StepBatch pre = model.empty_batch();
  pre.prefill_seqs = 1;
  pre.logit_rows = 1;
  perf::add_prefill_chunk(pre, model.rules(), 0, s.prefill_tokens);
  s.prefill = model.cost(pre);
  return s;
}

size_t binding_stage(const perf::MemoryPlan& p) {
  size_t best = 0;
  for (size_t i = 1; i < p.stages.size(); ++i) {
    if (p.stages[i].kv_budget_bytes < p.stages[best].kv_budget_bytes) best = i;
  }
  return best;
}

}  // namespace

ReplayOutcome replay_point(const Scenario& spec,
                           std::shared_ptr<const workload::RequestSet> requests,
                           double rate_scale) {
  ReplayOutcome o;
  o.deployment = spec.deployment();
  if (rate_scale != 1) {
    auto scaled = std::make_shared<workload::RequestSet>(*requests);
    workload::TraceWindow w;
    w.rate_scale = rate_scale;
    workload::apply_window(*scaled, w);
    requests = scaled;
  }
  o.requests = requests;
  const serve::Deployment& d = o.deployment;
  o.replay = serve::replay(*requests, d);
  if (!o.replay.invariants_ok()) {
    std::string broken;
    for (const serve::Invariant& i : o.replay.invariants) {
      if (!i.ok) broken += fmt::format("{}{} ({})", broken.empty() ? "" : "; ", i.name, i.detail);
    }
    throw core::RuntimeError("the replay broke an invariant (a kvsim bug): " + broken);
  }
  perf::MemoryOptions mem;
  mem.memory_utilization = d.memory_utilization;
  mem.max_batched_tokens = d.config.max_batched_tokens;
  mem.max_sequences = d.config.max_num_seqs;
  o.memory = perf::plan_memory(*d.model, *d.hardware, d.parallelism, d.policy, mem);
  o.binding_stage = binding_stage(o.memory);
  o.slo = evaluate_slo(spec.slo.value_or(SloSpec{}), o.replay);
  o.roofline = sample_steps(d, *requests, o.replay);

  const serve::ReplayResult& r = o.replay;
  double in = 0, out = 0;
  for (const serve::RequestRecord& q : r.requests) {
    if (q.finish_s < 0) continue;
    in += static_cast<double>(q.input_tokens);
    out += static_cast<double>(q.generated);
  }
  // GPU time charged to input tokens: the prompt tokens actually computed (prefix hits are free)
  // at the sampled prefill cost per token; output tokens at the sampled decode cost per token.
  const double computed_in = std::max(0.0, in - static_cast<double>(r.prefix_hit_tokens));
  const double t_in = o.roofline.prefill.seconds / static_cast<double>(o.roofline.prefill_tokens);
  const double t_out = o.roofline.decode.seconds / static_cast<double>(o.roofline.decode_seqs);
  const double denom = computed_in * t_in + out * t_out;
  o.input_time_share = denom > 0 ? computed_in * t_in / denom : 0;

  cost::Usage u;
  u.gpus = d.parallelism.gpus() * d.config.replicas;
  u.duration_s = r.makespan_s;
  u.busy_fraction =
      r.makespan_s > 0
          ? std::min(1.0, r.busy_s / (static_cast<double>(d.config.replicas) * r.makespan_s))
          : 0;
  u.input_tokens = in;
  u.output_tokens = out;
  u.requests_within_slo = o.slo.within;
  u.input_time_share = o.input_time_share;
  o.cost = cost::compute_cost(spec.pricing, *d.hardware, u);
  return o;
}

std::string describe_point_error(const Scenario& spec, std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const core::InputError& x) {
    return x.what();
  } catch (const core::ConfigError& x) {
    return core::InputError(spec.loc_of(x.field()), x.what()).what();
  } catch (const core::OverflowError& x) {
    return core::InputError(spec.loc, x.what()).what();
  } catch (const std::exception& x) {
    return core::InputError(spec.loc, x.what()).what();
  }
}

perf::CapacityResult answer_capacity(const Scenario& spec) {
  try {
    return perf::compute_capacity(spec.model, spec.hardware, spec.parallelism, spec.kv, spec.memory,
                                  *spec.capacity);
  } catch (const core::OverflowError& x) {
    throw core::ConfigError("batch", x.what());
  }
}

PointResult run_point(std::shared_ptr<const Scenario> spec, int64_t index, WorkloadCache& cache) {
  PointResult p;
  p.index = index;
  p.spec = spec;
  try {
    if (spec->capacity) {
      p.capacity = answer_capacity(*spec);
    }
    if (spec->workload) p.run = replay_point(*spec, cache.get(*spec->workload));
  } catch (...) {
    p.error = describe_point_error(*spec, std::current_exception());
    p.capacity.reset();
    p.run.reset();
  }
  return p;
}

}  // namespace kvsim::scenario
