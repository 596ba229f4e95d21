#include "kvsim/perf/predict.h"

#include <fmt/format.h>

#include "kvsim/core/csv.h"
#include "kvsim/perf/operator.h"

namespace kvsim::perf {
namespace {

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

}  // namespace

PredictedCsv predict_operator_csv(std::istream& in, const std::string& path,
                                  const hw::HardwareProfile& hw) {
  core::CsvReader csv(in, path);
  if (!csv.column("op"))
    core::fail_at(core::SourceLoc::of(path, 1), "the header has no 'op' column");
  // Input columns pass through; predicted_us and bound are (re)written.
  std::vector<size_t> keep;
  PredictedCsv result;
  std::string& out = result.csv;
  for (size_t i = 0; i < csv.header().size(); ++i) {
    const std::string& h = csv.header()[i];
    if (h == "predicted_us" || h == "bound") continue;
    if (!out.empty()) out += ',';
    append_field(out, h);
    keep.push_back(i);
  }
  out += ",predicted_us,bound\n";
  while (csv.next()) {
    const Operator op = parse_operator(csv);
    OpCost c;
    try {
      c = operator_cost(op, hw);
    } catch (const core::ConfigError& e) {
      csv.fail(e.field(), e.what());
    }
    for (size_t j = 0; j < keep.size(); ++j) {
      if (j) out += ',';
      append_field(out, csv.row()[keep[j]]);
    }
    out += fmt::format(",{:.4f},{}\n", c.seconds * 1e6, to_string(c.bound));
    ++result.rows;
  }
  if (result.rows == 0)
    core::fail_at(core::SourceLoc::of(path), "no operator rows after the header");
  return result;
}

}  // namespace kvsim::perf
