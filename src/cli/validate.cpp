// kvsim validate --measurements FILE.csv [...] [--hardware H] [--split S] [--out DIR] [--name N]:
// predicted vs measured over one or more files. Prints a summary; writes N.json and N.md (default
// validation.*) into DIR when given, with the worst rows and the roofline table.

#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/files.h"
#include "kvsim/report/validation_report.h"

namespace kvsim::cli {
namespace {

struct ValidateFlags {
  std::vector<std::string> measurements;
  std::string hardware = "h100-sxm";
  std::string split;
  std::string out;
  std::string name = "validation";
  std::string before;  ///< another profile to compare against on the same rows
};

int run_validate(const ValidateFlags& f) {
  const hw::HardwareProfile hw = hw::load_hardware(f.hardware, flag_loc(), "--hardware");
  perf::ValidationResult r = perf::validate_measurements(f.measurements, hw, f.split);
  if (r.samples.empty()) {
    core::fail_at(
        core::SourceLoc::of(f.measurements.front()),
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
    const std::string base = f.out + "/" + f.name;
    core::write_file_atomic(base + ".json", report::validation_json(r, before.get(), true).dump());
    core::write_file_atomic(base + ".md", report::validation_markdown(r, before.get(), 15, true));
    std::cout << fmt::format("wrote {0}.json and {0}.md\n", base);
  }
  return kExitOk;
}

}  // namespace

Runner add_validate(CLI::App& app) {
  auto f = std::make_shared<ValidateFlags>();
  CLI::App* cmd =
      app.add_subcommand("validate", "Compare predictions with measured operator times");
  cmd->add_option("--measurements", f->measurements,
                  "operator CSV(s) with a measured_us column (repeatable)")
      ->required();
  cmd->add_option("--hardware", f->hardware,
                  "built-in hardware name or profile path (default h100-sxm)");
  cmd->add_option("--split", f->split,
                  "use only rows whose 'split' column has this value (e.g. heldout)");
  cmd->add_option("--before", f->before, "also predict with this profile and report the change");
  cmd->add_option("--out", f->out, "directory for the JSON and Markdown reports");
  cmd->add_option("--name", f->name, "base name of the reports in --out (default validation)")
      ->check([](const std::string& v) {
        return v.empty() || v.find_first_of("/\\") != std::string::npos
                   ? std::string("a file name without directories")
                   : std::string();
      });
  return [f] { return run_validate(*f); };
}

}  // namespace kvsim::cli
