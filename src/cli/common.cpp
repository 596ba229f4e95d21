#include <fmt/format.h>

#include "cli.h"
#include "kvsim/core/registry.h"

namespace kvsim::cli {

core::SourceLoc flag_loc() {
  return core::SourceLoc::of("kvsim");
}

int64_t parse_int_flag(const std::string& flag, const std::string& text, core::IntRange range) {
  return core::read_integer(core::Doc::scalar(text, flag_loc()), flag, range);
}

double parse_number_flag(const std::string& flag, const std::string& text, core::Range range) {
  return core::read_number(core::Doc::scalar(text, flag_loc()), flag, range);
}

void fail_config(const core::ConfigError& e, const std::map<std::string, std::string>& flags) {
  auto it = flags.find(e.field());
  if (it == flags.end()) {
    for (const auto& [field, flag] : flags) {
      if (e.field().rfind(field, 0) == 0) it = flags.find(field);
    }
  }
  const std::string flag = it == flags.end() ? e.field() : it->second;
  core::fail_at(flag_loc(), fmt::format("{}: {}", flag, e.what()));
}

void DeploymentFlags::add_to(CLI::App& cmd, bool with_ep) {
  cmd.add_option("--model", model, "built-in model name or a YAML / config.json path")->required();
  cmd.add_option("--hardware", hardware, "built-in hardware name or a profile YAML path")
      ->required();
  cmd.add_option("--tp", tp, "tensor-parallel GPUs (default 1)");
  cmd.add_option("--pp", pp, "pipeline-parallel stages (default 1)");
  if (with_ep)
    cmd.add_option("--ep", ep,
                   "expert parallelism over the TP group: 1 or equal to --tp (default 1)");
}

model::ModelSpec DeploymentFlags::load_model() const {
  return model::load_model(model, flag_loc(), "--model");
}

hw::HardwareProfile DeploymentFlags::load_hardware() const {
  return hw::load_hardware(hardware, flag_loc(), "--hardware");
}

perf::Parallelism DeploymentFlags::parallelism() const {
  perf::Parallelism par;
  par.tp = parse_int_flag("--tp", tp, core::IntRange::positive(4096));
  par.pp = parse_int_flag("--pp", pp, core::IntRange::positive(4096));
  par.ep = parse_int_flag("--ep", ep, core::IntRange::positive(4096));
  return par;
}

void KvFlags::add_to(CLI::App& cmd) {
  cmd.add_option("--kv", file,
                 "YAML file with KV questions (attention, precision, retention, "
                 "sharing, allocation, tiers); the flags below override it");
  cmd.add_option(
      "--attention", attention,
      "attention layout: model, mha, mqa, gqa[:kv_heads=N], mla[:latent_dim=N,rope_dim=N]");
  cmd.add_option("--kv-dtype", precision,
                 "KV precision: bf16, fp16, fp8, int8, int4[:group_size=N] (default: the model's)");
  cmd.add_option("--retention", retention,
                 "retention: model, full, sliding_window:window=N, sinks_recent:sinks=N,recent=N, "
                 "token_budget:budget=N");
  cmd.add_option("--window", window, "shorthand for --retention sliding_window:window=N");
  cmd.add_option(
      "--allocation", allocation,
      "allocation: paged[:block_tokens=N] (default paged, 16), contiguous[:reserve_tokens=N]");
  cmd.add_option("--block-tokens", block_tokens, "shorthand for --allocation paged:block_tokens=N");
  cmd.add_option("--sharing", sharing,
                 "sharing (repeatable): prefix[:shared_tokens=N], cross_layer:factor=N");
  cmd.add_option("--tier", tiers,
                 "offload tier (repeatable): host[:capacity_gib=N,bandwidth_gb_s=N], "
                 "nvme:capacity_gib=N,bandwidth_gb_s=N");
}

kv::KvPolicy KvFlags::build() const {
  kv::KvPolicy p;
  if (!file.empty()) {
    core::Doc doc = core::load_document_file(file);
    p = kv::parse_kv_policy(&doc, "");
  }
  auto set = [&](const char* key, const std::string& flag, const std::string& spec) {
    if (!spec.empty()) kv::set_kv_question(p, key, core::parse_spec_string(spec, flag), flag);
  };
  if (!window.empty() && !retention.empty()) {
    core::fail_at(flag_loc(), "--window and --retention both set the retention; give one");
  }
  if (!block_tokens.empty() && !allocation.empty()) {
    core::fail_at(flag_loc(), "--block-tokens and --allocation both set the allocation; give one");
  }
  set("attention", "--attention", attention);
  set("precision", "--kv-dtype", precision);
  set("retention", "--retention", retention);
  if (!window.empty()) {
    parse_int_flag("--window", window, core::IntRange::positive());
    set("retention", "--window", "sliding_window:window=" + window);
  }
  set("allocation", "--allocation", allocation);
  if (!block_tokens.empty()) {
    parse_int_flag("--block-tokens", block_tokens, core::IntRange{1, 1 << 20});
    set("allocation", "--block-tokens", "paged:block_tokens=" + block_tokens);
  }
  if (!sharing.empty()) p.sharing.clear();
  for (const auto& s : sharing)
    set("sharing", "--sharing", s);
  if (!tiers.empty()) p.tiers.clear();
  for (const auto& t : tiers)
    set("tiers", "--tier", t);
  p.loc = flag_loc();
  p.validate();
  return p;
}

}  // namespace kvsim::cli
