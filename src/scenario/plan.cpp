#include "kvsim/scenario/plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "kvsim/core/doc_ops.h"
#include "kvsim/core/parallel.h"
#include "kvsim/core/reader.h"
#include "kvsim/scenario/point_run.h"
#include "kvsim/scenario/scenario.h"

namespace kvsim::scenario {
namespace {

constexpr double kMinScale = 1.0 / 1024;

struct Probe {
  int64_t tp = 0, replicas = 0, gpus = 0;
  double rate_scale = 1;
  std::string error;
  bool met = false;
  std::optional<double> ttft_s, tpot_s, usd_per_mtok;
  double usd_per_hour = 0;
};

core::Json opt(const std::optional<double>& v) {
  return v ? core::Json(*v) : core::Json();
}

class Evaluator {
 public:
  Evaluator(const Scenario& base, std::shared_ptr<const workload::RequestSet> reqs)
      : base_(base), reqs_(std::move(reqs)) {}

  Probe run(int64_t tp, int64_t replicas, double rate_scale) const {
    Probe p;
    p.tp = tp;
    p.replicas = replicas;
    p.rate_scale = rate_scale;
    p.gpus = tp * base_.parallelism.pp * replicas;
    Scenario s = base_;
    if (s.parallelism.ep == s.parallelism.tp && s.parallelism.ep > 1) s.parallelism.ep = tp;
    s.parallelism.tp = tp;
    core::set_doc_path(s.engine_doc, {"replicas"},
                       core::Doc::scalar(std::to_string(replicas), s.engine_loc), s.engine_loc,
                       "engine.replicas");
    try {
      const ReplayOutcome o = replay_point(s, reqs_, rate_scale);
      p.met = o.slo.met;
      p.ttft_s = o.slo.ttft_s;
      p.tpot_s = o.slo.tpot_s;
      p.usd_per_hour = o.cost.usd_per_hour;
      p.usd_per_mtok = o.cost.usd_per_mtok;
    } catch (...) {
      p.error = describe_point_error(s, std::current_exception());
    }
    return p;
  }

 private:
  const Scenario& base_;
  std::shared_ptr<const workload::RequestSet> reqs_;
};

core::Json probe_json(const Probe& p, double base_rate) {
  core::Json j = core::Json::object();
  j.set("tp", p.tp).set("replicas", p.replicas).set("gpus", p.gpus);
  j.set("rate_rps", p.rate_scale * base_rate).set("rate_scale", p.rate_scale);
  if (!p.error.empty()) return j.set("error", p.error);
  return j.set("slo_met", p.met)
      .set("ttft_s", opt(p.ttft_s))
      .set("tpot_s", opt(p.tpot_s))
      .set("usd_per_hour", p.usd_per_hour)
      .set("usd_per_mtok", opt(p.usd_per_mtok));
}

// Fewest replicas of `tp` meeting the SLO at `scale`; probes appended in order.
std::optional<Probe> min_replicas(const Evaluator& ev, int64_t tp, double scale, int64_t max_r,
                                  std::vector<Probe>& probes) {
  auto probe = [&](int64_t r) {
    probes.push_back(ev.run(tp, r, scale));
    return probes.back();
  };
  Probe first = probe(1);
  if (!first.error.empty() || first.met)
    return first.error.empty() ? std::optional(first) : std::nullopt;
  int64_t lo = 1, hi = 0;
  std::optional<Probe> best;
  for (int64_t r = 2; lo < max_r; r *= 2) {
    r = std::min(r, max_r);
    Probe p = probe(r);
    if (!p.error.empty()) return std::nullopt;
    if (p.met) {
      hi = r;
      best = p;
      break;
    }
    lo = r;
  }
  if (!best) return std::nullopt;
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    Probe p = probe(mid);
    if (p.error.empty() && p.met) {
      hi = mid;
      best = p;
    } else {
      lo = mid;
    }
  }
  return best;
}

core::Json plan_min_gpus(const MinGpusPlan& m, const Scenario& base, const Evaluator& ev,
                         double base_rate, int threads) {
  std::vector<int64_t> tps = m.tp.empty() ? std::vector<int64_t>{base.parallelism.tp} : m.tp;
  const double scale = m.rate_rps / base_rate;
  std::vector<std::vector<Probe>> probes(tps.size());
  std::vector<std::optional<Probe>> best(tps.size());
  core::parallel_for(tps.size(), threads, [&](size_t i) {
    best[i] = min_replicas(ev, tps[i], scale, m.max_replicas, probes[i]);
  });
  std::optional<Probe> winner;
  core::Json candidates = core::Json::array();
  core::Json all = core::Json::array();
  for (size_t i = 0; i < tps.size(); ++i) {
    for (const Probe& p : probes[i])
      all.push(probe_json(p, base_rate));
    core::Json c = core::Json::object().set("tp", tps[i]);
    if (best[i]) {
      c.set("replicas", best[i]->replicas).set("gpus", best[i]->gpus).set("slo_met", true);
      const bool better =
          !winner || best[i]->gpus < winner->gpus ||
          (best[i]->gpus == winner->gpus && best[i]->usd_per_hour < winner->usd_per_hour);
      if (better) winner = best[i];
    } else {
      const Probe& last = probes[i].back();
      c.set("slo_met", false);
      c.set("reason", !last.error.empty()
                          ? last.error
                          : fmt::format("SLO not met with up to {} replicas", m.max_replicas));
    }
    candidates.push(std::move(c));
  }
  core::Json j = core::Json::object();
  j.set("rate_rps", m.rate_rps).set("workload_rate_rps", base_rate).set("rate_scale", scale);
  j.set("best", winner ? probe_json(*winner, base_rate) : core::Json());
  j.set("candidates", std::move(candidates)).set("probes", std::move(all));
  return j;
}

core::Json plan_max_rate(const MaxRatePlan& m, const Scenario& base, const Evaluator& ev,
                         double base_rate) {
  const int64_t tp = m.tp.value_or(base.parallelism.tp);
  const int64_t replicas = m.replicas.value_or(base.engine_config().replicas);
  const double ceiling = m.max_rate_rps > 0 ? m.max_rate_rps / base_rate : 1024.0;
  std::vector<Probe> probes;
  auto met = [&](double s) {
    probes.push_back(ev.run(tp, replicas, s));
    return probes.back().error.empty() && probes.back().met;
  };
  std::optional<double> lo, hi;
  bool at_ceiling = false;
  double s = std::min(1.0, ceiling);
  if (met(s)) {
    lo = s;
    at_ceiling = s >= ceiling;
    while (!hi && !at_ceiling) {
      const double up = std::min(*lo * 2, ceiling);
      if (met(up)) {
        lo = up;
        at_ceiling = up >= ceiling;
      } else {
        hi = up;
      }
    }
  } else if (probes.back().error.empty()) {
    hi = s;
    while (!lo && *hi / 2 >= kMinScale) {
      if (met(*hi / 2)) {
        lo = *hi / 2;
      } else {
        hi = *hi / 2;
      }
    }
  }
  while (lo && hi && *hi / *lo > 1 + m.tolerance) {
    const double mid = std::sqrt(*lo * *hi);
    if (met(mid)) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  core::Json j = core::Json::object();
  j.set("tp", tp).set("pp", base.parallelism.pp).set("replicas", replicas);
  j.set("gpus", tp * base.parallelism.pp * replicas).set("workload_rate_rps", base_rate);
  j.set("max_rate_rps", lo ? core::Json(*lo * base_rate) : core::Json());
  j.set("rate_scale", lo ? core::Json(*lo) : core::Json());
  j.set("ceiling_reached", at_ceiling);
  if (!probes.front().error.empty()) j.set("error", probes.front().error);
  core::Json all = core::Json::array();
  for (const Probe& p : probes)
    all.push(probe_json(p, base_rate));
  j.set("probes", std::move(all));
  return j;
}

std::vector<int64_t> read_tp_list(const core::Doc& node, const std::string& what) {
  std::vector<int64_t> out;
  if (!node.is_sequence() || node.items.empty())
    core::fail_at(node.loc, what + ": expected a non-empty list of TP sizes");
  for (const core::Doc& item : node.items) {
    const int64_t tp = core::read_integer(item, what, core::IntRange::positive(4096));
    if (std::find(out.begin(), out.end(), tp) != out.end())
      core::fail_at(item.loc, fmt::format("{}: {} appears twice", what, tp));
    out.push_back(tp);
  }
  return out;
}

}  // namespace

PlanSpec parse_plan(const core::Doc& node, const std::string& path) {
  core::MapReader m(node, path);
  PlanSpec p;
  p.loc = node.loc;
  if (auto g = m.maybe_map("min_gpus")) {
    MinGpusPlan mg;
    mg.loc = g->loc();
    mg.rate_rps = g->number("rate_rps", core::Range::positive());
    if (const core::Doc* tp = g->find("tp")) mg.tp = read_tp_list(*tp, g->key_path("tp"));
    mg.max_replicas = g->maybe_integer("max_replicas", core::IntRange::positive(4096)).value_or(64);
    g->finish();
    p.min_gpus = mg;
  }
  if (auto r = m.maybe_map("max_rate")) {
    MaxRatePlan mr;
    mr.loc = r->loc();
    mr.tp = r->maybe_integer("tp", core::IntRange::positive(4096));
    mr.replicas = r->maybe_integer("replicas", core::IntRange::positive(4096));
    mr.max_rate_rps = r->maybe_number("max_rate_rps", core::Range::positive()).value_or(0);
    mr.tolerance = r->maybe_number("tolerance", core::Range{0.001, 1.0}).value_or(0.02);
    r->finish();
    p.max_rate = mr;
  }
  m.finish();
  if (!p.min_gpus && !p.max_rate) m.fail_here("give min_gpus and/or max_rate");
  return p;
}

core::Json run_plan(const PlanSpec& plan, const Scenario& base, WorkloadCache& cache, int threads) {
  if (!base.workload) core::fail_at(plan.loc, "plan: needs a 'workload' to replay");
  if (!base.slo) core::fail_at(plan.loc, "plan: needs an 'slo' to plan for");
  const auto reqs = cache.get(*base.workload);
  const size_t n = reqs->requests.size();
  const double span = n > 0 ? reqs->requests.back().arrival_s : 0;
  if (n < 2 || span <= 0) {
    core::fail_at(plan.loc,
                  "plan: the workload's requests all arrive at once, so its rate cannot "
                  "be rescaled");
  }
  const double base_rate = static_cast<double>(n - 1) / span;
  const Evaluator ev(base, reqs);
  core::Json j = core::Json::object();
  if (plan.min_gpus) j.set("min_gpus", plan_min_gpus(*plan.min_gpus, base, ev, base_rate, threads));
  if (plan.max_rate) j.set("max_rate", plan_max_rate(*plan.max_rate, base, ev, base_rate));
  return j;
}

}  // namespace kvsim::scenario
