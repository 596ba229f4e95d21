#pragma once
// Renders validation results: JSON (machines), Markdown (people, PR comments), and a terminal
// summary. Optionally compares two results on the same rows (before / after calibration).

#include <string>
#include <vector>

#include "kvsim/core/json.h"
#include "kvsim/perf/validation.h"

namespace kvsim::report {

/// `detailed` adds the worst rows with their file and shape, and the roofline table (kvsim
/// validate); calibration reports leave them out.
core::Json validation_json(const perf::ValidationResult& r,
                           const perf::ValidationResult* before = nullptr, bool detailed = false);
std::string validation_markdown(const perf::ValidationResult& r,
                                const perf::ValidationResult* before = nullptr,
                                size_t worst_rows = 15, bool detailed = false);

/// Rows sorted by |log(predicted / measured)|, worst first, at most `n`.
std::vector<const perf::Sample*> worst_samples(const perf::ValidationResult& r, size_t n);

/// A roofline in table form: per family and decade of arithmetic intensity (FLOP per byte of
/// HBM/host/link traffic), the median achieved rate, measured and predicted (TFLOP/s, or GB/s for
/// operators without arithmetic).
std::string roofline_markdown(const perf::ValidationResult& r);
core::Json roofline_json(const perf::ValidationResult& r);
std::string validation_summary(const perf::ValidationResult& r);

}  // namespace kvsim::report
