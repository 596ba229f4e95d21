#pragma once
// Shared pieces of the subcommands. Each subcommand file adds itself to the CLI11 app and returns
// the function that runs it; main.cpp only wires them together and maps errors to exit codes.

#include <CLI/CLI.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "kvsim/core/error.h"
#include "kvsim/core/reader.h"
#include "kvsim/hw/hardware_profile.h"
#include "kvsim/kv/kv_policy.h"
#include "kvsim/model/model_spec.h"
#include "kvsim/perf/parallelism.h"

namespace kvsim::cli {

/// Exit codes (DESIGN.md section 6).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitGateFailed = 3;

using Runner = std::function<int()>;

Runner add_run(CLI::App& app);
Runner add_capacity(CLI::App& app);
Runner add_list(CLI::App& app);
Runner add_check(CLI::App& app);
Runner add_predict(CLI::App& app);
Runner add_validate(CLI::App& app);
Runner add_calibrate(CLI::App& app);
Runner add_step(CLI::App& app);
Runner add_replay(CLI::App& app);
Runner add_compare(CLI::App& app);
Runner add_merge(CLI::App& app);
Runner add_report(CLI::App& app);

/// Flags of `run` and `compare`.
struct RunFlags {
  std::string scenario, out, format, threads, shard, max_points = "256";
  bool yes = false, json = false;

  void add_to(CLI::App& cmd);
};

/// Runs a scenario file (`compare_hardware` non-empty: as a comparison over those GPUs) and writes
/// or prints its reports.
int run_scenario_command(const RunFlags& f, const std::string& command,
                         const std::vector<std::string>& compare_hardware);

/// Location used for errors about command-line flags: "kvsim: error: --flag: ...".
core::SourceLoc flag_loc();
int64_t parse_int_flag(const std::string& flag, const std::string& text, core::IntRange range);
double parse_number_flag(const std::string& flag, const std::string& text, core::Range range);

/// Rethrow a ConfigError as an InputError at the flag that set its field (`flags`: field -> flag).
[[noreturn]] void fail_config(const core::ConfigError& e,
                              const std::map<std::string, std::string>& flags);

/// What runs where: --model, --hardware, --tp, --pp (and --ep where experts matter).
struct DeploymentFlags {
  std::string model, hardware;
  std::string tp = "1", pp = "1", ep = "1";

  void add_to(CLI::App& cmd, bool with_ep);
  model::ModelSpec load_model() const;
  hw::HardwareProfile load_hardware() const;
  perf::Parallelism parallelism() const;
};

/// The KV strategy flags shared by `capacity` and `replay`.
struct KvFlags {
  std::string file;  ///< --kv FILE: a YAML map of KV questions
  std::string attention, precision, retention, window, allocation, block_tokens;
  std::vector<std::string> sharing, tiers;

  void add_to(CLI::App& cmd);
  /// The policy from --kv, then each flag overriding its question. Conflicting flags are errors.
  kv::KvPolicy build() const;
};

}  // namespace kvsim::cli
