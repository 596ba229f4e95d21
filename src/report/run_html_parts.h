#pragma once
// Pieces of the HTML run report (private to src/report/run_html*.cpp).

#include <string>
#include <vector>

#include "kvsim/core/svg.h"
#include "kvsim/report/run_doc.h"

namespace kvsim::report::html {

/// Width of every chart: the page's content width.
inline constexpr double kChartWidthPx = 1000;

/// Per-point plots show at most this many points (the table lists all of them).
inline constexpr size_t kMaxPlottedPoints = 8;

/// The replayed points drawn in per-point plots, each with the colour it keeps in every plot.
struct Plotted {
  std::vector<const RunPoint*> points;
  std::vector<std::string> colours;
  size_t replayed = 0;  ///< replayed points in the run (may exceed points.size())
};

Plotted plotted_points(const RunDoc& doc);
/// "p0003 hardware=h200, kv.precision=fp8" (the id alone when the scenario has no sweep).
std::string point_name(const RunPoint& p);
/// HTML-escaped text.
std::string esc(std::string_view text);

/// Each returns one or more <figure> elements, or "" when the run has nothing to plot.
std::string kv_timeline_figure(const Plotted& plotted);
std::string latency_figures(const Plotted& plotted);
std::string roofline_figures(const Plotted& plotted);
std::string memory_figure(const RunDoc& doc);
/// The SKU comparison: a bar chart and a table.
std::string cost_figure(const RunDoc& doc);

}  // namespace kvsim::report::html
