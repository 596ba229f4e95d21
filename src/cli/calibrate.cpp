// kvsim calibrate --measurements FILE.csv [...] --hardware H --out PROFILE.yaml: fit a profile's
// efficiencies and kernel shape terms to measured operator times. With a `split` column, rows of
// --split (default fit) are fitted and rows of --heldout (default heldout) are reported before and
// after calibration (--report DIR writes calibration.json and calibration.md).

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/files.h"
#include "kvsim/core/resources.h"
#include "kvsim/perf/calibration.h"
#include "kvsim/report/validation_report.h"

namespace kvsim::cli {
namespace {

struct CalibrateFlags {
  std::vector<std::string> measurements;
  std::string hardware;
  std::string out;
  std::string split = "fit";
  std::string heldout = "heldout";
  std::string report;
  std::string evaluations = "6000";
};

std::string profile_text(const std::string& name_or_path) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(name_or_path, ec)) return core::read_text_file(name_or_path);
  const core::Resource* r = core::find_builtin("hardware_profiles/" + name_or_path + ".yaml");
  if (!r) core::fail_at(flag_loc(), "--hardware: cannot find the profile's text");
  return std::string(r->text);
}

bool has_column(const std::string& path, const std::string& column) {
  std::ifstream in(path, std::ios::binary);
  core::CsvReader csv(in, path);
  return csv.column(column).has_value();
}

int run_calibrate(const CalibrateFlags& f) {
  const hw::HardwareProfile start = hw::load_hardware(f.hardware, flag_loc(), "--hardware");
  perf::CalibrationOptions opt;
  opt.max_evaluations = static_cast<int>(
      parse_int_flag("--max-evaluations", f.evaluations, core::IntRange{30, 1000000}));
  std::vector<perf::Sample> samples;
  std::vector<std::string> names;
  for (const auto& m : f.measurements) {
    const std::string split = has_column(m, "split") ? f.split : "";
    perf::ValidationResult r = perf::validate_measurements(m, start, split);
    for (const auto& x : r.rejected)
      std::cerr << fmt::format("{}:{}: rejected: {}\n", m, x.line, x.reason);
    std::cout << fmt::format("{}: {} rows{}\n", m, r.samples.size(),
                             split.empty() ? "" : " (split " + split + ")");
    names.push_back(std::filesystem::path(m).filename().string());
    samples.insert(samples.end(), r.samples.begin(), r.samples.end());
  }
  if (samples.empty()) core::fail_at(flag_loc(), "--measurements: no usable rows to fit");
  opt.sources = fmt::format("{}", fmt::join(names, ", "));
  const perf::Calibration cal = perf::calibrate(samples, start, opt);
  for (const auto& fit : cal.fits) {
    std::cout << fmt::format("  {:<28} {:>6} rows  loss {:.4f} -> {:.4f}\n", fit.group, fit.rows,
                             fit.loss_before, fit.loss_after);
  }
  const std::string yaml = perf::calibrated_profile_yaml(profile_text(f.hardware), cal.profile);
  hw::parse_hardware_profile(
      core::parse_yaml(yaml, f.out));  // never write a profile that does not load
  core::write_file_atomic(f.out, yaml);
  std::cout << fmt::format("wrote {}\n", f.out);

  if (!f.report.empty()) {
    const hw::HardwareProfile fitted = hw::parse_hardware_profile(core::parse_yaml(yaml, f.out));
    core::Json all = core::Json::object();
    std::string md =
        fmt::format("# Calibration of {} (held-out split `{}`)\n\n", start.name, f.heldout);
    for (const auto& m : f.measurements) {
      if (!has_column(m, "split")) continue;
      perf::ValidationResult before = perf::validate_measurements(m, start, f.heldout);
      perf::ValidationResult after = before;
      perf::repredict(after, fitted);
      all.set(std::filesystem::path(m).filename().string(),
              report::validation_json(after, &before));
      md += report::validation_markdown(after, &before, 10) + "\n";
    }
    core::Json fits = core::Json::array();
    for (const auto& fit : cal.fits) {
      core::Json params = core::Json::object();
      for (const auto& [k, v] : fit.params)
        params.set(k, v);
      fits.push(core::Json::object()
                    .set("group", fit.group)
                    .set("rows", static_cast<int64_t>(fit.rows))
                    .set("loss_before", fit.loss_before)
                    .set("loss_after", fit.loss_after)
                    .set("params", std::move(params)));
    }
    all.set("fits", std::move(fits));
    core::write_file_atomic(f.report + "/calibration.json", all.dump());
    core::write_file_atomic(f.report + "/calibration.md", md);
    std::cout << fmt::format("wrote {0}/calibration.json and {0}/calibration.md\n", f.report);
  }
  return kExitOk;
}

}  // namespace

Runner add_calibrate(CLI::App& app) {
  auto f = std::make_shared<CalibrateFlags>();
  CLI::App* cmd =
      app.add_subcommand("calibrate", "Fit a profile's efficiencies to measured operator times");
  cmd->add_option("--measurements", f->measurements,
                  "operator CSV(s) with measured_us (repeatable)")
      ->required();
  cmd->add_option("--hardware", f->hardware, "starting profile: built-in name or path")->required();
  cmd->add_option("--out", f->out, "where to write the calibrated profile YAML")->required();
  cmd->add_option("--split", f->split,
                  "fit rows whose 'split' column has this value (default fit)");
  cmd->add_option("--heldout", f->heldout,
                  "report rows whose 'split' column has this value (default heldout)");
  cmd->add_option("--report", f->report, "directory for calibration.json and calibration.md");
  cmd->add_option("--max-evaluations", f->evaluations,
                  "simplex evaluations per group (default 6000)");
  return [f] { return run_calibrate(*f); };
}

}  // namespace kvsim::cli
