#pragma once
// Predicted-vs-measured error statistics (kvsim validate, kvsim calibrate).

#include <istream>
#include <map>
#include <string>
#include <vector>

#include "kvsim/perf/operator.h"

namespace kvsim::perf {

/// One usable measurement row and its prediction.
struct Sample {
  std::string file;  ///< the measurement file it came from
  int line = 0;
  std::string family;
  std::string bound;
  /// Which kernel path a decode-attention row takes (tensor_core, cuda_core, or
  /// cuda_core_split when the CUDA-core kernel splits the KV); empty for other operators.
  std::string kernel;
  double measured_s = 0;
  double predicted_s = 0;
  double flops = 0;  ///< the operator's useful work (all engines)
  double bytes = 0;  ///< its HBM, host and link bytes (the roofline's memory traffic)
  Operator op;
};

/// A row `validate` could not use, and why.
struct Rejected {
  std::string file;
  int line = 0;
  std::string reason;
};

struct ErrorStats {
  size_t n = 0;
  double mape = 0;        ///< mean |predicted/measured - 1|, percent
  double median_abs = 0;  ///< percent
  double p90_abs = 0;     ///< percent
  double bias = 0;        ///< median signed error, percent (positive: over-predicts)
  double spearman = 0;    ///< rank correlation of predicted and measured
};

ErrorStats error_stats(const std::vector<const Sample*>& samples);
/// Spearman's rho with average ranks for ties; 0 when fewer than two values.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

struct ValidationResult {
  std::string hardware;
  std::string measurements;
  std::string split;  ///< the `split` value rows were filtered to ("" = all rows)
  std::vector<Sample> samples;
  std::vector<Rejected> rejected;
  ErrorStats overall;
  std::map<std::string, ErrorStats> by_family;
  std::map<std::string, ErrorStats> by_bound;   ///< key "family/bound"
  std::map<std::string, ErrorStats> by_size;    ///< key "family/size bucket"
  std::map<std::string, ErrorStats> by_kernel;  ///< key "family/kernel" (decode attention)
};

/// Read a measurement CSV (operator columns + measured_us), predict every row on `hw`, and
/// collect statistics. Rows that cannot be used are rejected with a reason, never dropped
/// silently. A malformed file (bad header, garbled rows) is an InputError.
ValidationResult validate_measurements(const std::string& path, const hw::HardwareProfile& hw,
                                       const std::string& split = "");
/// The same from a stream; `path` names it in errors.
ValidationResult validate_measurements(std::istream& in, const std::string& path,
                                       const hw::HardwareProfile& hw,
                                       const std::string& split = "");
/// Several files as one result (rows keep their file); `measurements` lists them.
ValidationResult validate_measurements(const std::vector<std::string>& paths,
                                       const hw::HardwareProfile& hw,
                                       const std::string& split = "");
/// Recompute predictions and statistics of existing samples on another profile.
void repredict(ValidationResult& r, const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
