#include <fmt/format.h>

#include "kvsim/core/table.h"
#include "kvsim/core/units.h"
#include "kvsim/report/capacity_report.h"

namespace kvsim::report {
namespace {

using core::format_bytes;
using core::group_digits;

std::string percent(int64_t part, int64_t whole) {
  return whole > 0 ? fmt::format("{:.1f} %",
                                 100.0 * static_cast<double>(part) / static_cast<double>(whole))
                   : "-";
}

std::string kv_heads_line(const kv::LayerGroup& g, int64_t tp) {
  if (g.attention.kind == model::AttentionKind::mla) {
    return fmt::format("MLA latent {} + rope {} values, replicated on all {} TP ranks",
                       g.attention.latent_dim, g.attention.rope_dim, tp);
  }
  if (g.values.replication > 1) {
    return fmt::format("{} KV heads < TP {}: each rank holds 1 head, every head replicated {}×",
                       g.attention.kv_heads, tp, g.values.replication);
  }
  return fmt::format("{} of {} KV heads per rank", g.values.heads_gpu, g.attention.kv_heads);
}

std::string memory_section(const perf::CapacityResult& r, const CapacityInputs& in) {
  const perf::StageMemory& sm = r.binding_memory();
  const auto& w = sm.weights;
  core::TextTable t({"per GPU", "GiB", "detail"});
  t.align(2, core::TextTable::Align::left);
  t.add_row(
      {"device memory (HBM)", core::format_gib(r.plan.device_bytes), in.hardware.display_name});
  t.add_row({"usable", core::format_gib(r.plan.usable_bytes),
             fmt::format("memory utilisation {:.2f}", in.options.memory_utilization)});
  t.add_row({"weights", core::format_gib(w.total()),
             fmt::format("attention {}, mlp {}, experts {}, embeddings {}, replicated {}",
                         core::format_gib(w.attention), core::format_gib(w.mlp),
                         core::format_gib(w.experts), core::format_gib(w.embedding),
                         core::format_gib(w.replicated))});
  t.add_row({"activation peak", core::format_gib(sm.activation_bytes),
             fmt::format("{} batched tokens", group_digits(in.options.max_batched_tokens))});
  t.add_row({"runtime reserve", core::format_gib(sm.runtime_reserve_bytes),
             "CUDA context, graphs, collective buffers"});
  t.add_row({"KV budget", core::format_gib(sm.kv_budget_bytes),
             fmt::format("layers {}-{} (stage {} of {})", sm.first_layer, sm.end_layer - 1,
                         sm.stage + 1, r.plan.stages.size())});
  return t.render("  ");
}

std::string capacity_section(const perf::CapacityResult& r) {
  const perf::StageCapacity& sc = r.binding();
  const kv::KvPlan& kv = *r.binding_memory().kv;
  const int64_t bt = kv.allocation().block_tokens();
  core::TextTable t({"capacity", "value"});
  t.align(1, core::TextTable::Align::left);
  t.add_row({"KV pool", bt > 0 ? fmt::format("{} tokens ({} blocks of {})",
                                             group_digits(sc.kv_capacity_tokens),
                                             group_digits(sc.kv_capacity_blocks), bt)
                               : fmt::format("{} tokens", group_digits(sc.kv_capacity_tokens))});
  t.add_row({"one sequence at context",
             fmt::format("{} tokens: {} allocated, {} resident, {} wasted",
                         group_digits(r.query.context), format_bytes(sc.at_context.allocated_bytes),
                         format_bytes(sc.at_context.resident_bytes),
                         format_bytes(sc.at_context.wasted_bytes()))});
  if (sc.peak.allocated_bytes != sc.at_context.allocated_bytes) {
    t.add_row({"  peak on the way", format_bytes(sc.peak.allocated_bytes)});
  }
  if (sc.shared_prefix_bytes > 0) {
    t.add_row({"shared prefix (stored once)", format_bytes(sc.shared_prefix_bytes)});
  }
  t.add_row(
      {"max concurrent sequences", fmt::format("{} at {} tokens", group_digits(sc.max_sequences),
                                               group_digits(r.query.context))});
  std::string memory_limit =
      sc.max_context_memory ? group_digits(*sc.max_context_memory) : "unbounded";
  t.add_row(
      {"max context at batch 1",
       fmt::format("{} ({}; memory alone allows {})", group_digits(r.max_context_batch1),
                   r.max_context_batch1 == r.model_max_context ? "model limit" : "memory limit",
                   memory_limit)});
  t.add_row(
      {fmt::format("batch of {}", r.query.batch),
       fmt::format(
           "{} allocated, {} fragmentation ({}): {}", format_bytes(sc.batch_allocated_bytes),
           format_bytes(sc.batch_allocated_bytes - sc.batch_resident_bytes),
           percent(sc.batch_allocated_bytes - sc.batch_resident_bytes, sc.batch_allocated_bytes),
           sc.batch_fits ? "fits" : "does NOT fit")});
  for (const auto& tier : r.offload) {
    t.add_row({fmt::format("offload tier '{}'", tier.spec.name),
               fmt::format("{}: {} tokens, {} sequences, {:.1f} GB/s",
                           format_bytes(tier.spec.capacity_bytes), group_digits(tier.tokens),
                           group_digits(tier.sequences), tier.spec.bandwidth_bytes_s / 1e9)});
  }
  return t.render("  ");
}

std::string layers_section(const perf::CapacityResult& r) {
  const perf::StageMemory& sm = r.binding_memory();
  const kv::KvPlan& kv = *sm.kv;
  core::TextTable t({"layers", "cached as", "retention", "B/token/GPU",
                     fmt::format("resident at {}", group_digits(r.query.context)),
                     "KV per sequence"});
  t.align(1, core::TextTable::Align::left);
  t.align(2, core::TextTable::Align::left);
  for (const kv::LayerGroup& g : kv.groups()) {
    const kv::BlockUse u = kv.allocation().use(g.rule.resident(r.query.context),
                                               g.rule.max_resident(), kv.max_context());
    t.add_row({fmt::format("{} × (from {})", g.count, g.first_layer),
               fmt::format("{} {}×{}", model::to_string(g.attention.kind), g.values.heads_gpu,
                           g.values.dim_per_head),
               g.rule.describe(), group_digits(g.bytes_per_token_gpu),
               group_digits(u.resident_tokens),
               format_bytes(u.slot_tokens * g.bytes_per_token_gpu * g.count)});
  }
  return t.render("  ");
}

}  // namespace

std::string capacity_text(const perf::CapacityResult& r, const CapacityInputs& in) {
  const kv::KvPlan& kv = *r.binding_memory().kv;
  std::string out = fmt::format("kvsim capacity: {} on {}, {}\n", in.model.display_name,
                                in.hardware.display_name, in.parallelism.describe());
  out += fmt::format("KV policy: {}\n\n", r.plan.policy->describe());
  out += fmt::format("KV per token: {} B for the whole model ({} layers, {}), {} B per GPU\n",
                     group_digits(r.plan.whole_model_kv->bytes_per_token_model()),
                     in.model.num_layers(), r.plan.policy->precision->describe(),
                     group_digits(kv.bytes_per_token_gpu()));
  if (!kv.groups().empty()) {
    out += fmt::format("  {}\n", kv_heads_line(kv.groups().front(), in.parallelism.tp));
  }
  out += "\n" + memory_section(r, in) + "\n" + capacity_section(r);
  if (kv.groups().size() > 1 || in.model.has_windows())
    out += "\nPer-layer KV (hybrid):\n" + layers_section(r);
  for (const auto& w : r.warnings)
    out += "\nwarning: " + w + "\n";
  for (const auto& n : in.model.notes)
    out += "note: " + n + "\n";
  return out;
}

}  // namespace kvsim::report
