// kvsim capacity: per-GPU memory breakdown and KV capacity for model × hardware × parallelism × KV.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/checked.h"
#include "kvsim/core/units.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/report/capacity_report.h"

namespace kvsim::cli {
namespace {

struct CapacityFlags {
  DeploymentFlags deploy;
  std::string context = "8192", batch = "1";
  std::string mem_util, max_batched_tokens, max_seqs, reserve_gib;
  bool json = false;
  KvFlags kv;
};

const std::map<std::string, std::string> kFieldFlags = {{"tp", "--tp"},
                                                        {"pp", "--pp"},
                                                        {"context", "--context"},
                                                        {"batch", "--batch"},
                                                        {"kv.attention", "--attention"},
                                                        {"kv.sharing", "--sharing"},
                                                        {"kv.tiers", "--tier"},
                                                        {"kv", "KV options"}};

int run_capacity(const CapacityFlags& f) {
  const model::ModelSpec m = f.deploy.load_model();
  const hw::HardwareProfile hw = f.deploy.load_hardware();
  const perf::Parallelism par = f.deploy.parallelism();
  perf::CapacityQuery q;
  q.context = parse_int_flag("--context", f.context, core::IntRange::positive());
  q.batch = parse_int_flag("--batch", f.batch, core::IntRange::positive());
  perf::MemoryOptions opt;
  if (!f.mem_util.empty())
    opt.memory_utilization = parse_number_flag("--mem-util", f.mem_util, core::Range::fraction());
  if (!f.max_batched_tokens.empty()) {
    opt.max_batched_tokens = parse_int_flag("--max-batched-tokens", f.max_batched_tokens,
                                            core::IntRange::positive(int64_t{1} << 32));
  }
  if (!f.max_seqs.empty()) {
    opt.max_sequences =
        parse_int_flag("--max-seqs", f.max_seqs, core::IntRange::positive(int64_t{1} << 32));
  }
  if (!f.reserve_gib.empty()) {
    opt.runtime_reserve_bytes = static_cast<int64_t>(
        parse_number_flag("--runtime-reserve-gib", f.reserve_gib, core::Range{0, 1e6}) *
        static_cast<double>(core::kGiB));
  }
  const kv::KvPolicy policy = f.kv.build();

  perf::CapacityResult r;
  try {
    r = perf::compute_capacity(m, hw, par, policy, opt, q);
  } catch (const core::ConfigError& e) {
    fail_config(e, kFieldFlags);
  } catch (const core::OverflowError& e) {
    core::fail_at(flag_loc(),
                  fmt::format("--batch {} × --context {}: {}", q.batch, q.context, e.what()));
  }
  const report::CapacityInputs in{m, hw, par, opt};
  std::cout << (f.json ? report::capacity_json(r, in).dump() : report::capacity_text(r, in));
  return kExitOk;
}

}  // namespace

Runner add_capacity(CLI::App& app) {
  auto f = std::make_shared<CapacityFlags>();
  CLI::App* cmd = app.add_subcommand("capacity", "Per-GPU memory breakdown and KV capacity");
  f->deploy.add_to(*cmd, false);
  cmd->add_option("--context", f->context, "tokens per sequence (default 8192)");
  cmd->add_option("--batch", f->batch, "concurrent sequences for the batch footprint (default 1)");
  cmd->add_option("--mem-util", f->mem_util,
                  "fraction of device memory the engine uses (default 0.90)");
  cmd->add_option("--max-batched-tokens", f->max_batched_tokens,
                  "tokens in the largest forward pass, for the activation peak (default 8192)");
  cmd->add_option("--max-seqs", f->max_seqs,
                  "sequences whose logits one step computes (default 256)");
  cmd->add_option("--runtime-reserve-gib", f->reserve_gib,
                  "CUDA context + graphs + collective buffers (default 1.0, or 1.5 with >1 GPU)");
  cmd->add_flag("--json", f->json, "print JSON (keys documented in the README)");
  f->kv.add_to(*cmd);
  return [f] { return run_capacity(*f); };
}

}  // namespace kvsim::cli
