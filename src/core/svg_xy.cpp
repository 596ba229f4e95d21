// Line, step and marker charts on linear or log axes (include/kvsim/core/svg.h).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "svg_parts.h"

namespace kvsim::core::svg {

using namespace detail;

namespace {

struct Extent {
  double lo = std::numeric_limits<double>::max();
  double hi = std::numeric_limits<double>::lowest();
  bool empty() const { return lo > hi; }
  void add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

bool drawable_on(const Axis& a, double v) {
  return std::isfinite(v) && (a.scale == Scale::linear || v > 0);
}

std::string series_path(const Series& s, const AxisMap& xm, const AxisMap& ym) {
  std::string d;
  bool open = false;
  for (const auto& [x, y] : s.points) {
    if (!xm.drawable(x) || !ym.drawable(y)) {
      open = false;
      continue;
    }
    const double px_x = xm(x), px_y = ym(y);
    if (!open) {
      d += fmt::format("{}M{},{}", d.empty() ? "" : " ", px(px_x), px(px_y));
      open = true;
    } else if (s.style == SeriesStyle::step) {
      d += fmt::format(" H{} V{}", px(px_x), px(px_y));
    } else {
      d += fmt::format(" L{},{}", px(px_x), px(px_y));
    }
  }
  return d;
}

std::string draw_series(const Series& s, const std::string& colour, const AxisMap& xm,
                        const AxisMap& ym) {
  std::string out = fmt::format("<g class=\"series\" data-name=\"{}\">\n", escape(s.name));
  if (s.style == SeriesStyle::markers) {
    for (size_t i = 0; i < s.points.size(); ++i) {
      const auto [x, y] = s.points[i];
      if (!xm.drawable(x) || !ym.drawable(y)) continue;
      out +=
          marker_element(s.marker, xm(x), ym(y), 4.5,
                         fmt::format("fill=\"{}\" stroke=\"#ffffff\" stroke-width=\"1\"", colour),
                         i < s.tooltips.size() ? s.tooltips[i] : s.name);
      out += "\n";
    }
  } else {
    const std::string d = series_path(s, xm, ym);
    if (!d.empty()) {
      out += fmt::format(
          "<path class=\"series-line\" d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\" "
          "stroke-linejoin=\"round\"{}><title>{}</title></path>\n",
          d, colour, px(s.stroke_px),
          s.dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", s.dash), escape(s.name));
    }
  }
  return out + "</g>\n";
}

}  // namespace

std::string render(const XYChart& c) {
  Extent xe, ye;
  size_t skipped = 0, drawn = 0;
  for (const Series& s : c.series) {
    for (const auto& [x, y] : s.points) {
      if (!drawable_on(c.x, x) || !drawable_on(c.y, y)) {
        ++skipped;
        continue;
      }
      ++drawn;
      xe.add(x);
      ye.add(y);
    }
  }
  if (xe.empty()) xe = c.x.scale == Scale::log ? Extent{1, 10} : Extent{0, 1};
  if (ye.empty()) ye = c.y.scale == Scale::log ? Extent{1, 10} : Extent{0, 1};

  AxisMap xm{choose_ticks(xe.lo, xe.hi, c.x), c.x.scale};
  AxisMap ym{choose_ticks(ye.lo, ye.hi, c.y), c.y.scale};
  const double top = title_height(c.title) + 8;
  const double left = 28 + max_label_width(ym.ticks) + 12;
  const double last_label =
      xm.ticks.ticks.empty() ? 0 : text_width(xm.ticks.ticks.back().label, kFontPx);
  const double right = std::max(18.0, last_label / 2 + 8);
  const double plot_w = std::max(80.0, c.width_px - left - right);
  const double bottom = top + c.plot_height_px;
  xm.p0 = left;
  xm.p1 = left + plot_w;
  ym.p0 = bottom;
  ym.p1 = top;

  std::vector<LegendEntry> entries;
  std::vector<std::string> colours;
  size_t auto_colour = 0;
  for (const Series& s : c.series) {
    colours.push_back(s.colour.empty() ? palette(auto_colour++) : s.colour);
    if (!s.in_legend) continue;
    LegendEntry e{s.name, colours.back(), LegendEntry::Kind::line, s.dash, s.marker};
    if (s.style == SeriesStyle::markers) e.kind = LegendEntry::Kind::marker;
    entries.push_back(e);
  }
  entries.insert(entries.end(), c.extra_legend.begin(), c.extra_legend.end());

  std::string note = c.note;
  if (skipped > 0) {
    note += fmt::format("{}{} point{} not drawable (not finite, or not positive on a log axis)",
                        note.empty() ? "" : "; ", skipped, skipped == 1 ? " is" : "s are");
  }
  const double legend_y = bottom + 48;
  const double legend_w = c.width_px - 20;
  const double lh = legend_height(entries, legend_w);
  const double height = legend_y + lh + (note.empty() ? 6 : 24);

  std::string out = open_svg(c.title, c.width_px, height);
  const std::string clip = safe_id(c.id) + "-clip";
  out += fmt::format(
      "<defs><clipPath id=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>"
      "</defs>\n",
      clip, px(left - 6), px(top - 6), px(plot_w + 12), px(c.plot_height_px + 12));
  out += fmt::format(
      "<rect class=\"plot-area\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
      px(left), px(top), px(plot_w), px(c.plot_height_px));
  out += left_axis(ym, c.y, left, left + plot_w, 16, true);
  out += bottom_axis(xm, c.x, bottom, top, true);
  out += fmt::format("<g class=\"data\" clip-path=\"url(#{})\">\n", clip);
  for (size_t i = 0; i < c.series.size(); ++i)
    out += draw_series(c.series[i], colours[i], xm, ym);
  out += "</g>\n";
  if (drawn == 0) {
    out += fmt::format(
        "<text class=\"no-data\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"#555555\">no "
        "data</text>\n",
        px(left + plot_w / 2), px(top + c.plot_height_px / 2));
  }
  out += legend(entries, 10, legend_y, legend_w);
  out += note_text(note, 10, legend_y + lh + 14, c.width_px - 20);
  return out + "</svg>\n";
}

}  // namespace kvsim::core::svg
