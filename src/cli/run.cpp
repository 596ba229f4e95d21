// kvsim run [SCENARIO.yaml]: the main job. With no scenario, the built-in default.
// (Until the replay and report work lands, a scenario answers its capacity question.)

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/checked.h"
#include "kvsim/report/capacity_report.h"
#include "kvsim/scenario/scenario.h"

namespace kvsim::cli {
namespace {

struct RunFlags {
  std::string scenario;
  bool json = false;
};

int run_scenario(const RunFlags& f) {
  const scenario::Scenario s =
      f.scenario.empty() ? scenario::default_scenario() : scenario::load_scenario(f.scenario);
  perf::CapacityResult r;
  try {
    r = perf::compute_capacity(s.model, s.hardware, s.parallelism, s.kv, s.memory, s.capacity);
  } catch (const core::ConfigError& e) {
    core::fail_at(s.loc_of(e.field()), e.what());
  } catch (const core::OverflowError& e) {
    core::fail_at(s.batch_loc, fmt::format("capacity.batch × capacity.context: {}", e.what()));
  }
  const report::CapacityInputs in{s.model, s.hardware, s.parallelism, s.memory};
  if (f.json) {
    std::cout << report::capacity_json(r, in).dump();
  } else {
    std::cout << fmt::format("scenario: {}{}\n", s.name,
                             s.description.empty() ? "" : " — " + s.description);
    std::cout << report::capacity_text(r, in);
  }
  return kExitOk;
}

}  // namespace

Runner add_run(CLI::App& app) {
  auto f = std::make_shared<RunFlags>();
  CLI::App* cmd =
      app.add_subcommand("run", "Run a scenario (the built-in default when none is given)");
  cmd->add_option("scenario", f->scenario, "scenario YAML file");
  cmd->add_flag("--json", f->json, "print JSON instead of the human report");
  return [f] { return run_scenario(*f); };
}

}  // namespace kvsim::cli
