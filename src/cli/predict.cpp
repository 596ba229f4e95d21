// kvsim predict --hardware H --ops OPS.csv [--out FILE]: the predicted time of each operator row.
// Output: the input columns plus predicted_us and bound. Every row must be valid (exit 2 naming
// the row and column otherwise); nothing is written until all rows are predicted.

#include "kvsim/perf/predict.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/files.h"

namespace kvsim::cli {
namespace {

struct PredictFlags {
  std::string hardware = "h100-sxm";
  std::string ops;
  std::string out;
};

int run_predict(const PredictFlags& f) {
  const hw::HardwareProfile hw = hw::load_hardware(f.hardware, flag_loc(), "--hardware");
  std::ifstream in(f.ops, std::ios::binary);
  if (!in) core::fail_at(core::SourceLoc::of(f.ops), "cannot open file");
  const perf::PredictedCsv p = perf::predict_operator_csv(in, f.ops, hw);
  if (f.out.empty()) {
    std::cout << p.csv;
  } else {
    core::write_file_atomic(f.out, p.csv);
    std::cerr << fmt::format("predicted {} rows -> {}\n", p.rows, f.out);
  }
  return kExitOk;
}

}  // namespace

Runner add_predict(CLI::App& app) {
  auto f = std::make_shared<PredictFlags>();
  CLI::App* cmd = app.add_subcommand("predict", "Predict the time of each row of an operator CSV");
  cmd->add_option("--hardware", f->hardware,
                  "built-in hardware name or profile path (default h100-sxm)");
  cmd->add_option("--ops", f->ops, "operator CSV (DESIGN.md section 6)")->required();
  cmd->add_option("--out", f->out, "output CSV (default: standard output)");
  return [f] { return run_predict(*f); };
}

}  // namespace kvsim::cli
