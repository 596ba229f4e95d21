#pragma once
// `kvsim predict` as a function: an operator CSV in, the same rows with predicted_us and bound
// out (DESIGN.md section 6).

#include <istream>
#include <string>

#include "kvsim/hw/hardware_profile.h"

namespace kvsim::perf {

struct PredictedCsv {
  std::string csv;  ///< the input columns (except old predicted_us and bound), then the two
  size_t rows = 0;
};

/// Predicts every row of the operator CSV `in` (`path` names it in errors) on `hw`. Any bad row,
/// or a setting the hardware cannot run, is an InputError naming its line and column; a file
/// without an 'op' column or without rows is an InputError too.
PredictedCsv predict_operator_csv(std::istream& in, const std::string& path,
                                  const hw::HardwareProfile& hw);

}  // namespace kvsim::perf
