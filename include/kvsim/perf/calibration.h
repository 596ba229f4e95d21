#pragma once
// Fitting a profile's efficiencies and kernel shape terms to measured operator times.
//
// Rows are grouped by what determines them: GEMMs (with the elementwise quantisation kernels when
// present), each decode-attention kernel path, collectives, prefill attention. Each group is fitted
// independently: a Nelder-Mead search on a deterministic subsample, then a robust Levenberg-
// Marquardt polish on every row of the group, minimising sum sqrt(log(pred/meas)^2 + 0.01^2).
// Parameters are fitted in transformed coordinates so they stay physical: fractions of peak in
// (0, 1], positive sizes and times, overlap exponents >= 1. The profile's global efficiencies are
// then set from the fits (HBM from GEMM weight streaming, tensor per dtype from GEMM compute,
// launch floor from the smallest GEMM, scale-up link from collectives).

#include <string>
#include <vector>

#include "kvsim/perf/validation.h"

namespace kvsim::perf {

struct FitReport {
  std::string group;
  size_t rows = 0;
  double loss_before = 0;  ///< mean pseudo-Huber log error
  double loss_after = 0;
  std::vector<std::pair<std::string, double>> params;  ///< fitted values, in the YAML units
};

struct CalibrationOptions {
  int max_evaluations = 6000;  ///< Nelder-Mead budget per group
  size_t subsample = 3000;     ///< rows per group for the simplex search
  std::string sources;         ///< description of the measurement files, for the profile's note
};

struct Calibration {
  hw::HardwareProfile profile;
  std::vector<FitReport> fits;
};

Calibration calibrate(const std::vector<Sample>& samples, const hw::HardwareProfile& start,
                      const CalibrationOptions& options);

/// `original` (a profile's YAML text) with its top-level `efficiency:` and `kernels:` sections
/// replaced by the calibrated ones; the rest (figures, sources, notes) is kept verbatim.
std::string calibrated_profile_yaml(const std::string& original, const hw::HardwareProfile& fitted);

}  // namespace kvsim::perf
