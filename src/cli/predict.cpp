// kvsim predict --hardware H --ops OPS.csv [--out FILE]: the predicted time of each operator row.
// Output: the input columns plus predicted_us and bound. Every row must be valid (exit 2 naming
// the row and column otherwise); nothing is written until all rows are predicted.

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <memory>

#include "cli.h"
#include "kvsim/core/files.h"
#include "kvsim/perf/operator.h"

namespace kvsim::cli {
namespace {

struct PredictFlags {
  std::string hardware = "h100-sxm";
  std::string ops;
  std::string out;
};

// CSV field, quoted when it holds a comma, quote or newline.
void append_field(std::string& line, const std::string& v) {
  if (v.find_first_of(",\"\n\r") == std::string::npos) {
    line += v;
    return;
  }
  line += '"';
  for (char c : v)
    line += c == '"' ? std::string("\"\"") : std::string(1, c);
  line += '"';
}

int run_predict(const PredictFlags& f) {
  const hw::HardwareProfile hw = hw::load_hardware(f.hardware, flag_loc(), "--hardware");
  std::ifstream in(f.ops, std::ios::binary);
  if (!in) core::fail_at(core::SourceLoc::of(f.ops), "cannot open file");
  core::CsvReader csv(in, f.ops);
  if (!csv.column("op"))
    core::fail_at(core::SourceLoc::of(f.ops, 1), "the header has no 'op' column");
  // Input columns pass through; predicted_us and bound are (re)written.
  std::vector<size_t> keep;
  std::string out;
  for (size_t i = 0; i < csv.header().size(); ++i) {
    const std::string& h = csv.header()[i];
    if (h == "predicted_us" || h == "bound") continue;
    if (!out.empty()) out += ',';
    append_field(out, h);
    keep.push_back(i);
  }
  out += ",predicted_us,bound\n";
  size_t rows = 0;
  while (csv.next()) {
    const perf::Operator op = perf::parse_operator(csv);
    perf::OpCost c;
    try {
      c = perf::operator_cost(op, hw);
    } catch (const core::ConfigError& e) {
      csv.fail(e.field(), e.what());
    }
    for (size_t j = 0; j < keep.size(); ++j) {
      if (j) out += ',';
      append_field(out, csv.row()[keep[j]]);
    }
    out += fmt::format(",{:.4f},{}\n", c.seconds * 1e6, perf::to_string(c.bound));
    ++rows;
  }
  if (rows == 0) core::fail_at(core::SourceLoc::of(f.ops), "no operator rows after the header");
  if (f.out.empty()) {
    std::cout << out;
  } else {
    core::write_file_atomic(f.out, out);
    std::cerr << fmt::format("predicted {} rows -> {}\n", rows, f.out);
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
