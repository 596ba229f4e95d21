// kvsim replay: one trace (or generated workload) through the serving-engine model.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/doc.h"
#include "kvsim/core/files.h"
#include "kvsim/report/replay_report.h"
#include "kvsim/serve/engine.h"
#include "kvsim/workload/generator.h"
#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_window.h"

namespace kvsim::cli {
namespace {

struct ReplayFlags {
  DeploymentFlags deploy;
  KvFlags kv;
  std::string trace, trace_format, generator;
  std::string rate_scale, start, duration, max_requests;
  std::string replicas, router, scheduler, preemption, max_num_seqs, max_batched_tokens, swap_space;
  std::string slo_ttft, slo_tpot, mem_util, timeline_points;
  std::string out, records;
  bool json = false;
};

const std::map<std::string, std::string> kFieldFlags = {{"tp", "--tp"},
                                                        {"pp", "--pp"},
                                                        {"ep", "--ep"},
                                                        {"kv.attention", "--attention"},
                                                        {"kv.sharing", "--sharing"},
                                                        {"kv.tiers", "--tier"},
                                                        {"kv", "KV options"},
                                                        {"engine", "engine options"}};

workload::RequestSet load_requests(const ReplayFlags& f) {
  if (f.trace.empty() == f.generator.empty()) {
    core::fail_at(flag_loc(), "give exactly one of --trace FILE and --generator FILE.yaml");
  }
  if (!f.trace_format.empty() && f.trace.empty())
    core::fail_at(flag_loc(), "--trace-format needs --trace");
  if (!f.trace.empty()) return workload::load_trace(f.trace, f.trace_format);
  const core::Doc doc = core::load_document_file(f.generator);
  const core::Doc* spec = &doc;
  std::string path = "generator";
  if (doc.is_map()) {
    if (const core::Doc* g = doc.find("generator")) {
      spec = g;
    }
  }
  return workload::generate_workload(*spec, path);
}

workload::TraceWindow window_of(const ReplayFlags& f) {
  workload::TraceWindow w;
  // Bounded so that scaled arrival times stay finite (a 30-year trace at 10^-6 is 3e16 s).
  if (!f.rate_scale.empty())
    w.rate_scale = parse_number_flag("--rate-scale", f.rate_scale, core::Range{1e-6, 1e6});
  if (!f.start.empty())
    w.start_s = parse_number_flag("--start", f.start, core::Range::non_negative());
  if (!f.duration.empty())
    w.duration_s = parse_number_flag("--duration", f.duration, core::Range::positive());
  if (!f.max_requests.empty()) {
    w.max_requests = parse_int_flag("--max-requests", f.max_requests, core::IntRange::positive());
  }
  return w;
}

serve::EngineConfig engine_of(const ReplayFlags& f) {
  serve::EngineConfig c;
  if (!f.replicas.empty())
    c.replicas = parse_int_flag("--replicas", f.replicas, core::IntRange::positive(4096));
  if (!f.max_num_seqs.empty()) {
    c.max_num_seqs =
        parse_int_flag("--max-num-seqs", f.max_num_seqs, core::IntRange::positive(1 << 20));
  }
  if (!f.max_batched_tokens.empty()) {
    c.max_batched_tokens = parse_int_flag("--max-batched-tokens", f.max_batched_tokens,
                                          core::IntRange::positive(1 << 26));
  }
  if (!f.swap_space.empty()) {
    c.swap_space_bytes =
        parse_number_flag("--swap-space-gib", f.swap_space, core::Range{0, 1e6}) * (1 << 30);
  }
  if (!f.slo_ttft.empty())
    c.slo_ttft_s = parse_number_flag("--slo-ttft", f.slo_ttft, core::Range::positive());
  if (!f.slo_tpot.empty())
    c.slo_tpot_s = parse_number_flag("--slo-tpot", f.slo_tpot, core::Range::positive());
  if (!f.timeline_points.empty()) {
    c.timeline_points =
        parse_int_flag("--timeline-points", f.timeline_points, core::IntRange{2, 1 << 20});
  }
  if (!f.preemption.empty()) {
    if (f.preemption == "recompute") {
      c.preemption = serve::Preemption::recompute;
    } else if (f.preemption == "swap") {
      c.preemption = serve::Preemption::swap;
    } else {
      core::fail_at(flag_loc(),
                    fmt::format("--preemption: '{}' is not recompute or swap", f.preemption));
    }
  }
  if (!f.scheduler.empty()) {
    c.scheduler = core::Registry<serve::Scheduler>::instance().create(
        core::parse_spec_string(f.scheduler, "--scheduler"), "--scheduler");
  }
  if (!f.router.empty()) {
    c.router = core::Registry<serve::Router>::instance().create(
        core::parse_spec_string(f.router, "--router"), "--router");
  }
  return c;
}

std::string records_csv(const workload::RequestSet& t, const serve::ReplayResult& r) {
  std::string o =
      "id,line,arrival_s,input_tokens,output_tokens,replica,first_scheduled_s,first_token_s,finish_"
      "s,ttft_s,"
      "tpot_s,generated,prefix_hit_tokens,preemptions,dropped\n";
  for (size_t i = 0; i < r.requests.size(); ++i) {
    const serve::RequestRecord& q = r.requests[i];
    const bool done = q.finish_s >= 0;
    const double tpot = done && q.generated > 1
                            ? (q.finish_s - q.first_token_s) / static_cast<double>(q.generated - 1)
                            : 0;
    o += fmt::format("{},{},{:.6f},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{},{},{},{}\n", i,
                     t.requests[i].line, q.arrival_s, q.input_tokens, q.output_tokens, q.replica,
                     q.first_scheduled_s, q.first_token_s, q.finish_s,
                     done ? q.first_token_s - q.arrival_s : -1.0, tpot, q.generated,
                     q.prefix_hit_tokens, q.preemptions,
                     q.dropped == serve::DropReason::none ? "" : serve::to_string(q.dropped));
  }
  return o;
}

int run_replay(const ReplayFlags& f) {
  const model::ModelSpec m = f.deploy.load_model();
  const hw::HardwareProfile hw = f.deploy.load_hardware();
  serve::Deployment d;
  d.model = &m;
  d.hardware = &hw;
  d.parallelism = f.deploy.parallelism();
  d.policy = f.kv.build();
  d.config = engine_of(f);
  if (!f.mem_util.empty())
    d.memory_utilization = parse_number_flag("--mem-util", f.mem_util, core::Range::fraction());
  const workload::TraceWindow window = window_of(f);
  workload::RequestSet requests = load_requests(f);
  workload::apply_window(requests, window);
  if (requests.requests.empty()) {
    core::fail_at(flag_loc(),
                  fmt::format("{}: no requests to replay ({} rows read, {} rejected; window: {})",
                              requests.source, requests.rows_read, requests.rejected_count,
                              window.describe()));
  }
  serve::ReplayResult r;
  try {
    d.policy.fill_defaults(m);
    d.config.fill_defaults();
    r = serve::replay(requests, d);
  } catch (const core::ConfigError& e) {
    fail_config(e, kFieldFlags);
  }
  const std::string text =
      f.json ? report::replay_json(d, requests, r).dump() : report::replay_text(d, requests, r);
  if (!f.records.empty()) core::write_file_atomic(f.records, records_csv(requests, r));
  if (f.out.empty()) {
    std::cout << text;
  } else {
    core::write_file_atomic(f.out, text);
  }
  if (!r.invariants_ok()) {
    std::cerr
        << "kvsim: error: the replay broke an invariant (see the report); this is a kvsim bug\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

Runner add_replay(CLI::App& app) {
  auto f = std::make_shared<ReplayFlags>();
  CLI::App* cmd = app.add_subcommand(
      "replay", "Replay a request trace through a continuous-batching engine model");
  cmd->add_option("--trace", f->trace,
                  "trace file (azure, mooncake, burstgpt, bailian, native CSV/JSONL)");
  cmd->add_option("--trace-format", f->trace_format,
                  "force a trace format (default: detected from the header)");
  cmd->add_option("--generator", f->generator,
                  "YAML generator spec instead of a trace (see README)");
  f->deploy.add_to(*cmd, true);
  f->kv.add_to(*cmd);
  cmd->add_option("--replicas", f->replicas, "data-parallel replicas (default 1)");
  cmd->add_option("--router", f->router,
                  "router: least_loaded (default), round_robin, prefix_aware[:max_imbalance=N]");
  cmd->add_option("--scheduler", f->scheduler, "scheduler: vllm (default), prefill_first, static");
  cmd->add_option("--preemption", f->preemption, "when KV runs out: recompute (default) or swap");
  cmd->add_option("--max-num-seqs", f->max_num_seqs,
                  "sequences in flight per replica (default 256)");
  cmd->add_option("--max-batched-tokens", f->max_batched_tokens, "tokens per step (default 8192)");
  cmd->add_option("--swap-space-gib", f->swap_space,
                  "host memory per GPU for swapped KV (default 4)");
  cmd->add_option("--mem-util", f->mem_util,
                  "fraction of device memory the engine uses (default 0.90)");
  cmd->add_option("--rate-scale", f->rate_scale, "multiply the arrival rate (2 = twice as fast)");
  cmd->add_option("--start", f->start, "skip arrivals before this many seconds");
  cmd->add_option("--duration", f->duration, "keep arrivals within this many seconds of --start");
  cmd->add_option("--max-requests", f->max_requests, "keep at most this many requests");
  cmd->add_option("--slo-ttft", f->slo_ttft, "goodput SLO on time to first token, seconds");
  cmd->add_option("--slo-tpot", f->slo_tpot, "goodput SLO on time per output token, seconds");
  cmd->add_option("--timeline-points", f->timeline_points,
                  "most points in the KV timeline (default 512)");
  cmd->add_option("--out", f->out, "write the report to this file instead of stdout");
  cmd->add_option("--records", f->records, "write one CSV row per request to this file");
  cmd->add_flag("--json", f->json, "print JSON (keys documented in the README)");
  return [f] { return run_replay(*f); };
}

}  // namespace kvsim::cli
