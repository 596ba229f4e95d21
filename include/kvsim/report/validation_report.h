#pragma once
// Renders validation results: JSON (machines), Markdown (people, PR comments), and a terminal
// summary. Optionally compares two results on the same rows (before / after calibration).

#include <string>

#include "kvsim/core/json.h"
#include "kvsim/perf/validation.h"

namespace kvsim::report {

core::Json validation_json(const perf::ValidationResult& r,
                           const perf::ValidationResult* before = nullptr);
std::string validation_markdown(const perf::ValidationResult& r,
                                const perf::ValidationResult* before = nullptr,
                                size_t worst_rows = 15);
std::string validation_summary(const perf::ValidationResult& r);

}  // namespace kvsim::report
