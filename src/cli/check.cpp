// kvsim check FILE: validate a scenario, hardware profile, model (YAML or config.json) or KV policy
// file without running anything.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/model/hf_config.h"
#include "kvsim/model/model_yaml.h"
#include "kvsim/model/parameters.h"
#include "kvsim/scenario/run.h"

namespace kvsim::cli {
namespace {

int check_file(const std::string& path) {
  const core::Doc doc = core::load_document_file(path);
  const bool json = path.size() > 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  if (!doc.is_map()) core::MapReader top(doc);  // reports "expected a map"
  std::string kind;
  std::string name;
  if (json || doc.find("num_layers")) {
    model::ModelSpec m =
        json ? (model::is_deepseek_inference_config(doc) ? model::parse_deepseek_config(doc, path)
                                                         : model::parse_hf_config(doc, path))
             : model::parse_model_yaml(doc);
    model::validate_model(m);
    kind = "model";
    name = fmt::format("{} ({} layers, {:.2f} B parameters)", m.name, m.num_layers(),
                       static_cast<double>(model::count_params(m).total()) / 1e9);
  } else if (doc.find("compute") || doc.find("memory")) {
    kind = "hardware profile";
    name = hw::parse_hardware_profile(doc).name;
  } else if (doc.find("model") || doc.find("hardware")) {
    const scenario::ScenarioFile f = scenario::scenario_file_from_doc(doc, path);
    const auto problems = scenario::check_scenario(f, 1);
    if (f.axes.empty() && !problems.empty()) {
      std::cerr << problems.front().second << "\n";
      return kExitBadInput;
    }
    for (const auto& [index, error] : problems) {
      std::cerr << fmt::format("warning: point {} ({}) will fail: {}\n", f.point_id(index),
                               f.point_label(index), error);
    }
    kind = "scenario";
    const int64_t n = f.point_count();
    name = fmt::format("{} ({} point{}{})", f.name, n, n == 1 ? "" : "s",
                       f.plan ? ", capacity planning" : "");
  } else {
    bool kv_keys = !doc.entries.empty();
    for (const auto& [k, v] : doc.entries) {
      bool known = false;
      for (const auto& q : kv::kv_question_keys())
        known = known || k.text == q;
      kv_keys = kv_keys && known;
    }
    if (!kv_keys) {
      core::fail_at(
          doc.loc,
          "cannot tell what this file is: expected a scenario (keys 'model', 'hardware'), "
          "a hardware profile ('compute', 'memory'), a model ('num_layers', or a .json "
          "config) or a KV policy (attention, precision, retention, sharing, allocation, "
          "tiers)");
    }
    kind = "KV policy";
    name = kv::parse_kv_policy(&doc, "").describe();
  }
  std::cout << fmt::format("ok: {}: {} {}\n", path, kind, name);
  return kExitOk;
}

}  // namespace

Runner add_check(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* cmd =
      app.add_subcommand("check", "Validate a scenario, profile, model or KV policy file");
  cmd->add_option("file", *file, "the file to check")->required();
  return [file] { return check_file(*file); };
}

}  // namespace kvsim::cli
