#pragma once
// Trimming and time scaling of any request set (a trace or a generated workload).

#include <cstdint>
#include <string>

#include "kvsim/workload/request.h"

namespace kvsim::workload {

struct TraceWindow {
  double start_s = 0;        ///< keep arrivals at or after this (seconds from the first arrival)
  double duration_s = 0;     ///< ... and before start + duration (0 = to the end)
  int64_t max_requests = 0;  ///< then keep at most this many (0 = all)
  double rate_scale = 1;     ///< arrival rate multiplier: 2 halves every gap, 0.5 doubles them

  bool is_identity() const {
    return start_s == 0 && duration_s == 0 && max_requests == 0 && rate_scale == 1;
  }
  std::string describe() const;
};

/// Applies `w` to a finalized set: keeps the window, rebases it to start at 0, scales the arrival
/// times, and renumbers ids. Adds a note saying what was kept. Throws std::invalid_argument for a
/// non-positive rate_scale or negative bounds (callers validate user input first).
void apply_window(RequestSet& set, const TraceWindow& w);

}  // namespace kvsim::workload
