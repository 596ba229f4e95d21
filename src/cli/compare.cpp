// kvsim compare SCENARIO.yaml --hardware H1,H2,...: the same scenario on several GPUs, each at its
// cheapest SLO-meeting configuration (over the scenario's own sweep), ranked by $ per million
// tokens.

#include <fmt/format.h>

#include <memory>

#include "cli.h"

namespace kvsim::cli {

Runner add_compare(CLI::App& app) {
  auto f = std::make_shared<RunFlags>();
  auto hardware = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "compare", "Run a scenario on several GPUs and rank them by $ per million tokens");
  cmd->add_option("scenario", f->scenario, "scenario YAML file")->required();
  cmd->add_option("--hardware", *hardware, "comma-separated built-in names or profile paths")
      ->required();
  f->add_to(*cmd);
  return [f, hardware] {
    std::vector<std::string> names;
    size_t start = 0;
    while (true) {
      const size_t comma = hardware->find(',', start);
      std::string n = hardware->substr(start, comma == std::string::npos ? comma : comma - start);
      if (n.empty()) core::fail_at(flag_loc(), "--hardware: empty name in the list");
      if (std::find(names.begin(), names.end(), n) != names.end())
        core::fail_at(flag_loc(), fmt::format("--hardware: '{}' appears twice", n));
      names.push_back(std::move(n));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    return run_scenario_command(*f, "compare", names);
  };
}

}  // namespace kvsim::cli
