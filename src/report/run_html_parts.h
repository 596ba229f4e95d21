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
  size_t replayed = 0;      ///< replayed points in the run (may exceed points.size())
  bool best_first = false;  ///< the comparison's best point of each GPU type leads
};

/// The first kMaxPlottedPoints replayed points in id order; with a `compare` ranking, its points
/// (each GPU type's best) come first.
Plotted plotted_points(const RunDoc& doc);
/// "p0003 hardware=h200, kv.precision=fp8" (the id alone when the scenario has no sweep).
std::string point_name(const RunPoint& p);
/// HTML-escaped text.
std::string esc(std::string_view text);

/// Grey of guides (SLO lines, legend symbols that stand for a shape, not a point).
inline constexpr const char* kGuideColour = "#666666";
/// A thin reference line (SLO guides, roofs) drawn in `colour` with `dash`.
core::svg::Series guide(std::string name, std::vector<std::pair<double, double>> points,
                        const std::string& colour, const std::string& dash, double stroke_px);
/// A <figure> with the chart and its caption (escaped here).
std::string figure(const std::string& svg_text, const std::string& caption);
/// "showing 8 of 40 replayed points" when the plot leaves points out, else "".
std::string shown_note(const Plotted& plotted);

/// Each returns one or more <figure> elements, or "" when the run has nothing to plot.
std::string kv_timeline_figure(const Plotted& plotted);
std::string latency_figures(const Plotted& plotted);
std::string roofline_figures(const Plotted& plotted);
std::string memory_figure(const RunDoc& doc);
/// The SKU comparison: a bar chart and a table.
std::string cost_figure(const RunDoc& doc);

}  // namespace kvsim::report::html
