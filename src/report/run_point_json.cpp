// JSON of one scenario point (`points[]` of the run result).

#include <fmt/format.h>

#include "kvsim/perf/roofline.h"
#include "kvsim/report/capacity_report.h"
#include "kvsim/report/json_parts.h"
#include "kvsim/report/replay_report.h"
#include "kvsim/report/run_report.h"

namespace kvsim::report {
namespace {

core::Json opt(const std::optional<double>& v) {
  return v ? core::Json(*v) : core::Json();
}

core::Json engine_json(const serve::EngineConfig& c, double memory_utilization) {
  return core::Json::object()
      .set("scheduler", c.scheduler ? c.scheduler->describe() : "vllm")
      .set("router", c.router ? c.router->describe() : "least_loaded")
      .set("max_num_seqs", c.max_num_seqs)
      .set("max_batched_tokens", c.max_batched_tokens)
      .set("preemption", c.preemption == serve::Preemption::swap ? "swap" : "recompute")
      .set("replicas", c.replicas)
      .set("memory_utilization", memory_utilization);
}

core::Json deployment_json(const scenario::Scenario& s, const serve::Deployment& d) {
  return core::Json::object()
      .set("model", s.model.name)
      .set("hardware", s.hardware.name)
      .set("hardware_name", s.hardware.display_name)
      .set("tp", d.parallelism.tp)
      .set("pp", d.parallelism.pp)
      .set("ep", d.parallelism.ep)
      .set("replicas", d.config.replicas)
      .set("gpus", d.parallelism.gpus() * d.config.replicas)
      .set("kv_policy", kv_policy_json(d.policy))
      .set("engine", engine_json(d.config, d.memory_utilization));
}

core::Json memory_json(const perf::MemoryPlan& plan, size_t stage, core::Json peak_kv) {
  const perf::StageMemory& st = plan.stages[stage];
  return core::Json::object().set("per_gpu",
                                  core::Json::object()
                                      .set("stage", st.stage)
                                      .set("capacity_bytes", plan.device_bytes)
                                      .set("usable_bytes", plan.usable_bytes)
                                      .set("weights_bytes", st.weights.total())
                                      .set("activations_bytes", st.activation_bytes)
                                      .set("runtime_reserved_bytes", st.runtime_reserve_bytes)
                                      .set("kv_budget_bytes", st.kv_budget_bytes)
                                      .set("peak_kv_used_bytes", std::move(peak_kv)));
}

core::Json roofline_json(const hw::HardwareProfile& hw, const scenario::RooflineSample& r) {
  core::Json peaks = core::Json::object();
  for (hw::Dtype d : hw::kAllDtypes) {
    const double f = hw.peak_flops(hw::Engine::tensor, d);
    if (f > 0) peaks.set(hw::to_string(d), f);
  }
  core::Json ops = core::Json::array();
  for (const auto& [phase, step] : {std::pair{"decode", &r.decode}, {"prefill", &r.prefill}}) {
    for (const perf::StepOpCost& o : step->ops) {
      ops.push(core::Json::object()
                   .set("name", o.name)
                   .set("phase", phase)
                   .set("count", o.count)
                   .set("flops", o.work.total_flops())
                   .set("hbm_bytes", o.work.level(perf::Level::hbm))
                   .set("time_s", o.seconds)
                   .set("bound", perf::to_string(o.bound)));
    }
  }
  return core::Json::object()
      .set("hardware", hw.name)
      .set("ceilings", core::Json::object()
                           .set("hbm_bytes_per_s", hw.hbm.bandwidth_bytes_s)
                           .set("l2_bytes_per_s", hw.l2.bandwidth_bytes_s)
                           .set("peak_flops", std::move(peaks)))
      .set("decode_step", core::Json::object()
                              .set("seqs", r.decode_seqs)
                              .set("context", r.decode_context)
                              .set("time_s", r.decode.seconds))
      .set("prefill_chunk",
           core::Json::object().set("tokens", r.prefill_tokens).set("time_s", r.prefill.seconds))
      .set("operators", std::move(ops));
}

core::Json cost_json(const cost::Cost& c, double duration_s, double input_share) {
  return core::Json::object()
      .set("usd_per_gpu_hour", c.usd_per_gpu_hour)
      .set("price_source", c.price_source)
      .set("gpus", c.gpus)
      .set("utilization", c.utilization)
      .set("power_w_per_gpu", c.power_w_per_gpu)
      .set("energy_usd_per_hour", c.energy_usd_per_hour)
      .set("usd_per_hour", c.usd_per_hour)
      .set("duration_s", duration_s)
      .set("usd_total", c.usd_total)
      .set("input_time_share", input_share)
      .set("usd_per_mtok_input", opt(c.usd_per_mtok_input))
      .set("usd_per_mtok_output", opt(c.usd_per_mtok_output))
      .set("usd_per_mtok", opt(c.usd_per_mtok))
      .set("usd_per_request", opt(c.usd_per_request));
}

core::Json slo_json(const std::optional<scenario::SloSpec>& s, const scenario::SloResult& r) {
  auto limit = [](double v) { return v > 0 ? core::Json(v) : core::Json(); };
  const scenario::SloSpec spec = s.value_or(scenario::SloSpec{});
  return core::Json::object()
      .set("ttft_s", limit(spec.ttft_s))
      .set("ttft_percentile", spec.ttft_percentile)
      .set("tpot_s", limit(spec.tpot_s))
      .set("tpot_percentile", spec.tpot_percentile)
      .set("ttft_at_percentile_s", opt(r.ttft_s))
      .set("tpot_at_percentile_s", opt(r.tpot_s))
      .set("within", r.within)
      .set("met", r.met);
}

core::Json metrics_json(const scenario::ReplayOutcome& o) {
  const serve::ReplayResult& r = o.replay;
  const double hit = r.prompt_tokens > 0 ? static_cast<double>(r.prefix_hit_tokens) /
                                               static_cast<double>(r.prompt_tokens)
                                         : 0.0;
  return core::Json::object()
      .set("cost_per_mtok", opt(o.cost.usd_per_mtok))
      .set("cost_per_request", opt(o.cost.usd_per_request))
      .set("ttft_p50", r.ttft.p50)
      .set("ttft_p99", r.ttft.p99)
      .set("tpot_p50", r.tpot.p50)
      .set("tpot_p99", r.tpot.p99)
      .set("e2e_p99", r.e2e.p99)
      .set("peak_kv_bytes", r.peak_kv_bytes)
      .set("output_tokens_per_s", r.output_tokens_per_s)
      .set("input_tokens_per_s", r.input_tokens_per_s)
      .set("goodput_requests_per_s", r.goodput_requests_per_s)
      .set("slo_attainment", r.slo_attainment)
      .set("prefix_hit_rate", hit)
      .set("preemptions", r.preemptions)
      .set("dropped", r.dropped)
      .set("slo_met", o.slo.met ? 1 : 0)
      .set("gpus", o.cost.gpus)
      .set("usd_per_hour", o.cost.usd_per_hour);
}

}  // namespace

core::Json point_json(const scenario::ScenarioFile& file, const scenario::PointResult& p) {
  core::Json j = core::Json::object();
  j.set("id", file.point_id(p.index))
      .set("label", file.point_label(p.index))
      .set("params", file.point_params(p.index));
  if (!p.ok()) return j.set("status", "error").set("error", p.error);
  j.set("status", "ok");
  const scenario::Scenario& s = *p.spec;
  if (p.run) {
    const scenario::ReplayOutcome& o = *p.run;
    j.set("deployment", deployment_json(s, o.deployment));
    j.set("memory", memory_json(o.memory, o.binding_stage, o.replay.peak_kv_bytes));
  } else {
    serve::Deployment d = s.deployment();
    j.set("deployment", deployment_json(s, d));
    j.set("memory", memory_json(p.capacity->plan, p.capacity->binding_stage, core::Json()));
  }
  if (p.capacity) {
    j.set("capacity",
          capacity_json(*p.capacity, CapacityInputs{s.model, s.hardware, s.parallelism, s.memory}));
  }
  if (!p.run) return j;
  const scenario::ReplayOutcome& o = *p.run;
  j.set("replay", replay_json(o.deployment, *o.requests, o.replay));
  j.set("roofline", roofline_json(s.hardware, o.roofline));
  j.set("cost", cost_json(o.cost, o.replay.makespan_s, o.input_time_share));
  j.set("slo", slo_json(s.slo, o.slo));
  j.set("metrics", metrics_json(o));
  return j;
}

}  // namespace kvsim::report
