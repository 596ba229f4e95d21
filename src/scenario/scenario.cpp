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

}  // namespace

core::SourceLoc Scenario::loc_of(const std::string& field) const {
  if (field == "tp") return tp_loc;
  if (field == "pp") return pp_loc;
  if (field == "context") return context_loc;
  if (field == "batch") return batch_loc;
  if (field.rfind("kv", 0) == 0) return kv_loc;
  return loc;
}

Scenario parse_scenario(const core::Doc& doc) {
  core::MapReader top(doc);
  Scenario s;
  s.loc = doc.loc;
  s.name = top.string("name");
  s.description = top.maybe_string("description").value_or("");

  const core::Doc& model_node = top.require("model");
  s.model_loc = model_node.loc;
  const std::string model_ref = resolve_path(core::read_string(model_node, "model"), doc.loc);
  s.model = model::load_model(model_ref, model_node.loc, "model");

  const core::Doc& hw_node = top.require("hardware");
  s.hardware_loc = hw_node.loc;
  const std::string hw_ref = resolve_path(core::read_string(hw_node, "hardware"), doc.loc);
  s.hardware = hw::load_hardware(hw_ref, hw_node.loc, "hardware");

  s.tp_loc = s.pp_loc = doc.loc;
  if (auto par = top.maybe_map("parallelism")) {
    if (const core::Doc* tp = par->find("tp")) s.tp_loc = tp->loc;
    if (const core::Doc* pp = par->find("pp")) s.pp_loc = pp->loc;
    s.parallelism.tp = par->maybe_integer("tp", core::IntRange::positive(4096)).value_or(1);
    s.parallelism.pp = par->maybe_integer("pp", core::IntRange::positive(4096)).value_or(1);
    par->finish();
  }

  const core::Doc* kv_node = top.find("kv");
  s.kv_loc = kv_node ? kv_node->loc : doc.loc;
  s.kv = kv::parse_kv_policy(kv_node);

  if (auto eng = top.maybe_map("engine")) {
    s.memory.memory_utilization =
        eng->maybe_number("memory_utilization", core::Range::fraction()).value_or(0.9);
    s.memory.max_batched_tokens =
        eng->maybe_integer("max_batched_tokens", core::IntRange::positive(int64_t{1} << 32))
            .value_or(8192);
    s.memory.max_sequences =
        eng->maybe_integer("max_sequences", core::IntRange::positive(int64_t{1} << 32))
            .value_or(256);
    // Bounded like --runtime-reserve-gib: a larger value would overflow the byte count.
    if (auto gib = eng->maybe_number("runtime_reserve_gib", core::Range{0, 1e6})) {
      s.memory.runtime_reserve_bytes = static_cast<int64_t>(*gib * static_cast<double>(core::kGiB));
    }
    eng->finish();
  }

  s.context_loc = s.batch_loc = doc.loc;
  if (auto cap = top.maybe_map("capacity")) {
    if (const core::Doc* c = cap->find("context")) s.context_loc = c->loc;
    if (const core::Doc* b = cap->find("batch")) s.batch_loc = b->loc;
    s.capacity.context = cap->maybe_integer("context", core::IntRange::positive()).value_or(8192);
    s.capacity.batch = cap->maybe_integer("batch", core::IntRange::positive()).value_or(1);
    cap->finish();
  }
  top.finish();
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
