// The cost model, worked by hand.

#include "kvsim/cost/cost.h"

#include <gtest/gtest.h>

#include "kvsim/core/doc.h"
#include "test_util.h"

namespace kvsim::cost {
namespace {

hw::HardwareProfile gpu() {
  hw::HardwareProfile p;
  p.name = "test-gpu";
  p.price_usd_per_gpu_hour = 2.0;
  p.price_source = "LIST";
  p.price_date = "2026-01-01";
  p.tdp_w = 700;
  p.idle_w = 100;
  return p;
}

Usage usage() {
  Usage u;
  u.gpus = 8;
  u.duration_s = 1800;
  u.busy_fraction = 0.5;
  u.input_tokens = 9e6;
  u.output_tokens = 1e6;
  u.requests_within_slo = 1000;
  u.input_time_share = 0.25;
  return u;
}

TEST(Cost, GpuHoursOnlyByDefault) {
  const Cost c = compute_cost(Pricing{}, gpu(), usage());
  EXPECT_DOUBLE_EQ(c.usd_per_gpu_hour, 2.0);
  EXPECT_EQ(c.price_source, "profile test-gpu: LIST, 2026-01-01");
  EXPECT_DOUBLE_EQ(c.energy_usd_per_hour, 0);
  EXPECT_DOUBLE_EQ(c.usd_per_hour, 16.0);  // 8 GPUs x $2
  EXPECT_DOUBLE_EQ(c.usd_total, 8.0);      // half an hour
  // $8 over 10 M tokens; a quarter of it charged to the 9 M input tokens.
  EXPECT_DOUBLE_EQ(*c.usd_per_mtok, 0.8);
  EXPECT_DOUBLE_EQ(*c.usd_per_mtok_input, 8.0 * 0.25 / 9.0);
  EXPECT_DOUBLE_EQ(*c.usd_per_mtok_output, 6.0);
  EXPECT_DOUBLE_EQ(*c.usd_per_request, 0.008);
}

TEST(Cost, EnergyFromPowerUtilisationPueAndPrice) {
  Pricing p;
  p.energy = EnergyPricing{0.10, 1.5, std::nullopt};  // utilisation: the measured busy fraction
  const Cost c = compute_cost(p, gpu(), usage());
  // 100 W idle + (700 - 100) W x 0.5 = 400 W per GPU; 8 x 0.4 kW x 1.5 x $0.10 = $0.48 per hour.
  EXPECT_DOUBLE_EQ(c.utilization, 0.5);
  EXPECT_DOUBLE_EQ(c.power_w_per_gpu, 400);
  EXPECT_NEAR(c.energy_usd_per_hour, 0.48, 1e-12);
  EXPECT_NEAR(c.usd_per_hour, 16.48, 1e-12);
  EXPECT_NEAR(c.usd_total, 8.24, 1e-12);
  EXPECT_NEAR(*c.usd_per_mtok_output, 8.24 * 0.75, 1e-12);

  p.energy->utilization = 1.0;
  p.usd_per_gpu_hour = 3.0;
  const Cost full = compute_cost(p, gpu(), usage());
  EXPECT_EQ(full.price_source, "pricing.usd_per_gpu_hour");
  // 700 W x 8 x 1.5 x $0.10 = $0.84; 8 x $3 = $24.
  EXPECT_NEAR(full.usd_per_hour, 24.84, 1e-12);
}

TEST(Cost, PowerWithoutAnIdleFigureScalesTdp) {
  hw::HardwareProfile g = gpu();
  g.idle_w = 0;
  EXPECT_DOUBLE_EQ(gpu_power_w(g, 0.25), 175);
  EXPECT_DOUBLE_EQ(gpu_power_w(gpu(), 0), 100);
}

TEST(Cost, NothingServedHasNoPerUnitCost) {
  Usage u = usage();
  u.input_tokens = u.output_tokens = 0;
  u.requests_within_slo = 0;
  const Cost c = compute_cost(Pricing{}, gpu(), u);
  EXPECT_FALSE(c.usd_per_mtok);
  EXPECT_FALSE(c.usd_per_mtok_input);
  EXPECT_FALSE(c.usd_per_request);
  EXPECT_DOUBLE_EQ(c.usd_total, 8.0);  // the fleet was still paid for
}

TEST(Cost, AProfileWithoutAPriceNeedsOne) {
  hw::HardwareProfile g = gpu();
  g.price_usd_per_gpu_hour = 0;
  try {
    compute_cost(Pricing{}, g, usage());
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& e) {
    EXPECT_EQ(e.field(), "pricing.usd_per_gpu_hour");
  }
}

TEST(Cost, ParsePricingIsStrict) {
  const core::Doc d = core::parse_yaml(
      "usd_per_gpu_hour: 2.5\nenergy: {usd_per_kwh: 0.12, pue: 1.3, utilization: 0.7}\n", "p.yaml");
  const Pricing p = parse_pricing(d);
  EXPECT_DOUBLE_EQ(*p.usd_per_gpu_hour, 2.5);
  EXPECT_DOUBLE_EQ(p.energy->pue, 1.3);
  EXPECT_DOUBLE_EQ(*p.energy->utilization, 0.7);
  const core::Doc busy =
      core::parse_yaml("energy: {usd_per_kwh: 0.12, pue: 1.0, utilization: busy}\n", "p.yaml");
  EXPECT_FALSE(parse_pricing(busy).energy->utilization);

  auto error = [](const std::string& yaml) {
    return test::input_error([&] { parse_pricing(core::parse_yaml(yaml, "p.yaml")); });
  };
  EXPECT_NE(error("usd_per_gpu_hr: 2\n")
                .find("p.yaml:1:1: error: unknown key 'usd_per_gpu_hr' in "
                      "'pricing'; did you mean 'usd_per_gpu_hour'?"),
            std::string::npos);
  EXPECT_NE(error("energy: {usd_per_kwh: 0.1, pue: 0.9}\n").find("pricing.energy.pue"),
            std::string::npos);
  EXPECT_NE(error("energy: {pue: 1.2}\n").find("usd_per_kwh"), std::string::npos);
  EXPECT_NE(error("energy: {usd_per_kwh: 0.1, pue: 1.2, utilization: 2}\n").find("utilization"),
            std::string::npos);
}

}  // namespace
}  // namespace kvsim::cost
