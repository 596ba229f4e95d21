// kvsim validate --measurements FILE.csv [--hardware H] [--split S] [--out DIR]: predicted vs
// measured. Prints a summary; writes validation.json and validation.md into DIR when given.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/files.h"
#include "kvsim/report/validation_report.h"

namespace kvsim::cli {
namespace {

struct ValidateFlags {
  std::string measurements;
  std::string hardware = "h100-sxm";
  std::string split;
  std::string out;
  std::string before;  ///< another profile to compare against on the same rows
};

int run_validate(const ValidateFlags& f) {
  const hw::HardwareProfile hw = hw::load_hardware(f.hardware, flag_loc(), "--hardware");
  perf::ValidationResult r = perf::validate_measurements(f.measurements, hw, f.split);
  if (r.samples.empty()) {
    core::fail_at(
        core::SourceLoc::of(f.measurements),
        fmt::format("no usable rows ({} rejected{})", r.rejected.size(),
                    r.rejected.empty() ? ""
                                       : "; first: line " + std::to_string(r.rejected[0].line) +
                                             ": " + r.rejected[0].reason));
  }
  std::unique_ptr<perf::ValidationResult> before;
  if (!f.before.empty()) {
    before = std::make_unique<perf::ValidationResult>(r);
    perf::repredict(*before, hw::load_hardware(f.before, flag_loc(), "--before"));
  }
  std::cout << report::validation_summary(r);
  if (!f.out.empty()) {
    core::write_file_atomic(f.out + "/validation.json",
                            report::validation_json(r, before.get()).dump());
    core::write_file_atomic(f.out + "/validation.md", report::validation_markdown(r, before.get()));
    std::cout << fmt::format("wrote {0}/validation.json and {0}/validation.md\n", f.out);
  }
  return kExitOk;
}

}  // namespace

Runner add_validate(CLI::App& app) {
  auto f = std::make_shared<ValidateFlags>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Compare predictions with measured operator times");
  cmd->add_option("--measurements", f->measurements, "operator CSV with a measured_us column")
      ->required();
  cmd->add_option("--hardware", f->hardware,
                  "built-in hardware name or profile path (default h100-sxm)");
  cmd->add_option("--split", f->split,
                  "use only rows whose 'split' column has this value (e.g. heldout)");
  cmd->add_option("--before", f->before, "also predict with this profile and report the change");
  cmd->add_option("--out", f->out, "directory for validation.json and validation.md");
  return [f] { return run_validate(*f); };
}

}  // namespace kvsim::cli
