#include "kvsim/scenario/scenario.h"

#include <fmt/format.h>

#include <filesystem>

#include "kvsim/core/reader.h"
#include "kvsim/core/resources.h"
#include "kvsim/core/units.h"

namespace kvsim::scenario {
namespace {

namespace fs = std::filesystem;

// A relative path in a scenario means "next to the scenario file" when such a file exists.
std::string resolve_path(const std::string& value, const core::SourceLoc& scenario_loc) {
  const std::string& file = scenario_loc.file_name();
  if (value.find('/') == std::string::npos && value.find('.') == std::string::npos) return value;
  if (fs::path(value).is_absolute() || file.rfind("<builtin>/", 0) == 0) return value;
  const fs::path candidate = fs::path(file).parent_path() / value;
  std::error_code ec;
  return fs::exists(candidate, ec) ? candidate.string() : value;
}

void read_hardware(core::MapReader& top, Scenario& s, const core::SourceLoc& file_loc) {
  const core::Doc& node = top.require("hardware");
  s.hardware_loc = node.loc;
  if (!node.is_map()) {
    s.hardware = hw::load_hardware(resolve_path(core::read_string(node, "hardware"), file_loc),
                                   node.loc, "hardware");
    return;
  }
  core::MapReader m(node, "hardware");
  const core::Doc& profile = m.require("profile");
  const std::string ref = resolve_path(core::read_string(profile, "hardware.profile"), file_loc);
  const core::Doc* overrides = m.find("overrides");
  if (overrides && !overrides->is_map()) core::MapReader(*overrides, "hardware.overrides");
  m.finish();
  s.hardware = hw::load_hardware(ref, profile.loc, "hardware.profile", overrides);
}

// The `engine:` map: the scenario's own keys, then the serving engine's (validated here once).
void read_engine(core::MapReader& top, Scenario& s) {
  const core::Doc* node = top.find("engine");
  s.engine_loc = node ? node->loc : s.loc;
  s.engine_doc = core::Doc::map(s.engine_loc);
  if (!node) return;
  if (!node->is_map()) core::MapReader(*node, "engine");
  core::Doc own = core::Doc::map(node->loc);
  for (const auto& [k, v] : node->entries) {
    if (k.text == "slo_ttft_s" || k.text == "slo_tpot_s") {
      core::fail_at(k.loc, fmt::format("engine.{}: set SLOs in the scenario's 'slo:' map "
                                       "(ttft_s, tpot_s, with percentiles)",
                                       k.text));
    }
    const bool scenario_key = k.text == "memory_utilization" || k.text == "runtime_reserve_gib";
    (scenario_key ? own : s.engine_doc).entries.emplace_back(k, v);
  }
  core::MapReader m(own, "engine");
  s.memory_utilization =
      m.maybe_number("memory_utilization", core::Range::fraction()).value_or(0.9);
  // Bounded like --runtime-reserve-gib: a larger value would overflow the byte count.
  if (auto gib = m.maybe_number("runtime_reserve_gib", core::Range{0, 1e6}))
    s.memory.runtime_reserve_bytes = static_cast<int64_t>(*gib * static_cast<double>(core::kGiB));
  m.finish();
  const serve::EngineConfig c = serve::parse_engine_config(s.engine_doc, "engine");
  s.memory.memory_utilization = s.memory_utilization;
  s.memory.max_batched_tokens = c.max_batched_tokens;
  s.memory.max_sequences = c.max_num_seqs;
}

}  // namespace

const std::vector<std::string>& scenario_keys() {
  static const std::vector<std::string> keys = {
      "name",     "description", "model",   "hardware", "parallelism", "kv",   "engine",
      "workload", "slo",         "pricing", "capacity", "sweep",       "plan", "compare"};
  return keys;
}

core::SourceLoc Scenario::loc_of(const std::string& field) const {
  if (field == "tp") return tp_loc;
  if (field == "pp") return pp_loc;
  if (field == "ep") return ep_loc;
  if (field == "context") return context_loc;
  if (field == "batch") return batch_loc;
  // A KV question that cannot work points at the `kv:` map; a KV budget that does not exist (the
  // model does not fit) at the hardware when the scenario sets no KV policy.
  if (field.rfind("kv", 0) == 0) return has_kv ? kv_loc : hardware_loc;
  if (field.rfind("engine", 0) == 0 || field == "replicas") return engine_loc;
  if (field.rfind("pricing", 0) == 0) return pricing_loc;
  if (field.rfind("workload", 0) == 0) return workload_loc;
  return loc;
}

serve::EngineConfig Scenario::engine_config() const {
  serve::EngineConfig c = serve::parse_engine_config(engine_doc, "engine");
  if (slo) {
    c.slo_ttft_s = slo->ttft_s;
    c.slo_tpot_s = slo->tpot_s;
  }
  c.fill_defaults();
  return c;
}

serve::Deployment Scenario::deployment() const {
  serve::Deployment d;
  d.model = &model;
  d.hardware = &hardware;
  d.parallelism = parallelism;
  d.policy = kv;
  d.policy.fill_defaults(model);
  d.config = engine_config();
  d.memory_utilization = memory_utilization;
  return d;
}

Scenario parse_scenario(const core::Doc& doc) {
  core::MapReader top(doc);
  Scenario s;
  s.loc = doc.loc;
  s.name = top.string("name");
  s.description = top.maybe_string("description").value_or("");
  top.accept({"sweep", "plan", "compare"});  // ScenarioFile reads them

  const core::Doc& model_node = top.require("model");
  s.model_loc = model_node.loc;
  const std::string model_ref = resolve_path(core::read_string(model_node, "model"), doc.loc);
  s.model = model::load_model(model_ref, model_node.loc, "model");
  read_hardware(top, s, doc.loc);

  s.tp_loc = s.pp_loc = s.ep_loc = doc.loc;
  if (auto par = top.maybe_map("parallelism")) {
    if (const core::Doc* tp = par->find("tp")) s.tp_loc = tp->loc;
    if (const core::Doc* pp = par->find("pp")) s.pp_loc = pp->loc;
    if (const core::Doc* ep = par->find("ep")) s.ep_loc = ep->loc;
    s.parallelism.tp = par->maybe_integer("tp", core::IntRange::positive(4096)).value_or(1);
    s.parallelism.pp = par->maybe_integer("pp", core::IntRange::positive(4096)).value_or(1);
    s.parallelism.ep = par->maybe_integer("ep", core::IntRange::positive(4096)).value_or(1);
    par->finish();
  }

  const core::Doc* kv_node = top.find("kv");
  s.kv_loc = kv_node ? kv_node->loc : doc.loc;
  s.has_kv = kv_node != nullptr;
  s.kv = kv::parse_kv_policy(kv_node);
  read_engine(top, s);

  const core::Doc* workload_node = top.find("workload");
  s.workload_loc = workload_node ? workload_node->loc : doc.loc;
  if (workload_node) s.workload = parse_workload(*workload_node, doc.loc.file_name());
  if (const core::Doc* slo = top.find("slo")) s.slo = parse_slo(*slo);
  const core::Doc* pricing = top.find("pricing");
  s.pricing_loc = pricing ? pricing->loc : doc.loc;
  if (pricing) s.pricing = cost::parse_pricing(*pricing);

  s.context_loc = s.batch_loc = doc.loc;
  if (auto cap = top.maybe_map("capacity")) {
    if (const core::Doc* c = cap->find("context")) s.context_loc = c->loc;
    if (const core::Doc* b = cap->find("batch")) s.batch_loc = b->loc;
    perf::CapacityQuery q;
    q.context = cap->maybe_integer("context", core::IntRange::positive()).value_or(8192);
    q.batch = cap->maybe_integer("batch", core::IntRange::positive()).value_or(1);
    cap->finish();
    s.capacity = q;
  } else if (!s.workload) {
    s.capacity =
        perf::CapacityQuery{};  // a scenario without a workload answers the capacity question
  }
  top.finish();

  if (s.workload && s.memory.runtime_reserve_bytes) {
    const core::Doc* eng = doc.find("engine");
    core::fail_at(eng && eng->find("runtime_reserve_gib") ? eng->find("runtime_reserve_gib")->loc
                                                          : s.engine_loc,
                  "engine.runtime_reserve_gib: applies to the capacity question only; the replay "
                  "engine uses its default reserve, so a scenario with a workload cannot set it");
  }
  if (!s.workload) {
    for (const char* key : {"slo", "pricing"}) {
      if (const core::Doc* n = doc.find(key)) {
        core::fail_at(n->loc, fmt::format("{}: needs a 'workload' to replay (without one, the "
                                          "scenario only answers its capacity question)",
                                          key));
      }
    }
  }
  return s;
}

Scenario default_scenario() {
  const core::Resource* r = core::find_builtin("scenarios/default.yaml");
  if (!r) throw core::RuntimeError("internal error: the default scenario is not embedded");
  return parse_scenario(core::parse_builtin(*r));
}

Scenario load_scenario(const std::string& path) {
  return parse_scenario(core::load_document_file(path));
}

}  // namespace kvsim::scenario
