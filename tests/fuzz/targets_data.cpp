// Fuzz targets for the data files: every trace format (forced, and auto-detected), the operator
// CSV of `kvsim predict` and the measurement CSV of `kvsim validate` / `kvsim calibrate`.

#include <sstream>
#include <string>

#include "kvsim/hw/hardware_profile.h"
#include "kvsim/perf/predict.h"
#include "kvsim/perf/validation.h"
#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_window.h"
#include "targets.h"

namespace kvsim::fuzz {

// As `kvsim replay --trace`: read (from memory), then window and scale the arrivals.
void trace(std::string_view input, const char* format) {
  std::istringstream in{std::string(input)};
  workload::RequestSet set = workload::read_trace(in, "fuzz.trace", format);
  workload::TraceWindow w;
  w.rate_scale = 0.01;
  w.max_requests = 1000;
  workload::apply_window(set, w);
}

void operator_csv(std::string_view input) {
  std::istringstream in{std::string(input)};
  const perf::PredictedCsv out = perf::predict_operator_csv(in, "fuzz_ops.csv", h100());
  (void)out;
}

void measurement_csv(std::string_view input) {
  std::istringstream in{std::string(input)};
  const perf::ValidationResult r = perf::validate_measurements(in, "fuzz_measured.csv", h100());
  (void)r;
}

}  // namespace kvsim::fuzz
