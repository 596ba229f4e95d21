// The roofline plots of the HTML report: one per GPU type, each plotted point's operators on it.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "run_html_parts.h"

namespace kvsim::report::html {
namespace {

namespace svg = core::svg;

std::string engineering(double v, const char* suffix) {
  return svg::format_value(v, svg::Unit::number, suffix);
}

/// The distinct compute peaks of a roofline, each with the data types that share it
/// ("bf16/fp16"), in file order.
std::vector<std::pair<std::string, double>> distinct_peaks(const RooflineView& r) {
  std::vector<std::pair<std::string, double>> peaks;
  for (const auto& entry : r.peak_flops) {
    // Named copies, not structured bindings: clang 14 cannot capture a binding in a lambda.
    const std::string& dtype = entry.first;
    const double peak = entry.second;
    if (peak <= 0) continue;
    auto same =
        std::find_if(peaks.begin(), peaks.end(), [&](const auto& p) { return p.second == peak; });
    if (same == peaks.end()) {
      peaks.emplace_back(dtype, peak);
    } else {
      same->first += "/" + dtype;
    }
  }
  return peaks;
}

/// The roofs: HBM bandwidth × intensity capped by each peak, and the L2 bandwidth line. They
/// span [x_lo, x_hi] in arithmetic intensity.
void add_roofs(svg::XYChart& c, const RooflineView& roof, double x_lo, double x_hi) {
  static const std::vector<std::string> dashes = {"", "8 4", "3 3", "10 3 2 3", "1 3"};
  const double bw = roof.hbm_bytes_per_s;
  double peak_hi = 0;
  size_t k = 0;
  for (const auto& [dtypes, peak] : distinct_peaks(roof)) {
    peak_hi = std::max(peak_hi, peak);
    c.series.push_back(guide(fmt::format("{} roof: {} peak, HBM {}", dtypes,
                                         engineering(peak, "FLOP/s"), engineering(bw, "B/s")),
                             {{x_lo, bw * x_lo}, {peak / bw, peak}, {x_hi, peak}}, "#333333",
                             dashes[k++ % dashes.size()], 1.5));
  }
  if (roof.l2_bytes_per_s > 0 && peak_hi > 0) {
    const double l2 = roof.l2_bytes_per_s;
    c.series.push_back(guide(fmt::format("L2 bandwidth {}", engineering(l2, "B/s")),
                             {{x_lo, l2 * x_lo}, {peak_hi / l2, peak_hi}}, "#999999", "2 3", 1.25));
  }
}

struct Placed {
  std::vector<svg::Series> series;  ///< one per point and phase, markers
  double ai_lo = HUGE_VAL, ai_hi = 0;
  size_t unplaced = 0;  ///< operators without FLOPs, HBM bytes or time
};

/// The operators of point `p` as markers in `colour`: circles for the decode step, triangles
/// for the prefill chunk, squares for any other phase.
void place_operators(const RunPoint& p, const std::string& colour, Placed& out) {
  for (const char* phase : {"decode", "prefill", ""}) {
    svg::Series s(p.id, {}, svg::SeriesStyle::markers, colour);
    s.marker = *phase == 'd'   ? svg::Marker::circle
               : *phase == 'p' ? svg::Marker::triangle
                               : svg::Marker::square;
    s.in_legend = false;
    for (const OperatorView& o : p.roofline->operators) {
      const bool known = o.phase == "decode" || o.phase == "prefill";
      if (*phase ? o.phase != phase : known) continue;
      if (!(o.flops > 0 && o.hbm_bytes > 0 && o.time_s > 0)) {
        ++out.unplaced;
        continue;
      }
      const double ai = o.flops / o.hbm_bytes, rate = o.flops / o.time_s;
      out.ai_lo = std::min(out.ai_lo, ai);
      out.ai_hi = std::max(out.ai_hi, ai);
      s.points.emplace_back(ai, rate);
      s.tooltips.push_back(fmt::format("{} {} {}: {}, {}, {}, {}-bound", p.id, o.phase, o.name,
                                       engineering(ai, "FLOP/B"), engineering(rate, "FLOP/s"),
                                       svg::format_value(o.time_s, svg::Unit::seconds), o.bound));
    }
    if (!s.points.empty()) out.series.push_back(std::move(s));
  }
}

std::string roofline_figure(const Plotted& plotted, const std::string& hw) {
  const RunPoint* first = nullptr;
  Placed placed;
  svg::XYChart c;
  c.width_px = kChartWidthPx;
  c.id = "roofline-" + hw;
  c.x = {"arithmetic intensity (FLOPs per HBM byte)", svg::Unit::number, "FLOP/B", svg::Scale::log};
  c.y = {"achieved throughput", svg::Unit::number, "FLOP/s", svg::Scale::log};
  for (size_t i = 0; i < plotted.points.size(); ++i) {
    const RunPoint& p = *plotted.points[i];
    if (!p.roofline || p.roofline->hardware != hw) continue;
    if (!first) first = &p;
    place_operators(p, plotted.colours[i], placed);
    c.extra_legend.push_back({point_name(p), plotted.colours[i], svg::LegendEntry::Kind::swatch});
  }
  const RooflineView& roof = *first->roofline;
  c.title = "Roofline: " + first->hardware_name;
  double ridge_lo = HUGE_VAL, ridge_hi = 0;
  for (const auto& [dtypes, peak] : distinct_peaks(roof)) {
    if (roof.hbm_bytes_per_s <= 0) break;
    ridge_lo = std::min(ridge_lo, peak / roof.hbm_bytes_per_s);
    ridge_hi = std::max(ridge_hi, peak / roof.hbm_bytes_per_s);
  }
  if (roof.hbm_bytes_per_s > 0) {
    add_roofs(c, roof, std::min(placed.ai_lo, ridge_lo) / 4, std::max(placed.ai_hi, ridge_hi) * 4);
  }
  c.series.insert(c.series.end(), placed.series.begin(), placed.series.end());
  c.extra_legend.push_back(
      {"decode step", kGuideColour, svg::LegendEntry::Kind::marker, "", svg::Marker::circle});
  c.extra_legend.push_back(
      {"prefill chunk", kGuideColour, svg::LegendEntry::Kind::marker, "", svg::Marker::triangle});
  if (placed.unplaced > 0) {
    c.note =
        fmt::format("{} operator{} without FLOPs or HBM traffic (collectives, copies) not placed",
                    placed.unplaced, placed.unplaced == 1 ? "" : "s");
  }
  return figure(svg::render(c),
                "Each marker is one operator of a representative decode step (circle) or prefill "
                "chunk (triangle): FLOPs over the HBM bytes it moves, against the FLOP/s it "
                "achieves in the model. The dark lines are the roofs (HBM bandwidth × intensity, "
                "capped by each data type's peak), the dotted grey one the L2 bandwidth; markers "
                "under the slanted part are memory-bound. Hover a marker for its name and time.");
}

}  // namespace

std::string roofline_figures(const Plotted& plotted) {
  std::vector<std::string> hardware;
  for (const RunPoint* p : plotted.points) {
    if (p->roofline &&
        std::find(hardware.begin(), hardware.end(), p->roofline->hardware) == hardware.end())
      hardware.push_back(p->roofline->hardware);
  }
  std::string out;
  for (const std::string& hw : hardware)
    out += roofline_figure(plotted, hw);
  return out;
}

}  // namespace kvsim::report::html
