// kvsim list hardware|models|strategies: what is built in.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/table.h"
#include "kvsim/core/units.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_plan.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/model/parameters.h"
#include "kvsim/serve/router.h"
#include "kvsim/serve/scheduler.h"
#include "kvsim/workload/generator.h"
#include "kvsim/workload/trace_format.h"

namespace kvsim::cli {
namespace {

void list_hardware() {
  core::TextTable t(
      {"name", "GPU", "HBM GiB", "HBM TB/s", "BF16 TFLOP/s", "FP8 TFLOP/s", "$/GPU-h"});
  t.align(1, core::TextTable::Align::left);
  for (const auto& name : hw::builtin_hardware_names()) {
    const hw::HardwareProfile p = hw::load_hardware(name);
    const double fp8 = p.peak_flops(hw::Engine::tensor, hw::Dtype::fp8);
    t.add_row(
        {name, p.display_name, core::format_gib(p.hbm.capacity_bytes),
         fmt::format("{:.2f}", p.hbm.bandwidth_bytes_s / 1e12),
         fmt::format("{:.0f}", p.peak_flops(hw::Engine::tensor, hw::Dtype::bf16) / 1e12),
         fp8 > 0 ? fmt::format("{:.0f}", fp8 / 1e12) : "-",
         p.price_usd_per_gpu_hour > 0 ? fmt::format("{:.2f}", p.price_usd_per_gpu_hour) : "-"});
  }
  std::cout << t.render();
}

void list_models() {
  core::TextTable t(
      {"name", "model", "layers", "params (B)", "attention", "KV B/token", "max context"});
  t.align(1, core::TextTable::Align::left);
  t.align(4, core::TextTable::Align::left);
  for (const auto& name : model::builtin_model_names()) {
    const model::ModelSpec m = model::load_model(name);
    kv::KvPolicy policy;
    policy.fill_defaults(m);
    const kv::KvPlan kv(m, policy, 1, 0, m.num_layers());
    const model::AttentionSpec& a = m.layers.front().attention;
    std::string attention =
        a.kind == model::AttentionKind::mla
            ? fmt::format("mla {}+{}", a.latent_dim, a.rope_dim)
            : fmt::format("{} {}/{}", model::to_string(a.kind), a.q_heads, a.kv_heads);
    if (m.has_windows()) attention += " + windows";
    if (m.is_moe()) attention += ", MoE";
    t.add_row({name, m.display_name, std::to_string(m.num_layers()),
               fmt::format("{:.2f}", static_cast<double>(model::count_params(m).total()) / 1e9),
               attention, core::group_digits(kv.bytes_per_token_model()),
               core::group_digits(m.max_context)});
  }
  std::cout << t.render();
}

template <class T>
void list_question(core::TextTable& t, const char* key) {
  for (const auto* e : core::Registry<T>::instance().entries())
    t.add_row({key, e->name, e->summary});
  t.add_rule();
}

void list_strategies() {
  core::TextTable t({"question (YAML key under kv:)", "impl", "what it does"});
  t.align(1, core::TextTable::Align::left);
  t.align(2, core::TextTable::Align::left);
  list_question<kv::AttentionLayout>(t, "attention");
  list_question<kv::Precision>(t, "precision");
  list_question<kv::Retention>(t, "retention");
  list_question<kv::Sharing>(t, "sharing");
  list_question<kv::Allocation>(t, "allocation");
  list_question<kv::Tier>(t, "tiers");
  std::cout << t.render();
}

/// Trace formats only (`trace-formats`), or with the generator plug-ins too (`workloads`).
void list_workloads(bool with_generators) {
  core::TextTable t({"plug-in kind", "name", "what it reads or draws"});
  t.align(1, core::TextTable::Align::left);
  t.align(2, core::TextTable::Align::left);
  list_question<workload::TraceFormat>(t, "--trace-format");
  if (with_generators) {
    list_question<workload::ArrivalProcess>(t, "generator arrival:");
    list_question<workload::LengthDistribution>(t, "generator input:/output:");
  }
  std::cout << t.render();
}

void list_engine() {
  core::TextTable t({"YAML key under engine: (flag)", "name", "what it does"});
  t.align(1, core::TextTable::Align::left);
  t.align(2, core::TextTable::Align::left);
  list_question<serve::Scheduler>(t, "scheduler (--scheduler)");
  list_question<serve::Router>(t, "router (--router)");
  std::cout << t.render();
}

}  // namespace

Runner add_list(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "list",
      "List built-in hardware, models, KV strategies, workload plug-ins or engine plug-ins");
  cmd->add_option("what", *what, "hardware, models, strategies, trace-formats, workloads or engine")
      ->required()
      ->check(CLI::IsMember(
          {"hardware", "models", "strategies", "trace-formats", "workloads", "engine"}));
  return [what] {
    if (*what == "hardware")
      list_hardware();
    else if (*what == "models")
      list_models();
    else if (*what == "strategies")
      list_strategies();
    else if (*what == "trace-formats" || *what == "workloads")
      list_workloads(*what == "workloads");
    else
      list_engine();
    return kExitOk;
  };
}

}  // namespace kvsim::cli
