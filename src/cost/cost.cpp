#include "kvsim/cost/cost.h"

#include <fmt/format.h>

#include <stdexcept>

#include "kvsim/core/reader.h"

namespace kvsim::cost {

Pricing parse_pricing(const core::Doc& node, const std::string& path) {
  core::MapReader m(node, path);
  Pricing p;
  p.loc = node.loc;
  p.usd_per_gpu_hour = m.maybe_number("usd_per_gpu_hour", core::Range::positive());
  if (auto e = m.maybe_map("energy")) {
    EnergyPricing ep;
    ep.usd_per_kwh = e->number("usd_per_kwh", core::Range::non_negative());
    ep.pue = e->number("pue", core::Range{1.0, 10.0});
    if (const core::Doc* u = e->find("utilization")) {
      if (u->is_scalar() && !u->quoted && u->text == "busy") {
        ep.utilization.reset();
      } else {
        ep.utilization = core::read_number(*u, e->key_path("utilization"), core::Range{0.0, 1.0});
      }
    }
    e->finish();
    p.energy = ep;
  }
  m.finish();
  return p;
}

double gpu_power_w(const hw::HardwareProfile& hw, double utilization) {
  if (hw.idle_w > 0 && hw.idle_w < hw.tdp_w)
    return hw.idle_w + (hw.tdp_w - hw.idle_w) * utilization;
  return hw.tdp_w * utilization;
}

Cost compute_cost(const Pricing& pricing, const hw::HardwareProfile& hw, const Usage& u) {
  if (u.gpus < 1 || u.duration_s < 0 || u.busy_fraction < 0 || u.busy_fraction > 1 + 1e-9 ||
      u.input_time_share < 0 || u.input_time_share > 1 || u.input_tokens < 0 ||
      u.output_tokens < 0) {
    throw std::invalid_argument("compute_cost: usage figures out of range");
  }
  Cost c;
  c.gpus = u.gpus;
  if (pricing.usd_per_gpu_hour) {
    c.usd_per_gpu_hour = *pricing.usd_per_gpu_hour;
    c.price_source = "pricing.usd_per_gpu_hour";
  } else if (hw.price_usd_per_gpu_hour > 0) {
    c.usd_per_gpu_hour = hw.price_usd_per_gpu_hour;
    c.price_source = fmt::format("profile {}: {}{}", hw.name, hw.price_source,
                                 hw.price_date.empty() ? "" : ", " + hw.price_date);
  } else {
    throw core::ConfigError("pricing.usd_per_gpu_hour",
                            fmt::format("the hardware profile '{}' has no price; set "
                                        "pricing.usd_per_gpu_hour",
                                        hw.name));
  }
  const double gpus = static_cast<double>(u.gpus);
  if (pricing.energy) {
    const EnergyPricing& e = *pricing.energy;
    c.utilization = e.utilization.value_or(std::min(1.0, u.busy_fraction));
    c.power_w_per_gpu = gpu_power_w(hw, c.utilization);
    c.energy_usd_per_hour = gpus * c.power_w_per_gpu / 1000.0 * e.pue * e.usd_per_kwh;
  }
  c.usd_per_hour = gpus * c.usd_per_gpu_hour + c.energy_usd_per_hour;
  c.usd_total = c.usd_per_hour * u.duration_s / 3600.0;
  if (u.input_tokens > 0)
    c.usd_per_mtok_input = c.usd_total * u.input_time_share / u.input_tokens * 1e6;
  if (u.output_tokens > 0)
    c.usd_per_mtok_output = c.usd_total * (1 - u.input_time_share) / u.output_tokens * 1e6;
  if (u.input_tokens + u.output_tokens > 0)
    c.usd_per_mtok = c.usd_total / (u.input_tokens + u.output_tokens) * 1e6;
  if (u.requests_within_slo > 0)
    c.usd_per_request = c.usd_total / static_cast<double>(u.requests_within_slo);
  return c;
}

}  // namespace kvsim::cost
