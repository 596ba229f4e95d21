#include "kvsim/scenario/slo.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "kvsim/core/reader.h"

namespace kvsim::scenario {

SloSpec parse_slo(const core::Doc& node, const std::string& path) {
  core::MapReader m(node, path);
  SloSpec s;
  s.loc = node.loc;
  const core::Range pct{0.0, 100.0, true};
  s.ttft_s = m.maybe_number("ttft_s", core::Range::positive()).value_or(0);
  s.ttft_percentile = m.maybe_number("ttft_percentile", pct).value_or(99);
  s.tpot_s = m.maybe_number("tpot_s", core::Range::positive()).value_or(0);
  s.tpot_percentile = m.maybe_number("tpot_percentile", pct).value_or(99);
  m.finish();
  if (!s.any()) m.fail_here("give at least one limit (ttft_s, tpot_s)");
  return s;
}

double percentile(std::vector<double>& v, double pct) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = pct / 100.0 * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = pos - static_cast<double>(lo);
  if (frac == 0) return v[lo];
  if (std::isinf(v[hi])) return v[hi];  // interpolating towards a dropped request
  return v[lo] + frac * (v[hi] - v[lo]);
}

SloResult evaluate_slo(const SloSpec& slo, const serve::ReplayResult& r) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> ttft, tpot;
  SloResult out;
  for (const serve::RequestRecord& q : r.requests) {
    if (q.dropped != serve::DropReason::none || q.finish_s < 0) {
      ttft.push_back(kInf);
      tpot.push_back(kInf);
      continue;
    }
    const double t1 = q.first_token_s - q.arrival_s;
    ttft.push_back(t1);
    double t2 = 0;
    if (q.generated > 1) {
      t2 = (q.finish_s - q.first_token_s) / static_cast<double>(q.generated - 1);
      tpot.push_back(t2);
    }
    if ((slo.ttft_s <= 0 || t1 <= slo.ttft_s) && (slo.tpot_s <= 0 || t2 <= slo.tpot_s))
      ++out.within;
  }
  auto at = [](std::vector<double>& v, double pct) -> std::optional<double> {
    if (v.empty()) return std::nullopt;
    const double x = percentile(v, pct);
    return std::isinf(x) ? std::nullopt : std::optional<double>(x);
  };
  out.ttft_s = at(ttft, slo.ttft_percentile);
  out.tpot_s = at(tpot, slo.tpot_percentile);
  if (!slo.any()) {
    out.met = r.dropped == 0 && !r.requests.empty();
  } else {
    out.met = true;
    if (slo.ttft_s > 0) out.met = out.met && out.ttft_s && *out.ttft_s <= slo.ttft_s;
    if (slo.tpot_s > 0 && !tpot.empty())
      out.met = out.met && out.tpot_s && *out.tpot_s <= slo.tpot_s;
  }
  return out;
}

}  // namespace kvsim::scenario
