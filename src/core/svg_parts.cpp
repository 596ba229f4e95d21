#include "svg_parts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kvsim::core::svg::detail {

std::string px(double v) {
  std::string s = fmt::format("{:.1f}", v);
  return s == "-0.0" ? "0.0" : s;
}

std::string fit_text(std::string_view text, double max_px, double font_px) {
  if (text_width(text, font_px) <= max_px) return std::string(text);
  const std::string_view ellipsis = "…";
  std::string_view cut = text;
  while (!cut.empty()) {
    size_t end = cut.size() - 1;
    while (end > 0 && (static_cast<unsigned char>(cut[end]) & 0xC0) == 0x80)
      --end;
    cut = cut.substr(0, end);
    if (text_width(cut, font_px) + text_width(ellipsis, font_px) <= max_px) break;
  }
  return std::string(cut) + std::string(ellipsis);
}

std::string safe_id(std::string_view id) {
  std::string out;
  for (char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_')
      out += c;
  }
  return out.empty() ? "chart" : out;
}

double AxisMap::operator()(double v) const {
  double f;
  if (scale == Scale::log) {
    f = (std::log10(v) - std::log10(ticks.lo)) / (std::log10(ticks.hi) - std::log10(ticks.lo));
  } else {
    f = (v - ticks.lo) / (ticks.hi - ticks.lo);
  }
  return p0 + f * (p1 - p0);
}

bool AxisMap::drawable(double v) const {
  return std::isfinite(v) && (scale == Scale::linear || v > 0);
}

double title_height(std::string_view title) {
  return title.empty() ? 12 : 34;
}

std::string open_svg(std::string_view title, double width, double height) {
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"kvsim-chart\" width=\"{0}\" "
      "height=\"{1}\" viewBox=\"0 0 {0} {1}\" role=\"img\" font-family=\"DejaVu Sans, Verdana, "
      "Helvetica, Arial, sans-serif\" font-size=\"{2}\">\n",
      px(width), px(height), kFontPx);
  out += fmt::format("<title>{}</title>\n", escape(title));
  out += fmt::format(
      "<rect class=\"background\" x=\"0\" y=\"0\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>\n",
      px(width), px(height));
  if (!title.empty()) {
    out += fmt::format(
        "<text class=\"chart-title\" x=\"10\" y=\"21\" font-size=\"{}\" font-weight=\"bold\" "
        "fill=\"{}\">{}</text>\n",
        kTitlePx, kTextColour, escape(fit_text(title, width - 20, kTitlePx)));
  }
  return out;
}

double max_label_width(const TickSet& ticks) {
  double w = 0;
  for (const Tick& t : ticks.ticks)
    w = std::max(w, text_width(t.label, kFontPx));
  return w;
}

namespace {

/// The smallest stride k such that labelling every k-th tick leaves no two labels closer than
/// `fits(i, j)` allows.
template <class Fits>
size_t label_stride(size_t n, Fits fits) {
  for (size_t k = 1; k < n; ++k) {
    bool ok = true;
    for (size_t i = 0; i + k < n && ok; i += k)
      ok = fits(i, i + k);
    if (ok) return k;
  }
  return std::max<size_t>(n, 1);
}

}  // namespace

std::string bottom_axis(const AxisMap& m, const Axis& axis, double y, double grid_top, bool grid) {
  const auto& ticks = m.ticks.ticks;
  const size_t stride = label_stride(ticks.size(), [&](size_t i, size_t j) {
    const double gap = std::abs(m(ticks[j].value) - m(ticks[i].value));
    return gap >=
           (text_width(ticks[i].label, kFontPx) + text_width(ticks[j].label, kFontPx)) / 2 + 8;
  });
  std::string out = "<g class=\"x-axis\">\n";
  for (size_t i = 0; i < ticks.size(); ++i) {
    const std::string x = px(m(ticks[i].value));
    if (grid) {
      out += fmt::format(
          "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n", x,
          px(grid_top), px(y), kGridColour);
    }
    out += fmt::format(
        "<g class=\"tick\"><line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>", x,
        px(y), px(y + 5), kAxisColour);
    if (i % stride == 0) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>", x,
                         px(y + 18), kTextColour, escape(ticks[i].label));
    }
    out += "</g>\n";
  }
  out += fmt::format(
      "<line class=\"axis-line\" x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\"/>\n",
      px(m.p0), px(m.p1), px(y), kAxisColour);
  out += fmt::format(
      "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{}\">{}</text>\n",
      px((m.p0 + m.p1) / 2), px(y + 38), kTextColour,
      escape(fit_text(axis.title, std::abs(m.p1 - m.p0) + 60, kFontPx)));
  return out + "</g>\n";
}

std::string left_axis(const AxisMap& m, const Axis& axis, double x, double grid_right,
                      double title_x, bool grid) {
  const auto& ticks = m.ticks.ticks;
  const size_t stride = label_stride(ticks.size(), [&](size_t i, size_t j) {
    return std::abs(m(ticks[j].value) - m(ticks[i].value)) >= 16;
  });
  std::string out = "<g class=\"y-axis\">\n";
  for (size_t i = 0; i < ticks.size(); ++i) {
    const std::string y = px(m(ticks[i].value));
    if (grid) {
      out += fmt::format(
          "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"{3}\"/>\n",
          px(x), y, px(grid_right), kGridColour);
    }
    out += fmt::format(
        "<g class=\"tick\"><line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\"/>",
        px(x - 5), px(x), y, kAxisColour);
    if (i % stride == 0) {
      out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"{}\">{}</text>",
                         px(x - 8), px(m(ticks[i].value) + 4), kTextColour, escape(ticks[i].label));
    }
    out += "</g>\n";
  }
  out += fmt::format(
      "<line class=\"axis-line\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"{3}\"/>\n",
      px(x), px(m.p0), px(m.p1), kAxisColour);
  const double cy = (m.p0 + m.p1) / 2;
  out += fmt::format(
      "<text class=\"axis-title\" x=\"{0}\" y=\"{1}\" transform=\"rotate(-90 {0} {1})\" "
      "text-anchor=\"middle\" fill=\"{2}\">{3}</text>\n",
      px(title_x), px(cy), kTextColour,
      escape(fit_text(axis.title, std::abs(m.p1 - m.p0) + 40, kFontPx)));
  return out + "</g>\n";
}

namespace {

constexpr double kSymbolPx = 22;
constexpr double kEntryGapPx = 18;

struct PlacedEntry {
  size_t index;
  double x;
  int row;
  std::string text;
};

std::vector<PlacedEntry> place_legend(const std::vector<LegendEntry>& entries, double width_px) {
  std::vector<PlacedEntry> placed;
  double x = 0;
  int row = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    std::string text = fit_text(entries[i].name, width_px - kSymbolPx - 6, kFontPx);
    const double w = kSymbolPx + 6 + text_width(text, kFontPx);
    if (x > 0 && x + w > width_px) {
      x = 0;
      ++row;
    }
    placed.push_back({i, x, row, std::move(text)});
    x += w + kEntryGapPx;
  }
  return placed;
}

}  // namespace

double legend_height(const std::vector<LegendEntry>& entries, double width_px) {
  if (entries.empty()) return 0;
  return (place_legend(entries, width_px).back().row + 1) * kLegendRowPx;
}

std::string legend(const std::vector<LegendEntry>& entries, double x, double y, double width_px) {
  if (entries.empty()) return "";
  std::string out = "<g class=\"legend\">\n";
  for (const PlacedEntry& p : place_legend(entries, width_px)) {
    const LegendEntry& e = entries[p.index];
    const double ex = x + p.x, ey = y + p.row * kLegendRowPx + kLegendRowPx / 2;
    out += "<g class=\"legend-item\">";
    switch (e.kind) {
      case LegendEntry::Kind::line:
        out += fmt::format(
            "<line x1=\"{0}\" y1=\"{2}\" x2=\"{1}\" y2=\"{2}\" stroke=\"{3}\" "
            "stroke-width=\"2.5\"{4}/>",
            px(ex), px(ex + kSymbolPx), px(ey), e.colour,
            e.dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", e.dash));
        break;
      case LegendEntry::Kind::swatch:
        out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"16\" height=\"11\" fill=\"{}\"/>",
                           px(ex + 3), px(ey - 5.5), e.colour);
        break;
      case LegendEntry::Kind::marker:
        out += marker_element(e.marker, ex + kSymbolPx / 2, ey, 5,
                              fmt::format("fill=\"{}\" stroke=\"#ffffff\"", e.colour), "",
                              "legend-marker");
        break;
    }
    out += fmt::format("<text x=\"{}\" y=\"{}\" fill=\"{}\">{}</text></g>\n",
                       px(ex + kSymbolPx + 6), px(ey + 4), kTextColour, escape(p.text));
  }
  return out + "</g>\n";
}

std::string marker_element(Marker m, double cx, double cy, double r, std::string_view attrs,
                           std::string_view tooltip, std::string_view cls) {
  std::string tag, geometry;
  switch (m) {
    case Marker::circle:
      tag = "circle";
      geometry = fmt::format("cx=\"{}\" cy=\"{}\" r=\"{}\"", px(cx), px(cy), px(r));
      break;
    case Marker::square:
      tag = "rect";
      geometry = fmt::format("x=\"{0}\" y=\"{1}\" width=\"{2}\" height=\"{2}\"", px(cx - r * 0.85),
                             px(cy - r * 0.85), px(r * 1.7));
      break;
    case Marker::triangle:
      tag = "path";
      geometry =
          fmt::format("d=\"M{},{} L{},{} L{},{} Z\"", px(cx), px(cy - r * 1.1), px(cx + r * 1.05),
                      px(cy + r * 0.8), px(cx - r * 1.05), px(cy + r * 0.8));
      break;
    case Marker::diamond:
      tag = "path";
      geometry = fmt::format("d=\"M{0},{1} L{2},{3} L{0},{4} L{5},{3} Z\"", px(cx),
                             px(cy - r * 1.2), px(cx + r), px(cy), px(cy + r * 1.2), px(cx - r));
      break;
  }
  std::string out = fmt::format("<{} class=\"{}\" {} {}", tag, cls, geometry, attrs);
  if (tooltip.empty()) return out + "/>";
  return out + fmt::format("><title>{}</title></{}>", escape(tooltip), tag);
}

std::string note_text(std::string_view note, double x, double y, double width_px) {
  if (note.empty()) return "";
  return fmt::format(
      "<text class=\"note\" x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#555555\">{}</text>\n", px(x),
      px(y), kSmallPx, escape(fit_text(note, width_px, kSmallPx)));
}

}  // namespace kvsim::core::svg::detail
