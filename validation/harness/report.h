#pragma once
// kvsim-bench's output: per family, an operator CSV of the measured (and checked) cases with the
// measurement and environment columns; waived.csv lists every case not measured, with the reason.

#include <string>
#include <utility>
#include <vector>

#include "bench.h"

namespace kvbench {

class Report {
 public:
  Report(std::string dir, Environment env) : dir_(std::move(dir)), env_(std::move(env)) {}
  /// Records a case's outcome; returns the progress line for the terminal.
  std::string add(const Case& c, const Outcome& o, std::pair<int, int> clocks_before,
                  std::pair<int, int> clocks_after, size_t index, size_t total);
  /// Writes <dir>/<family>.csv for every family with measured rows, and <dir>/waived.csv; returns
  /// the paths written. Each file is written whole or not at all.
  std::vector<std::string> write() const;

  /// Measurement and environment columns, after the operator columns.
  static const std::vector<std::string>& result_columns();

 private:
  struct Row {
    const Case* c;
    Outcome o;
    std::vector<std::string> results;
  };
  std::string dir_;
  Environment env_;
  std::vector<Row> rows_;
};

}  // namespace kvbench
