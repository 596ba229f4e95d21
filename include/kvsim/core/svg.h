#pragma once
// Deterministic SVG charts for self-contained reports: line, step (CDF) and marker charts on linear
// or log axes (a roofline is a log-log marker chart with ceiling lines), and grouped or stacked bar
// charts, horizontal or vertical. The output is standalone SVG text: presentation attributes only
// (no CSS classes needed, no scripts, no external fonts), the Okabe-Ito colour-blind-safe palette,
// axis titles, tick labels carrying their unit (GiB, ms, $, %), a legend that wraps below the plot,
// and every user-supplied text XML-escaped. The same chart always renders to the same bytes:
// coordinates are printed with one decimal and no state outlives a call.
//
// Elements carry class names so tests and stylesheets can find them: "plot-area", "grid", "x-axis",
// "y-axis", "tick", "axis-title", "series" (one <g> per series, data-name), "series-line",
// "marker", "bar", "bar-label", "legend", "legend-item", "note".

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kvsim::core::svg {

/// How an axis formats its values.
enum class Unit {
  number,    ///< SI prefixes (k, M, G, T, P) followed by Axis::suffix: "100 TFLOP/s", "12k"
  bytes,     ///< binary units: B, KiB, MiB, GiB, TiB
  seconds,   ///< ns, µs, ms, s
  usd,       ///< US dollars: "$0.42"
  fraction,  ///< a share in [0, 1] shown as a percentage
};

enum class Scale { linear, log };

struct Axis {
  Axis() = default;
  Axis(std::string title_, Unit unit_ = Unit::number, std::string suffix_ = "",
       Scale scale_ = Scale::linear)
      : title(std::move(title_)), unit(unit_), suffix(std::move(suffix_)), scale(scale_) {}

  std::string title;  ///< the quantity ("KV memory used per GPU"); tick labels carry the unit
  Unit unit = Unit::number;
  std::string suffix;  ///< unit text after Unit::number labels ("FLOP/s", "FLOP/B")
  Scale scale = Scale::linear;
  std::optional<double> min, max;  ///< fixed ends; otherwise from the data
  bool include_zero = true;        ///< linear axes from data start at 0 when all data is >= 0
};

struct Tick {
  double value = 0;
  std::string label;
};

/// The ticks of an axis and the domain they span (which covers [lo, hi]).
struct TickSet {
  double lo = 0, hi = 1;
  std::vector<Tick> ticks;
};

/// Linear axes: 1-2-5 steps in the display unit, about `target` intervals, domain rounded out to
/// whole steps (unless the axis fixes an end). Log axes: every decade, plus 2 and 5 within each
/// decade when the domain spans at most two decades. `lo`/`hi` are the data extremes (lo <= hi;
/// equal values are widened). Log axes need lo > 0.
TickSet choose_ticks(double lo, double hi, const Axis& axis, int target = 5);

/// One value with three significant digits in its unit: "36.6 GiB", "250 ms", "$0.423", "12.5%",
/// "1.98 PFLOP/s".
std::string format_value(double v, Unit unit, std::string_view suffix = "");

/// XML-escaped text for element content and attribute values: & < > " ' become entities, control
/// characters other than tab and newline are dropped and invalid UTF-8 bytes become U+FFFD.
std::string escape(std::string_view text);

/// Estimated width in pixels of `text` at `font_px` (sans-serif, counted per code point).
double text_width(std::string_view text, double font_px);

/// The Okabe-Ito palette (Okabe & Ito, "Color Universal Design", 2008), reordered so the first
/// colours have the most contrast on white; `i` wraps around the eight colours.
const std::string& palette(size_t i);

enum class SeriesStyle { line, step, markers };
enum class Marker { circle, square, triangle, diamond };

struct Series {
  Series() = default;
  Series(std::string name_, std::vector<std::pair<double, double>> points_ = {},
         SeriesStyle style_ = SeriesStyle::line, std::string colour_ = "", std::string dash_ = "")
      : name(std::move(name_)),
        points(std::move(points_)),
        style(style_),
        colour(std::move(colour_)),
        dash(std::move(dash_)) {}

  std::string name;
  std::vector<std::pair<double, double>> points;  ///< (x, y); steps and lines in this order
  SeriesStyle style = SeriesStyle::line;
  std::string colour;  ///< "" = the next palette colour among series without a colour
  std::string dash;    ///< SVG stroke-dasharray, "" = solid
  Marker marker = Marker::circle;
  double stroke_px = 2;
  std::vector<std::string> tooltips;  ///< per point (markers): shown on hover by browsers
  bool in_legend = true;
};

/// A legend entry not tied to one series (e.g. "circle = decode" in a roofline).
struct LegendEntry {
  enum class Kind { line, swatch, marker };
  LegendEntry() = default;
  LegendEntry(std::string name_, std::string colour_, Kind kind_ = Kind::line,
              std::string dash_ = "", Marker marker_ = Marker::circle)
      : name(std::move(name_)),
        colour(std::move(colour_)),
        kind(kind_),
        dash(std::move(dash_)),
        marker(marker_) {}

  std::string name;
  std::string colour;
  Kind kind = Kind::line;
  std::string dash;
  Marker marker = Marker::circle;
};

struct XYChart {
  std::string id = "chart";  ///< unique within a page: prefixes the clip-path id
  std::string title;
  Axis x, y;
  std::vector<Series> series;
  std::vector<LegendEntry> extra_legend;  ///< appended after the series' entries
  double width_px = 720;
  double plot_height_px = 300;
  std::string note;  ///< a line of small text under the legend
};

struct BarSeries {
  BarSeries() = default;
  BarSeries(std::string name_, std::string colour_ = "")
      : name(std::move(name_)), colour(std::move(colour_)) {}

  std::string name;
  std::vector<double> values;       ///< one per category
  std::string colour;               ///< "" = palette by series index
  std::vector<std::string> labels;  ///< per category text at the bar end; "" = none
};

struct BarChart {
  std::string id = "bars";
  std::string title;
  std::vector<std::string> categories;
  std::vector<BarSeries> series;
  Axis value_axis;
  bool stacked = false;
  bool horizontal = true;
  bool total_labels = false;  ///< stacked: the stack's total at its end
  double width_px = 720;
  double plot_height_px = 260;  ///< vertical charts only; horizontal ones grow per category
  std::string note;
};

std::string render(const XYChart& chart);
std::string render(const BarChart& chart);

}  // namespace kvsim::core::svg
