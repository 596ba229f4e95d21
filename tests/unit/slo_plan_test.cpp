// SLO verdicts (hand-built replay results) and capacity planning (searches over real replays).

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kvsim/core/doc_ops.h"
#include "kvsim/scenario/plan.h"
#include "kvsim/scenario/slo.h"
#include "kvsim/scenario/sweep.h"
#include "test_util.h"

namespace kvsim::scenario {
namespace {

serve::RequestRecord done(double arrival, double first_token, double finish, int64_t generated) {
  serve::RequestRecord r;
  r.arrival_s = arrival;
  r.first_scheduled_s = arrival;
  r.first_token_s = first_token;
  r.finish_s = finish;
  r.generated = r.output_tokens = generated;
  return r;
}

TEST(Slo, PercentilesInterpolateLikeTheReplaySummary) {
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(percentile(v, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile(v, 99), 3.97);  // 1 + 0.99 * 3 = position 2.97
  std::vector<double> inf = {1, 2, std::numeric_limits<double>::infinity()};
  EXPECT_TRUE(std::isinf(percentile(inf, 99)));
  EXPECT_DOUBLE_EQ(percentile(inf, 50), 2);
}

TEST(Slo, DroppedRequestsCountAsLate) {
  serve::ReplayResult r;
  // TTFTs 0.1 .. 1.0 s, TPOT (finish - first) / (10 - 1) = 0.01 s.
  for (int i = 1; i <= 10; ++i)
    r.requests.push_back(done(0, 0.1 * i, 0.1 * i + 0.09, 10));
  r.completed = 10;
  SloSpec slo;
  slo.ttft_s = 0.95;
  slo.ttft_percentile = 90;  // position 8.1 of 0..9: 0.9 + 0.1 * 0.1 = 0.91 s
  slo.tpot_s = 0.02;
  SloResult ok = evaluate_slo(slo, r);
  EXPECT_NEAR(*ok.ttft_s, 0.91, 1e-12);
  EXPECT_NEAR(*ok.tpot_s, 0.01, 1e-12);
  EXPECT_TRUE(ok.met);
  EXPECT_EQ(ok.within, 9);  // the 1.0 s request is late
  // One dropped request: 11 samples, position 9 at p90 is the 1.0 s request: missed.
  serve::RequestRecord dropped;
  dropped.dropped = serve::DropReason::exceeds_memory;
  r.requests.push_back(dropped);
  r.dropped = 1;
  SloResult late = evaluate_slo(slo, r);
  EXPECT_NEAR(*late.ttft_s, 1.0, 1e-12);
  EXPECT_FALSE(late.met);
  // At p99 the dropped request itself is the answer: no finite latency.
  slo.ttft_percentile = 99;
  EXPECT_FALSE(evaluate_slo(slo, r).ttft_s);
  // Without limits, "met" means nothing was dropped.
  EXPECT_FALSE(evaluate_slo(SloSpec{}, r).met);
}

// A small deployment whose SLO depends on load: Llama-3.1-8B on L40S.
const std::string kPlan = R"(name: plan
model: llama-3.1-8b
hardware: l40s
engine: {max_num_seqs: 64, timeline_points: 8}
workload:
  generator:
    requests: 120
    seed: 3
    arrival: {impl: poisson, rate: 2}
    input: {impl: uniform, min: 500, max: 3000}
    output: {impl: uniform, min: 50, max: 300}
slo: {ttft_s: 1.0, tpot_s: 0.06}
)";

core::Json plan_of(const std::string& plan_yaml) {
  const ScenarioFile f =
      scenario_file_from_doc(core::parse_yaml(kPlan + plan_yaml, "plan.yaml"), "plan.yaml");
  const Scenario base = parse_scenario(f.doc);
  WorkloadCache cache;
  return run_plan(*f.plan, base, cache, 2);
}

TEST(Plan, FewestGpusIsTheSmallestReplicaCountThatMeetsTheSlo) {
  const core::Doc j = core::parse_json(
      plan_of("plan: {min_gpus: {rate_rps: 12, tp: [1, 2], max_replicas: 16}}\n").dump(), "p");
  const core::Doc& g = *j.find("min_gpus");
  const core::Doc& best = *g.find("best");
  ASSERT_TRUE(best.is_map());
  EXPECT_EQ(best.find("slo_met")->text, "true");
  const int64_t tp = std::stoll(best.find("tp")->text), r = std::stoll(best.find("replicas")->text);
  EXPECT_EQ(std::stoll(best.find("gpus")->text), tp * r);
  EXPECT_NEAR(std::stod(best.find("rate_rps")->text), 12, 1e-9);
  // One replica fewer of the same TP was tried and missed the SLO (or there is no fewer).
  bool fewer_missed = r == 1;
  int64_t fewest_any = 1 << 30;
  for (const core::Doc& p : g.find("probes")->items) {
    const int64_t ptp = std::stoll(p.find("tp")->text), pr = std::stoll(p.find("replicas")->text);
    const bool met = p.find("slo_met") && p.find("slo_met")->text == "true";
    if (ptp == tp && pr == r - 1) fewer_missed = !met;
    if (met) fewest_any = std::min(fewest_any, ptp * pr);
  }
  EXPECT_TRUE(fewer_missed);
  EXPECT_EQ(fewest_any, tp * r);  // no probe met the SLO with fewer GPUs
  EXPECT_GT(tp * r, 1);           // 12 requests/s needs more than one L40S
}

TEST(Plan, MaxRateIsMetAndTheNextStepUpIsNot) {
  const core::Doc j =
      core::parse_json(plan_of("plan: {max_rate: {tolerance: 0.05}}\n").dump(), "p");
  const core::Doc& m = *j.find("max_rate");
  ASSERT_FALSE(m.find("max_rate_rps")->is_null());
  const double best = std::stod(m.find("max_rate_rps")->text);
  bool best_met = false;
  double lowest_miss = 1e300;
  for (const core::Doc& p : m.find("probes")->items) {
    const double rate = std::stod(p.find("rate_rps")->text);
    const bool met = p.find("slo_met")->text == "true";
    if (rate == best) best_met = met;
    if (!met) lowest_miss = std::min(lowest_miss, rate);
    if (met) {
      EXPECT_LE(rate, best);
    }
  }
  EXPECT_TRUE(best_met);
  EXPECT_GT(lowest_miss, best);
  EXPECT_LE(lowest_miss / best, 1.05 + 1e-9);
}

TEST(Plan, NeedsAnSloAndAWorkloadAndValidKeys) {
  auto error = [](const std::string& yaml) {
    return test::input_error([&] {
      const ScenarioFile f =
          scenario_file_from_doc(core::parse_yaml(yaml, "plan.yaml"), "plan.yaml");
      WorkloadCache cache;
      run_plan(*f.plan, parse_scenario(f.doc), cache);
    });
  };
  const std::string no_slo = kPlan.substr(0, kPlan.find("slo:"));
  EXPECT_NE(error(no_slo + "plan: {max_rate: {}}\n").find("plan: needs an 'slo'"),
            std::string::npos);
  EXPECT_NE(error(kPlan + "plan: {min_gpu: {rate_rps: 1}}\n").find("did you mean 'min_gpus'"),
            std::string::npos);
  EXPECT_NE(error(kPlan + "plan: {min_gpus: {tp: [1]}}\n").find("rate_rps"), std::string::npos);
  EXPECT_NE(error(kPlan + "plan: {}\n").find("give min_gpus and/or max_rate"), std::string::npos);
}

}  // namespace
}  // namespace kvsim::scenario
