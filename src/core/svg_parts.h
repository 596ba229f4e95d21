#pragma once
// Pieces shared by the SVG chart renderers (private to src/core/svg_*.cpp).

#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/svg.h"

namespace kvsim::core::svg::detail {

inline constexpr double kFontPx = 12;
inline constexpr double kTitlePx = 14;
inline constexpr double kSmallPx = 11;
inline constexpr double kLegendRowPx = 20;
inline constexpr const char* kTextColour = "#222222";
inline constexpr const char* kAxisColour = "#555555";
inline constexpr const char* kGridColour = "#e3e3e3";

/// A coordinate with one decimal ("12.5"), never "-0.0".
std::string px(double v);
/// `text` cut at a code-point boundary and ended with "…" so it fits in `max_px`.
std::string fit_text(std::string_view text, double max_px, double font_px);
/// Only [A-Za-z0-9_-] of `id` (for element ids), "chart" when nothing is left.
std::string safe_id(std::string_view id);

/// Maps axis values to pixels along [p0, p1] (p0 at the domain's low end).
struct AxisMap {
  TickSet ticks;
  Scale scale = Scale::linear;
  double p0 = 0, p1 = 1;
  double operator()(double v) const;
  /// The value is finite and drawable on this axis (positive on a log axis).
  bool drawable(double v) const;
};

/// The opening <svg> with background, <title> and the chart title; the caller closes it.
std::string open_svg(std::string_view title, double width, double height);
/// Height above the plot taken by the chart title.
double title_height(std::string_view title);

/// Bottom axis along y = `y`: line, ticks, labels (thinned so none overlap) and title; vertical
/// grid lines up to `grid_top` when `grid`.
std::string bottom_axis(const AxisMap& m, const Axis& axis, double y, double grid_top, bool grid);
/// Left axis along x = `x`: line, ticks, labels right-aligned (thinned to 16 px spacing),
/// rotated title at `title_x`; horizontal grid lines to `grid_right` when `grid`.
std::string left_axis(const AxisMap& m, const Axis& axis, double x, double grid_right,
                      double title_x, bool grid);
/// Width of the widest tick label of `ticks`.
double max_label_width(const TickSet& ticks);

/// Height a legend of `entries` takes when wrapped into `width_px`.
double legend_height(const std::vector<LegendEntry>& entries, double width_px);
/// The legend as a <g class="legend">, laid out from (x, y) in rows within `width_px`.
std::string legend(const std::vector<LegendEntry>& entries, double x, double y, double width_px);
/// A marker shape centred at (cx, cy) with radius `r` and class `cls`; `attrs` are added to the
/// element and a non-empty `tooltip` becomes its <title>.
std::string marker_element(Marker m, double cx, double cy, double r, std::string_view attrs,
                           std::string_view tooltip = "", std::string_view cls = "marker");
/// A small-print note line at (x, y), or "" when the note is empty.
std::string note_text(std::string_view note, double x, double y, double width_px);

}  // namespace kvsim::core::svg::detail
