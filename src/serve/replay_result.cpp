#include "kvsim/serve/replay_result.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kvsim/core/big_vector.h"

namespace kvsim::serve {

const char* to_string(DropReason r) {
  switch (r) {
    case DropReason::none:
      return "none";
    case DropReason::exceeds_context:
      return "exceeds_context";
    case DropReason::exceeds_memory:
      return "exceeds_memory";
  }
  return "?";
}

namespace {

/// Places the order statistics ranks[r0, r1) (sorted, all within [lo, hi)) of v[lo, hi) at their
/// positions.
void select_ranks(std::vector<double>& v, size_t lo, size_t hi, const std::vector<size_t>& ranks,
                  size_t r0, size_t r1) {
  if (r0 >= r1) return;
  const size_t mid = r0 + (r1 - r0) / 2, at = ranks[mid];
  std::nth_element(v.begin() + static_cast<std::ptrdiff_t>(lo),
                   v.begin() + static_cast<std::ptrdiff_t>(at),
                   v.begin() + static_cast<std::ptrdiff_t>(hi));
  select_ranks(v, lo, at, ranks, r0, mid);
  select_ranks(v, at + 1, hi, ranks, mid + 1, r1);
}

}  // namespace

Distribution distribution_of(std::vector<double>& v) {
  Distribution d;
  d.n = v.size();
  if (v.empty()) return d;
  d.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
  // Only the order statistics the quantiles interpolate between are needed: select them by
  // recursive partitioning around the middle wanted rank (O(n log k) for k ranks, not a sort).
  const std::vector<double>& fractions = cdf_fractions();
  std::vector<double> wanted = fractions;
  wanted.insert(wanted.end(), {0.5, 0.9, 0.99});
  std::vector<size_t> ranks;
  const double last = static_cast<double>(v.size() - 1);
  for (double p : wanted) {
    const auto lo = static_cast<size_t>(std::floor(p * last));
    ranks.push_back(lo);
    ranks.push_back(std::min(lo + 1, v.size() - 1));
  }
  std::sort(ranks.begin(), ranks.end());
  ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
  select_ranks(v, 0, v.size(), ranks, 0, ranks.size());
  auto q = [&v, last](double p) {
    const double pos = p * last;
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  d.p50 = q(0.5);
  d.p90 = q(0.9);
  d.p99 = q(0.99);
  d.max = q(1.0);
  for (double f : fractions)
    d.cdf.emplace_back(q(f), f);
  return d;
}

const std::vector<double>& cdf_fractions() {
  static const std::vector<double> fractions = [] {
    std::vector<double> f;
    for (int k = 0; k < 40; ++k)
      f.push_back(k / 40.0);
    for (double tail : {0.99, 0.999, 1.0})
      f.push_back(tail);
    return f;
  }();
  return fractions;
}

bool ReplayResult::invariants_ok() const {
  return std::all_of(invariants.begin(), invariants.end(), [](const Invariant& i) { return i.ok; });
}

}  // namespace kvsim::serve

namespace kvsim::serve {

namespace {

void check(ReplayResult& res, std::string name, bool ok, std::string detail) {
  res.invariants.push_back(Invariant{std::move(name), ok, ok ? std::string() : std::move(detail)});
}

}  // namespace

void summarize(ReplayResult& res, double slo_ttft_s, double slo_tpot_s, double hbm_peak_bytes_s) {
  std::vector<double> ttft, tpot, e2e, queueing;
  for (auto* v : {&ttft, &tpot, &e2e, &queueing})
    core::reserve_big(*v, res.requests.size());
  int64_t unaccounted = 0, short_changed = 0, out_of_order = 0, good = 0;
  double input = 0, output = 0, last_finish = 0;
  int64_t requested = 0, generated = 0;
  std::string first_bad;
  for (size_t i = 0; i < res.requests.size(); ++i) {
    const RequestRecord& r = res.requests[i];
    if (r.dropped != DropReason::none) {
      ++res.dropped;
      ++res.dropped_by_reason[static_cast<size_t>(r.dropped)];
      continue;
    }
    if (r.finish_s < 0) {
      if (unaccounted++ == 0)
        first_bad = fmt::format("request {} neither completed nor dropped", i);
      continue;
    }
    ++res.completed;
    requested += r.output_tokens;
    generated += r.generated;
    if (r.generated != r.output_tokens) ++short_changed;
    if (!(r.arrival_s <= r.first_scheduled_s && r.first_scheduled_s <= r.first_token_s &&
          r.first_token_s <= r.finish_s)) {
      ++out_of_order;
    }
    const double t1 = r.first_token_s - r.arrival_s;
    ttft.push_back(t1);
    e2e.push_back(r.finish_s - r.arrival_s);
    queueing.push_back(r.first_scheduled_s - r.arrival_s);
    double t2 = 0;
    if (r.generated > 1) {
      t2 = (r.finish_s - r.first_token_s) / static_cast<double>(r.generated - 1);
      tpot.push_back(t2);
    }
    if ((slo_ttft_s <= 0 || t1 <= slo_ttft_s) && (slo_tpot_s <= 0 || t2 <= slo_tpot_s)) ++good;
    input += static_cast<double>(r.input_tokens);
    output += static_cast<double>(r.generated);
    last_finish = std::max(last_finish, r.finish_s);
  }
  res.ttft = distribution_of(ttft);
  res.tpot = distribution_of(tpot);
  res.e2e = distribution_of(e2e);
  res.queueing = distribution_of(queueing);
  res.makespan_s = last_finish;
  if (last_finish > 0) {
    res.input_tokens_per_s = input / last_finish;
    res.output_tokens_per_s = output / last_finish;
    res.requests_per_s = static_cast<double>(res.completed) / last_finish;
    res.goodput_requests_per_s = static_cast<double>(good) / last_finish;
  }
  res.slo_attainment =
      res.completed > 0 ? static_cast<double>(good) / static_cast<double>(res.completed) : 0;
  if (res.busy_s > 0 && hbm_peak_bytes_s > 0)
    res.hbm_utilization = res.hbm_bytes / (res.busy_s * hbm_peak_bytes_s);

  check(res, "every request completed or dropped with a reason",
        unaccounted == 0 && res.arrived == res.completed + res.dropped,
        fmt::format("{} unaccounted ({}); arrived {} != completed {} + dropped {}", unaccounted,
                    first_bad, res.arrived, res.completed, res.dropped));
  check(res, "tokens generated = tokens requested", short_changed == 0 && generated == requested,
        fmt::format("{} requests off; generated {} of {}", short_changed, generated, requested));
  check(res, "arrival <= scheduled <= first token <= finish", out_of_order == 0,
        fmt::format("{} requests out of order", out_of_order));
  check(res, "KV within budget", res.peak_kv_bytes <= res.kv_budget_bytes * (1 + 1e-9) + 1,
        fmt::format("peak {:.0f} B over the {:.0f} B budget", res.peak_kv_bytes,
                    res.kv_budget_bytes));
}

}  // namespace kvsim::serve
