#include "kvsim/serve/engine_config.h"

#include <fmt/format.h>

namespace kvsim::serve {

void EngineConfig::fill_defaults() {
  const core::SourceLoc at = core::SourceLoc::of("<default>");
  if (!scheduler)
    scheduler = core::Registry<Scheduler>::instance().create(core::Doc::scalar("vllm", at),
                                                             "engine.scheduler");
  if (!router)
    router = core::Registry<Router>::instance().create(core::Doc::scalar("least_loaded", at),
                                                       "engine.router");
}

std::string EngineConfig::describe() const {
  return fmt::format(
      "scheduler={} max_num_seqs={} max_batched_tokens={} preemption={} replicas={} router={}",
      scheduler ? scheduler->describe() : "vllm", max_num_seqs, max_batched_tokens,
      preemption == Preemption::swap ? "swap" : "recompute", replicas,
      router ? router->describe() : "least_loaded");
}

}  // namespace kvsim::serve

namespace kvsim::serve {

EngineConfig parse_engine_config(const core::Doc& node, const std::string& path, EngineConfig c) {
  core::MapReader m(node, path);
  m.accept({"max_num_seqs", "max_batched_tokens", "scheduler", "preemption", "replicas", "router",
            "slo_ttft_s", "slo_tpot_s", "timeline_points", "max_segment_steps", "swap_space_gib"});
  c.max_num_seqs =
      m.maybe_integer("max_num_seqs", core::IntRange::positive(1 << 20)).value_or(c.max_num_seqs);
  c.max_batched_tokens = m.maybe_integer("max_batched_tokens", core::IntRange::positive(1 << 26))
                             .value_or(c.max_batched_tokens);
  c.replicas = m.maybe_integer("replicas", core::IntRange::positive(4096)).value_or(c.replicas);
  c.slo_ttft_s = m.maybe_number("slo_ttft_s", core::Range::non_negative()).value_or(c.slo_ttft_s);
  c.slo_tpot_s = m.maybe_number("slo_tpot_s", core::Range::non_negative()).value_or(c.slo_tpot_s);
  c.timeline_points =
      m.maybe_integer("timeline_points", core::IntRange{2, 1 << 20}).value_or(c.timeline_points);
  c.max_segment_steps = m.maybe_integer("max_segment_steps", core::IntRange::positive(1 << 30))
                            .value_or(c.max_segment_steps);
  if (auto gib = m.maybe_number("swap_space_gib", core::Range::non_negative()))
    c.swap_space_bytes = *gib * (1 << 30);
  if (const core::Doc* d = m.find("preemption")) {
    const std::string v = core::read_string(*d, m.key_path("preemption"));
    if (v == "recompute") {
      c.preemption = Preemption::recompute;
    } else if (v == "swap") {
      c.preemption = Preemption::swap;
    } else {
      core::fail_at(d->loc,
                    fmt::format("{}: '{}' is not a preemption mode; expected recompute or swap",
                                m.key_path("preemption"), v));
    }
  }
  if (const core::Doc* d = m.find("scheduler")) {
    c.scheduler = core::Registry<Scheduler>::instance().create(*d, m.key_path("scheduler"));
  }
  if (const core::Doc* d = m.find("router")) {
    c.router = core::Registry<Router>::instance().create(*d, m.key_path("router"));
  }
  m.finish();
  return c;
}

}  // namespace kvsim::serve
