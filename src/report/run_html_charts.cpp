// The per-point plots of the HTML report: KV memory over time and latency CDFs.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "run_html_parts.h"

namespace kvsim::report::html {

namespace svg = core::svg;

svg::Series guide(std::string name, std::vector<std::pair<double, double>> points,
                  const std::string& colour, const std::string& dash, double stroke_px) {
  svg::Series s(std::move(name), std::move(points), svg::SeriesStyle::line, colour, dash);
  s.stroke_px = stroke_px;
  return s;
}

std::string figure(const std::string& svg_text, const std::string& caption) {
  return fmt::format("<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n", svg_text,
                     esc(caption));
}

std::string shown_note(const Plotted& plotted) {
  if (plotted.replayed <= plotted.points.size()) return "";
  return fmt::format("showing {} of {} replayed points{}", plotted.points.size(), plotted.replayed,
                     plotted.best_first ? " (each GPU type's best first)" : "");
}

namespace {

/// A latency CDF: x on a log axis when the values span more than two decades.
svg::XYChart cdf_chart(const Plotted& plotted, const char* id, const char* title,
                       const char* x_title, LatencyView ReplayView::*which) {
  svg::XYChart c;
  c.width_px = kChartWidthPx;
  c.id = id;
  c.title = title;
  c.x = {x_title, svg::Unit::seconds};
  c.y = {"share of requests at or below", svg::Unit::fraction};
  c.y.min = 0;
  c.y.max = 1;
  double lo = HUGE_VAL, hi = 0;
  for (size_t i = 0; i < plotted.points.size(); ++i) {
    const LatencyView& l = (*plotted.points[i]->replay).*which;
    svg::Series s{point_name(*plotted.points[i]), l.cdf, svg::SeriesStyle::step,
                  plotted.colours[i]};
    for (const auto& [v, f] : l.cdf) {
      if (v > 0) lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    c.series.push_back(std::move(s));
  }
  if (hi > 0 && lo < HUGE_VAL && hi / lo > 100) c.x.scale = svg::Scale::log;
  c.note = shown_note(plotted);
  return c;
}

/// A vertical guide at `limit_s` and a horizontal one at `percentile`: the SLO corner.
void add_slo_guides(svg::XYChart& c, double limit_s, double percentile, const std::string& what) {
  double x_lo = HUGE_VAL, x_hi = 0;
  for (const svg::Series& s : c.series) {
    for (const auto& [x, y] : s.points) {
      if (x > 0) x_lo = std::min(x_lo, x);
      x_hi = std::max(x_hi, x);
    }
  }
  if (x_hi <= 0) return;
  const double frac = percentile / 100;
  c.series.push_back(guide(fmt::format("SLO: {} p{:g} ≤ {}", what, percentile,
                                       svg::format_value(limit_s, svg::Unit::seconds)),
                           {{limit_s, 0.0}, {limit_s, 1.0}}, kGuideColour, "6 4", 1.5));
  svg::Series level = guide("", {{std::min(x_lo, limit_s), frac}, {std::max(x_hi, limit_s), frac}},
                            kGuideColour, "2 3", 1);
  level.in_legend = false;
  c.series.push_back(std::move(level));
}

/// The SLO of every plotted point when they all share it.
std::optional<SloView> common_slo(const Plotted& plotted) {
  std::optional<SloView> slo;
  for (const RunPoint* p : plotted.points) {
    if (!p->slo) return std::nullopt;
    if (!slo) {
      slo = p->slo;
    } else if (slo->ttft_s != p->slo->ttft_s || slo->tpot_s != p->slo->tpot_s ||
               slo->ttft_percentile != p->slo->ttft_percentile ||
               slo->tpot_percentile != p->slo->tpot_percentile) {
      return std::nullopt;
    }
  }
  return slo;
}

}  // namespace

std::string kv_timeline_figure(const Plotted& plotted) {
  if (plotted.points.empty()) return "";
  svg::XYChart c;
  c.width_px = kChartWidthPx;
  c.id = "kv-timeline";
  c.title = "KV cache in use per GPU over the replay";
  c.x = {"time since the first arrival", svg::Unit::seconds};
  c.y = {"KV memory in use per GPU (bucket mean)", svg::Unit::bytes};
  double t_end = 0;
  for (const RunPoint* p : plotted.points) {
    if (!p->replay->timeline.empty()) t_end = std::max(t_end, p->replay->timeline.back().t_s);
  }
  double max_used = 0;
  for (size_t i = 0; i < plotted.points.size(); ++i) {
    const RunPoint& p = *plotted.points[i];
    svg::Series s{point_name(p), {}, svg::SeriesStyle::line, plotted.colours[i]};
    for (const TimelinePoint& b : p.replay->timeline) {
      s.points.emplace_back(b.t_s, b.used_bytes_mean);
      max_used = std::max(max_used, b.used_bytes_mean);
    }
    c.series.push_back(std::move(s));
  }
  // Budgets far above every point's use would flatten the lines to the axis: they are named in
  // the note instead of drawn.
  std::string above;
  for (size_t i = 0; i < plotted.points.size(); ++i) {
    const double budget = plotted.points[i]->replay->kv_budget_bytes;
    if (max_used > 0 && budget > 2 * max_used) {
      above += fmt::format("{}{} {}", above.empty() ? "" : ", ", plotted.points[i]->id,
                           svg::format_value(budget, svg::Unit::bytes));
      continue;
    }
    svg::Series b{"KV budget of " + plotted.points[i]->id,
                  {{0.0, budget}, {t_end, budget}},
                  svg::SeriesStyle::line,
                  plotted.colours[i],
                  "7 4"};
    b.stroke_px = 1.25;
    b.in_legend = false;
    c.series.push_back(std::move(b));
  }
  c.extra_legend.push_back({"KV budget (dashed, in the point's colour)", kGuideColour,
                            svg::LegendEntry::Kind::line, "7 4"});
  c.note = shown_note(plotted);
  if (!above.empty())
    c.note += (c.note.empty() ? "" : "; ") + std::string("KV budgets above the plot: ") + above;
  return figure(
      svg::render(c),
      "Mean KV-cache bytes in use on one GPU per timeline bucket; the dashed line of "
      "the same colour is that point's KV budget (what is left of the usable memory "
      "after weights, activations and the runtime reserve). A line pressed against its "
      "budget means requests wait or are preempted for memory; budgets more than twice the "
      "largest use are named under the chart instead of drawn.");
}

std::string latency_figures(const Plotted& plotted) {
  if (plotted.points.empty()) return "";
  const std::optional<SloView> slo = common_slo(plotted);
  svg::XYChart ttft = cdf_chart(plotted, "ttft-cdf", "Time to first token (CDF)",
                                "time to first token", &ReplayView::ttft);
  if (slo && slo->ttft_s) add_slo_guides(ttft, *slo->ttft_s, slo->ttft_percentile, "TTFT");
  svg::XYChart tpot = cdf_chart(plotted, "tpot-cdf", "Time per output token (CDF)",
                                "mean time per output token of a request", &ReplayView::tpot);
  if (slo && slo->tpot_s) add_slo_guides(tpot, *slo->tpot_s, slo->tpot_percentile, "TPOT");
  svg::XYChart e2e = cdf_chart(plotted, "e2e-cdf", "End-to-end latency (CDF)",
                               "arrival to last token", &ReplayView::e2e);
  const std::string log_note =
      " A log time axis is used when latencies span more than two decades.";
  return figure(svg::render(ttft),
                "Share of requests whose first token came within a given time (queueing and "
                "prefill). Where the grey guides cross is the SLO: a curve must reach the "
                "horizontal guide left of the vertical one." +
                    log_note) +
         figure(svg::render(tpot),
                "Share of requests by their mean time between output tokens (decode speed under "
                "batching).") +
         figure(svg::render(e2e), "Share of requests completed within a given time of arrival.");
}

}  // namespace kvsim::report::html
