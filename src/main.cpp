// kvsim: wires the subcommands into CLI11 and maps errors to exit codes (0 ok, 1 runtime failure,
// 2 bad input or usage, 3 a CI gate failed).

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <vector>

#include "cli/cli.h"
#include "kvsim/core/checked.h"
#include "kvsim/version.h"

int main(int argc, char** argv) {
  using namespace kvsim;
  CLI::App app{
      "kvsim: how much GPU memory, bandwidth, time and money long-context LLM inference "
      "costs, and which KV strategy and GPU make it cheaper"};
  app.set_version_flag("--version", std::string("kvsim ") + KVSIM_VERSION);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, cli::Runner>> commands;
  auto add = [&](cli::Runner (*adder)(CLI::App&)) {
    cli::Runner r = adder(app);
    commands.emplace_back(app.get_subcommands({}).back(), std::move(r));
  };
  add(cli::add_run);
  add(cli::add_capacity);
  add(cli::add_list);
  add(cli::add_check);
  add(cli::add_predict);
  add(cli::add_validate);
  add(cli::add_calibrate);
  add(cli::add_step);
  add(cli::add_replay);
  add(cli::add_compare);
  add(cli::add_merge);
  add(cli::add_report);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << fmt::format("kvsim: error: {}\nRun 'kvsim --help' for usage.\n", e.what());
    return cli::kExitBadInput;
  }
  try {
    for (auto& [cmd, runner] : commands) {
      if (cmd->parsed()) return runner();
    }
    return cli::kExitBadInput;
  } catch (const core::InputError& e) {
    std::cerr << e.what() << "\n";
    return cli::kExitBadInput;
  } catch (const core::ConfigError& e) {
    std::cerr << fmt::format("kvsim: error: {}: {}\n", e.field(), e.what());
    return cli::kExitBadInput;
  } catch (const core::OverflowError& e) {
    std::cerr << fmt::format("kvsim: error: {}\n", e.what());
    return cli::kExitBadInput;
  } catch (const std::exception& e) {
    std::cerr << fmt::format("kvsim: internal error: {}\n", e.what());
    return cli::kExitFailure;
  }
}
