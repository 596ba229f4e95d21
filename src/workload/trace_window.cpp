#include "kvsim/workload/trace_window.h"

#include <fmt/format.h>

#include <limits>
#include <stdexcept>

namespace kvsim::workload {

std::string TraceWindow::describe() const {
  std::string s;
  if (start_s > 0) s += fmt::format(" from {:g} s", start_s);
  if (duration_s > 0) s += fmt::format(" for {:g} s", duration_s);
  if (max_requests > 0) s += fmt::format(", first {} requests", max_requests);
  if (rate_scale != 1) s += fmt::format(", rate x{:g}", rate_scale);
  return s.empty() ? "whole trace" : s.substr(s[0] == ',' ? 2 : 1);
}

void apply_window(RequestSet& set, const TraceWindow& w) {
  if (!(w.rate_scale > 0) || w.start_s < 0 || w.duration_s < 0 || w.max_requests < 0) {
    throw std::invalid_argument("trace window: rate_scale must be > 0 and bounds >= 0");
  }
  if (w.is_identity()) return;
  const size_t before = set.requests.size();
  const double end =
      w.duration_s > 0 ? w.start_s + w.duration_s : std::numeric_limits<double>::infinity();
  std::vector<Request> kept;
  for (const Request& r : set.requests) {
    if (r.arrival_s < w.start_s || r.arrival_s >= end) continue;
    if (w.max_requests > 0 && static_cast<int64_t>(kept.size()) >= w.max_requests) break;
    kept.push_back(r);
  }
  const double origin = kept.empty() ? 0 : kept.front().arrival_s;
  for (size_t i = 0; i < kept.size(); ++i) {
    kept[i].arrival_s = (kept[i].arrival_s - origin) / w.rate_scale;
    kept[i].id = static_cast<int64_t>(i);
  }
  set.requests = std::move(kept);
  set.notes.push_back(
      fmt::format("kept {} of {} requests ({})", set.requests.size(), before, w.describe()));
}

}  // namespace kvsim::workload
