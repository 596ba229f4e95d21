// Grouped and stacked bar charts, horizontal or vertical (include/kvsim/core/svg.h).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "svg_parts.h"

namespace kvsim::core::svg {

using namespace detail;

namespace {

/// Category labels take at most this share of the chart's width (longer ones are cut with …).
constexpr double kMaxCategoryShare = 0.36;

double value_at(const BarSeries& s, size_t category) {
  if (category >= s.values.size() || !std::isfinite(s.values[category])) return 0;
  return s.values[category];
}

std::string label_at(const BarSeries& s, size_t category) {
  return category < s.labels.size() ? s.labels[category] : "";
}

/// One bar segment in value space: [from, to] along the value axis.
struct Segment {
  size_t category, series, slot;  ///< slot: position within a group (0 when stacked)
  double from, to;
};

struct Layout {
  std::vector<Segment> segments;
  std::vector<std::pair<double, std::string>> end_labels;  ///< per segment index: value end, text
  double lo = 0, hi = 0;
};

Layout lay_out(const BarChart& c) {
  Layout l;
  for (size_t k = 0; k < c.categories.size(); ++k) {
    double pos = 0, neg = 0;
    for (size_t s = 0; s < c.series.size(); ++s) {
      const double v = value_at(c.series[s], k);
      Segment seg{k, s, c.stacked ? 0 : s, 0, v};
      if (c.stacked) {
        double& base = v >= 0 ? pos : neg;
        seg.from = base;
        seg.to = base + v;
        base = seg.to;
      }
      l.lo = std::min({l.lo, seg.from, seg.to});
      l.hi = std::max({l.hi, seg.from, seg.to});
      l.segments.push_back(seg);
      l.end_labels.emplace_back(seg.to, c.stacked ? "" : label_at(c.series[s], k));
    }
    if (c.stacked && !c.series.empty()) {
      std::string text;
      if (c.total_labels) text = format_value(pos + neg, c.value_axis.unit, c.value_axis.suffix);
      for (size_t s = 0; s < c.series.size() && text.empty(); ++s)
        text = label_at(c.series[s], k);
      l.end_labels[l.end_labels.size() - 1] = {neg < 0 && pos == 0 ? neg : pos, text};
    }
  }
  return l;
}

std::string bar_rect(double x, double y, double w, double h, const std::string& colour,
                     const std::string& tooltip) {
  return fmt::format(
      "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
      "fill=\"{}\"><title>{}</title>"
      "</rect>\n",
      px(x), px(y), px(std::max(0.0, w)), px(std::max(0.0, h)), colour, escape(tooltip));
}

std::string tooltip(const BarChart& c, const Segment& s) {
  return fmt::format("{} — {}: {}", c.categories[s.category], c.series[s.series].name,
                     format_value(s.to - s.from, c.value_axis.unit, c.value_axis.suffix));
}

std::vector<LegendEntry> legend_entries(const BarChart& c,
                                        const std::vector<std::string>& colours) {
  std::vector<LegendEntry> entries;
  if (c.series.size() == 1 && c.series[0].name.empty()) return entries;
  for (size_t s = 0; s < c.series.size(); ++s)
    entries.push_back(
        {c.series[s].name, colours[s], LegendEntry::Kind::swatch, "", Marker::circle});
  return entries;
}

std::string render_horizontal(const BarChart& c, const Layout& l,
                              const std::vector<std::string>& colours) {
  AxisMap vm{choose_ticks(l.lo, l.hi, c.value_axis), Scale::linear};
  double cat_w = 0;
  for (const auto& name : c.categories)
    cat_w = std::max(cat_w, std::min(c.width_px * kMaxCategoryShare, text_width(name, kFontPx)));
  double label_w = 0;
  for (const auto& [v, text] : l.end_labels)
    label_w = std::max(label_w, text_width(text, kSmallPx));
  const double top = title_height(c.title) + 8;
  const double left = 10 + cat_w + 12;
  const double last_tick =
      vm.ticks.ticks.empty() ? 0 : text_width(vm.ticks.ticks.back().label, kFontPx) / 2;
  const double right = std::max({18.0, label_w + 12, last_tick + 8});
  const double plot_w = std::max(80.0, c.width_px - left - right);
  const size_t n = c.series.size();
  const double bar_h = c.stacked || n <= 1 ? 20 : 14;
  const double pitch =
      (c.stacked ? bar_h : bar_h * static_cast<double>(std::max<size_t>(n, 1))) + 12;
  const double plot_h = pitch * static_cast<double>(c.categories.size()) + 6;
  vm.p0 = left;
  vm.p1 = left + plot_w;
  const double bottom = top + plot_h;

  const std::vector<LegendEntry> entries = legend_entries(c, colours);
  const double legend_y = bottom + 48;
  const double lh = legend_height(entries, c.width_px - 20);
  const double height = legend_y + lh + (c.note.empty() ? 6 : 24);

  std::string out = open_svg(c.title, c.width_px, height);
  out += bottom_axis(vm, c.value_axis, bottom, top, true);
  out += "<g class=\"categories\">\n";
  for (size_t k = 0; k < c.categories.size(); ++k) {
    const double cy = top + 6 + pitch * static_cast<double>(k) + (pitch - 12) / 2;
    out += fmt::format(
        "<text class=\"category\" x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\">{}<title>{}"
        "</title></text>\n",
        px(left - 8), px(cy + 4), kTextColour, escape(fit_text(c.categories[k], cat_w, kFontPx)),
        escape(c.categories[k]));
  }
  out += "</g>\n<g class=\"data\">\n";
  for (size_t i = 0; i < l.segments.size(); ++i) {
    const Segment& s = l.segments[i];
    const double y =
        top + 6 + pitch * static_cast<double>(s.category) + bar_h * static_cast<double>(s.slot);
    const double x0 = vm(std::min(s.from, s.to)), x1 = vm(std::max(s.from, s.to));
    if (s.to != s.from)
      out += bar_rect(x0, y, x1 - x0, bar_h - 1, colours[s.series], tooltip(c, s));
    const auto& [end, text] = l.end_labels[i];
    if (text.empty()) continue;
    const bool negative = end < 0;
    const double bar_top = c.stacked ? top + 6 + pitch * static_cast<double>(s.category) : y;
    out += fmt::format(
        "<text class=\"bar-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" "
        "fill=\"{}\">{}</text>\n",
        px(vm(end) + (negative ? -4 : 4)), px(bar_top + bar_h / 2 + 4), negative ? "end" : "start",
        kSmallPx, kTextColour, escape(text));
  }
  out += "</g>\n";
  out += legend(entries, 10, legend_y, c.width_px - 20);
  out += note_text(c.note, 10, legend_y + lh + 14, c.width_px - 20);
  return out + "</svg>\n";
}

std::string render_vertical(const BarChart& c, const Layout& l,
                            const std::vector<std::string>& colours) {
  AxisMap vm{choose_ticks(l.lo, l.hi, c.value_axis), Scale::linear};
  const double top = title_height(c.title) + 8 + 14;  // room for labels above the bars
  const double left = 28 + max_label_width(vm.ticks) + 12;
  const double plot_w = std::max(80.0, c.width_px - left - 18);
  const double ncat = static_cast<double>(std::max<size_t>(c.categories.size(), 1));
  const double slot = plot_w / ncat;
  double cat_w = 0;
  for (const auto& name : c.categories)
    cat_w =
        std::max(cat_w, std::min(c.width_px * kMaxCategoryShare * 0.7, text_width(name, kFontPx)));
  const bool rotate = cat_w > slot - 6;
  const double cat_h = rotate ? cat_w * 0.57 + 24 : 24;  // sin(35°) ≈ 0.57
  const double bottom = top + c.plot_height_px;
  vm.p0 = bottom;
  vm.p1 = top;

  const std::vector<LegendEntry> entries = legend_entries(c, colours);
  const double legend_y = bottom + cat_h + 8;
  const double lh = legend_height(entries, c.width_px - 20);
  const double height = legend_y + lh + (c.note.empty() ? 6 : 24);

  std::string out = open_svg(c.title, c.width_px, height);
  out += left_axis(vm, c.value_axis, left, left + plot_w, 16, true);
  out += fmt::format(
      "<line class=\"axis-line\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\"/>\n",
      px(left), px(left + plot_w), px(vm(0 < vm.ticks.lo ? vm.ticks.lo : 0)), kAxisColour);
  out += "<g class=\"categories\">\n";
  for (size_t k = 0; k < c.categories.size(); ++k) {
    const double cx = left + slot * (static_cast<double>(k) + 0.5);
    const std::string text = escape(fit_text(c.categories[k], rotate ? cat_w : slot - 6, kFontPx));
    if (rotate) {
      out += fmt::format(
          "<text class=\"category\" x=\"{0}\" y=\"{1}\" transform=\"rotate(-35 {0} {1})\" "
          "text-anchor=\"end\" fill=\"{2}\">{3}<title>{4}</title></text>\n",
          px(cx + 4), px(bottom + 14), kTextColour, text, escape(c.categories[k]));
    } else {
      out += fmt::format(
          "<text class=\"category\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}<title>"
          "{}</title></text>\n",
          px(cx), px(bottom + 18), kTextColour, text, escape(c.categories[k]));
    }
  }
  out += "</g>\n<g class=\"data\">\n";
  const size_t n = std::max<size_t>(c.series.size(), 1);
  const double group_w = slot * (c.stacked ? 0.55 : 0.8);
  const double bar_w = c.stacked ? group_w : group_w / static_cast<double>(n);
  for (size_t i = 0; i < l.segments.size(); ++i) {
    const Segment& s = l.segments[i];
    const double x = left + slot * static_cast<double>(s.category) + (slot - group_w) / 2 +
                     bar_w * static_cast<double>(s.slot);
    const double y0 = vm(std::max(s.from, s.to)), y1 = vm(std::min(s.from, s.to));
    if (s.to != s.from)
      out += bar_rect(x, y0, bar_w - 1, y1 - y0, colours[s.series], tooltip(c, s));
    const auto& [end, text] = l.end_labels[i];
    if (text.empty()) continue;
    out += fmt::format(
        "<text class=\"bar-label\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" "
        "fill=\"{}\">{}</text>\n",
        px(x + bar_w / 2), px(vm(end) + (end < 0 ? 14 : -5)), kSmallPx, kTextColour,
        escape(fit_text(text, std::max(slot, 40.0), kSmallPx)));
  }
  out += "</g>\n";
  out += legend(entries, 10, legend_y, c.width_px - 20);
  out += note_text(c.note, 10, legend_y + lh + 14, c.width_px - 20);
  return out + "</svg>\n";
}

}  // namespace

std::string render(const BarChart& c) {
  std::vector<std::string> colours;
  for (size_t s = 0; s < c.series.size(); ++s)
    colours.push_back(c.series[s].colour.empty() ? palette(s) : c.series[s].colour);
  BarChart linear = c;  // bars start at zero: the value axis is always linear
  linear.value_axis.scale = Scale::linear;
  const Layout l = lay_out(linear);
  return c.horizontal ? render_horizontal(linear, l, colours) : render_vertical(linear, l, colours);
}

}  // namespace kvsim::core::svg
