// kvsim step: the time of one engine step (a batch of decodes and prefill chunks) with a
// per-operator breakdown.

#include "kvsim/perf/step.h"

#include <fmt/format.h>

#include <algorithm>
#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/json.h"
#include "kvsim/core/table.h"

namespace kvsim::cli {
namespace {

struct StepFlags {
  DeploymentFlags deploy;
  std::string decode_seqs = "0", context = "8192", prefill_seqs = "0", chunk = "2048", prefix = "0";
  bool json = false;
  KvFlags kv;
};

int run_step(const StepFlags& f) {
  const model::ModelSpec m = f.deploy.load_model();
  const hw::HardwareProfile hw = f.deploy.load_hardware();
  const perf::Parallelism par = f.deploy.parallelism();
  const int64_t d =
      parse_int_flag("--decode-seqs", f.decode_seqs, core::IntRange::non_negative(1 << 24));
  const int64_t ctx =
      parse_int_flag("--context", f.context, core::IntRange::positive(m.max_context));
  const int64_t p =
      parse_int_flag("--prefill-seqs", f.prefill_seqs, core::IntRange::non_negative(1 << 24));
  const int64_t chunk = parse_int_flag("--chunk", f.chunk, core::IntRange::positive(m.max_context));
  const int64_t prefix =
      parse_int_flag("--prefix", f.prefix, core::IntRange::non_negative(m.max_context));
  if (d == 0 && p == 0) core::fail_at(flag_loc(), "give --decode-seqs and/or --prefill-seqs");
  kv::KvPolicy policy = f.kv.build();
  policy.fill_defaults(m);
  std::unique_ptr<perf::StepModel> sm;
  try {
    sm = std::make_unique<perf::StepModel>(m, hw, par, policy);
  } catch (const core::ConfigError& e) {
    fail_config(e, {{"tp", "--tp"}, {"pp", "--pp"}, {"ep", "--ep"}, {"kv", "KV options"}});
  }
  perf::StepBatch b = sm->empty_batch();
  b.decode_seqs = d;
  b.logit_rows = d + p;
  for (int64_t i = 0; i < p; ++i)
    perf::add_prefill_chunk(b, sm->rules(), prefix, chunk);
  for (size_t r = 0; r < sm->rules().size(); ++r) {
    b.decode_attended[r] =
        static_cast<double>(d) * static_cast<double>(sm->rules()[r].resident(ctx).tokens());
  }
  const perf::StepCost c = sm->cost(b);
  std::vector<perf::StepOpCost> ops = c.ops;
  std::sort(ops.begin(), ops.end(),
            [](const auto& x, const auto& y) { return x.seconds > y.seconds; });
  if (f.json) {
    core::Json j = core::Json::object();
    j.set("step_seconds", c.seconds)
        .set("hbm_bytes", c.work.level(perf::Level::hbm))
        .set("flops", c.work.total_flops());
    core::Json arr = core::Json::array();
    for (const auto& o : ops) {
      arr.push(core::Json::object()
                   .set("op", o.name)
                   .set("count", o.count)
                   .set("seconds", o.seconds)
                   .set("bound", perf::to_string(o.bound)));
    }
    j.set("ops", std::move(arr));
    std::cout << j.dump();
    return kExitOk;
  }
  std::cout << fmt::format(
      "kvsim step: {} on {}, {}: {} decodes at {} tokens, {} prefill chunks of {} (prefix {})\n",
      m.display_name, hw.display_name, par.describe(), d, ctx, p, chunk, prefix);
  std::cout << fmt::format(
      "step time {:.3f} ms, HBM traffic {:.2f} GB per GPU, {:.1f} TFLOP per GPU\n\n",
      c.seconds * 1e3, c.work.level(perf::Level::hbm) / 1e9, c.work.total_flops() / 1e12);
  core::TextTable t({"operator", "count", "ms", "share", "bound"});
  t.align(4, core::TextTable::Align::left);
  for (const auto& o : ops) {
    t.add_row({o.name, fmt::format("{:g}", o.count), fmt::format("{:.3f}", o.seconds * 1e3),
               fmt::format("{:.1f} %", 100 * o.seconds / c.seconds), perf::to_string(o.bound)});
  }
  std::cout << t.render("  ");
  return kExitOk;
}

}  // namespace

Runner add_step(CLI::App& app) {
  auto f = std::make_shared<StepFlags>();
  CLI::App* cmd =
      app.add_subcommand("step", "Time of one engine step with a per-operator breakdown");
  f->deploy.add_to(*cmd, true);
  cmd->add_option("--decode-seqs", f->decode_seqs, "sequences decoding one token (default 0)");
  cmd->add_option("--context", f->context,
                  "tokens each decoding sequence attends over (default 8192)");
  cmd->add_option("--prefill-seqs", f->prefill_seqs, "sequences prefilling a chunk (default 0)");
  cmd->add_option("--chunk", f->chunk, "prefill chunk tokens (default 2048)");
  cmd->add_option("--prefix", f->prefix, "cached tokens before each chunk (default 0)");
  cmd->add_flag("--json", f->json, "print JSON");
  f->kv.add_to(*cmd);
  return [f] { return run_step(*f); };
}

}  // namespace kvsim::cli
