#include "kvsim/core/units.h"
#include "kvsim/model/parameters.h"
#include "kvsim/report/capacity_report.h"
#include "kvsim/report/json_parts.h"
#include "kvsim/version.h"

namespace kvsim::report {
namespace {

core::Json optional_int(const std::optional<int64_t>& v) {
  return v ? core::Json(*v) : core::Json();
}

core::Json groups_json(const perf::StageMemory& sm, int64_t context) {
  core::Json out = core::Json::array();
  for (const kv::LayerGroup& g : sm.kv->groups()) {
    const kv::Residency res = g.rule.resident(context);
    const kv::BlockUse use =
        sm.kv->allocation().use(res, g.rule.max_resident(), sm.kv->max_context());
    out.push(core::Json::object()
                 .set("first_layer", g.first_layer)
                 .set("layers", g.count)
                 .set("attention", model::to_string(g.attention.kind))
                 .set("kv_heads_per_gpu", g.values.heads_gpu)
                 .set("values_per_token_per_gpu", g.values.heads_gpu * g.values.dim_per_head)
                 .set("replication", g.values.replication)
                 .set("retention", g.rule.describe())
                 .set("bytes_per_token_per_gpu", g.bytes_per_token_gpu)
                 .set("resident_tokens", use.resident_tokens)
                 .set("allocated_tokens", use.slot_tokens)
                 .set("allocated_bytes_per_sequence",
                      use.slot_tokens * g.bytes_per_token_gpu * g.count));
  }
  return out;
}

}  // namespace

core::Json capacity_json(const perf::CapacityResult& r, const CapacityInputs& in) {
  const perf::StageMemory& sm = r.binding_memory();
  const perf::StageCapacity& sc = r.binding();
  const kv::KvPlan& kv = *sm.kv;
  int64_t replication = 1;
  for (const auto& g : kv.groups())
    replication = std::max(replication, g.values.replication);

  core::Json j = core::Json::object();
  j.set("schema_version", kCapacitySchemaVersion).set("kvsim_version", KVSIM_VERSION);
  j.set("model", core::Json::object()
                     .set("name", in.model.name)
                     .set("display_name", in.model.display_name)
                     .set("layers", in.model.num_layers())
                     .set("max_context", in.model.max_context)
                     .set("parameters", model::count_params(in.model).total()));
  j.set("hardware", core::Json::object()
                        .set("name", in.hardware.name)
                        .set("display_name", in.hardware.display_name)
                        .set("hbm_bytes", in.hardware.hbm.capacity_bytes));
  j.set("parallelism", core::Json::object()
                           .set("tp", in.parallelism.tp)
                           .set("pp", in.parallelism.pp)
                           .set("gpus", in.parallelism.gpus()));
  j.set("policy", kv_policy_json(*r.plan.policy));
  j.set("options", core::Json::object()
                       .set("memory_utilization", in.options.memory_utilization)
                       .set("max_batched_tokens", in.options.max_batched_tokens)
                       .set("max_sequences", in.options.max_sequences));
  j.set("query", core::Json::object().set("context", r.query.context).set("batch", r.query.batch));
  j.set("kv_bytes_per_token", core::Json::object()
                                  .set("model", r.plan.whole_model_kv->bytes_per_token_model())
                                  .set("per_gpu", kv.bytes_per_token_gpu())
                                  .set("replication", replication));
  j.set("memory_per_gpu", core::Json::object()
                              .set("stage", sm.stage)
                              .set("device_bytes", r.plan.device_bytes)
                              .set("usable_bytes", r.plan.usable_bytes)
                              .set("weights_bytes", sm.weights.total())
                              .set("weights", core::Json::object()
                                                  .set("attention", sm.weights.attention)
                                                  .set("mlp", sm.weights.mlp)
                                                  .set("experts", sm.weights.experts)
                                                  .set("embedding", sm.weights.embedding)
                                                  .set("replicated", sm.weights.replicated))
                              .set("activation_bytes", sm.activation_bytes)
                              .set("runtime_reserve_bytes", sm.runtime_reserve_bytes)
                              .set("kv_budget_bytes", sm.kv_budget_bytes)
                              .set("shared_prefix_bytes", sc.shared_prefix_bytes));
  j.set("capacity", core::Json::object()
                        .set("kv_tokens", sc.kv_capacity_tokens)
                        .set("kv_blocks", sc.kv_capacity_blocks)
                        .set("block_tokens", kv.allocation().block_tokens())
                        .set("max_sequences", sc.max_sequences)
                        .set("max_context_batch1", r.max_context_batch1)
                        .set("max_context_memory", optional_int(sc.max_context_memory))
                        .set("model_max_context", r.model_max_context));
  j.set("sequence", core::Json::object()
                        .set("context", r.query.context)
                        .set("allocated_bytes", sc.at_context.allocated_bytes)
                        .set("resident_bytes", sc.at_context.resident_bytes)
                        .set("wasted_bytes", sc.at_context.wasted_bytes())
                        .set("peak_allocated_bytes", sc.peak.allocated_bytes)
                        .set("layer_blocks", sc.at_context.layer_blocks));
  j.set("batch", core::Json::object()
                     .set("batch", r.query.batch)
                     .set("allocated_bytes", sc.batch_allocated_bytes)
                     .set("resident_bytes", sc.batch_resident_bytes)
                     .set("fragmentation_bytes", sc.batch_allocated_bytes - sc.batch_resident_bytes)
                     .set("fits", sc.batch_fits));
  j.set("layer_groups", groups_json(sm, r.query.context));
  core::Json stages = core::Json::array();
  for (size_t s = 0; s < r.stages.size(); ++s) {
    const perf::StageMemory& m = r.plan.stages[s];
    stages.push(core::Json::object()
                    .set("stage", m.stage)
                    .set("first_layer", m.first_layer)
                    .set("end_layer", m.end_layer)
                    .set("weights_bytes", m.weights.total())
                    .set("activation_bytes", m.activation_bytes)
                    .set("kv_budget_bytes", m.kv_budget_bytes)
                    .set("kv_bytes_per_token_per_gpu", m.kv->bytes_per_token_gpu())
                    .set("max_sequences", r.stages[s].max_sequences));
  }
  j.set("stages", std::move(stages));
  core::Json offload = core::Json::array();
  for (const auto& t : r.offload) {
    offload.push(core::Json::object()
                     .set("tier", t.spec.name)
                     .set("capacity_bytes", t.spec.capacity_bytes)
                     .set("bandwidth_bytes_per_s", t.spec.bandwidth_bytes_s)
                     .set("tokens", t.tokens)
                     .set("sequences", t.sequences));
  }
  j.set("offload", std::move(offload));
  core::Json warnings = core::Json::array();
  for (const auto& w : r.warnings)
    warnings.push(w);
  j.set("warnings", std::move(warnings));
  core::Json notes = core::Json::array();
  for (const auto& n : in.model.notes)
    notes.push(n);
  j.set("model_notes", std::move(notes));
  return j;
}

}  // namespace kvsim::report
