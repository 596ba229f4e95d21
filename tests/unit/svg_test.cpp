// The SVG chart library: ticks and their labels, value formatting, escaping, and the structure of
// rendered charts (series, markers, bars, legends, thinned labels).

#include "kvsim/core/svg.h"

#include <gtest/gtest.h>

#include <cmath>

namespace kvsim::core::svg {
namespace {

size_t count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

std::vector<std::string> labels(const TickSet& t) {
  std::vector<std::string> out;
  for (const Tick& tick : t.ticks)
    out.push_back(tick.label);
  return out;
}

using Labels = std::vector<std::string>;

TEST(SvgText, EscapesMarkupAndRepairsBadBytes) {
  EXPECT_EQ(escape("a<b & \"c\" 'd'>"), "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(escape(std::string("x\x01y\x7Fz\tw", 8)), "xyz\tw");  // control characters dropped
  EXPECT_EQ(escape("250 µs ≤ 2 s"), "250 µs ≤ 2 s");              // valid UTF-8 kept
  EXPECT_EQ(escape("bad\xC3"), "bad\xEF\xBF\xBD");                // truncated sequence
  EXPECT_EQ(escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");      // overlong '/'
  EXPECT_EQ(escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

TEST(SvgTicks, LinearNumbersUseOneTwoFiveSteps) {
  const TickSet t = choose_ticks(0, 97, Axis("n"));
  EXPECT_EQ(labels(t), (Labels{"0", "20", "40", "60", "80", "100"}));
  EXPECT_DOUBLE_EQ(t.lo, 0);
  EXPECT_DOUBLE_EQ(t.hi, 100);
  EXPECT_EQ(labels(choose_ticks(1200, 15500, Axis("rate", Unit::number, "tok/s"))),
            (Labels{"0 ktok/s", "5 ktok/s", "10 ktok/s", "15 ktok/s", "20 ktok/s"}));
  // Negative data keeps zero in range and labels carry the sign.
  EXPECT_EQ(labels(choose_ticks(-3, 4, Axis("d"))),
            (Labels{"-3", "-2", "-1", "0", "1", "2", "3", "4"}));
}

TEST(SvgTicks, UnitsScaleTheLabels) {
  const double gib = 1024.0 * 1024 * 1024;
  EXPECT_EQ(labels(choose_ticks(0, 45 * gib, Axis("kv", Unit::bytes))),
            (Labels{"0 GiB", "10 GiB", "20 GiB", "30 GiB", "40 GiB", "50 GiB"}));
  EXPECT_EQ(labels(choose_ticks(0, 0.9, Axis("t", Unit::seconds))),
            (Labels{"0 ms", "200 ms", "400 ms", "600 ms", "800 ms", "1000 ms"}));
  EXPECT_EQ(labels(choose_ticks(0, 0.7, Axis("$", Unit::usd))),
            (Labels{"$0.00", "$0.10", "$0.20", "$0.30", "$0.40", "$0.50", "$0.60", "$0.70"}));
  EXPECT_EQ(labels(choose_ticks(-0.5, 0.5, Axis("$", Unit::usd))),
            (Labels{"-$0.60", "-$0.40", "-$0.20", "$0.00", "$0.20", "$0.40", "$0.60"}));
  Axis share("share", Unit::fraction);
  share.min = 0;
  share.max = 1;
  const TickSet f = choose_ticks(0.3, 0.9, share);
  EXPECT_EQ(labels(f), (Labels{"0%", "20%", "40%", "60%", "80%", "100%"}));
  EXPECT_DOUBLE_EQ(f.lo, 0);
  EXPECT_DOUBLE_EQ(f.hi, 1);
}

TEST(SvgTicks, LogAxesLabelDecadesExactly) {
  Axis ai("intensity", Unit::number, "FLOP/B", Scale::log);
  EXPECT_EQ(labels(choose_ticks(3, 2e4, ai)), (Labels{"1 FLOP/B", "10 FLOP/B", "100 FLOP/B",
                                                      "1 kFLOP/B", "10 kFLOP/B", "100 kFLOP/B"}));
  Axis rate("rate", Unit::number, "FLOP/s", Scale::log);
  EXPECT_EQ(labels(choose_ticks(2e12, 1.9e15, rate)),
            (Labels{"1 TFLOP/s", "10 TFLOP/s", "100 TFLOP/s", "1 PFLOP/s", "10 PFLOP/s"}));
  Axis t("latency", Unit::seconds, "", Scale::log);
  EXPECT_EQ(labels(choose_ticks(0.02, 900, t)),
            (Labels{"10 ms", "100 ms", "1 s", "10 s", "100 s", "1000 s"}));
  // Two decades or fewer get 2 and 5 between the decades.
  EXPECT_EQ(labels(choose_ticks(2, 80, Axis("x", Unit::number, "", Scale::log))),
            (Labels{"1", "2", "5", "10", "20", "50", "100"}));
  EXPECT_EQ(labels(choose_ticks(0.003, 0.04, Axis("x", Unit::number, "", Scale::log))),
            (Labels{"0.001", "0.002", "0.005", "0.01", "0.02", "0.05", "0.1"}));
}

TEST(SvgFormat, ThreeSignificantDigitsInTheUnit) {
  EXPECT_EQ(format_value(36.6 * 1024 * 1024 * 1024, Unit::bytes), "36.6 GiB");
  EXPECT_EQ(format_value(512, Unit::bytes), "512 B");
  EXPECT_EQ(format_value(0.25, Unit::seconds), "250 ms");
  EXPECT_EQ(format_value(932.6, Unit::seconds), "933 s");
  EXPECT_EQ(format_value(4.5e-5, Unit::seconds), "45.0 µs");
  EXPECT_EQ(format_value(0.42345, Unit::usd), "$0.423");
  EXPECT_EQ(format_value(0.000536, Unit::usd), "$0.000536");
  EXPECT_EQ(format_value(12.3, Unit::usd), "$12.30");
  EXPECT_EQ(format_value(0.125, Unit::fraction), "12.5%");
  EXPECT_EQ(format_value(1.979e15, Unit::number, "FLOP/s"), "1.98 PFLOP/s");
  EXPECT_EQ(format_value(std::nan(""), Unit::number), "n/a");
}

XYChart sample_chart() {
  XYChart c;
  c.id = "sample";
  c.title = "Sample <chart> & \"friends\"";
  c.x = Axis("time", Unit::seconds);
  c.y = Axis("memory", Unit::bytes);
  c.series.push_back(Series("line a", {{0, 1e9}, {1, 2e9}, {2, 1.5e9}}));
  c.series.push_back(Series("line b", {{0, 0.5e9}, {2, 3e9}}));
  c.series.push_back(Series("steps", {{0, 0}, {1, 1e9}, {2, 2e9}}, SeriesStyle::step));
  Series m("dots", {{0.5, 1e9}, {1.5, 2e9}}, SeriesStyle::markers);
  m.marker = Marker::triangle;
  m.tooltips = {"first <dot>", "second"};
  c.series.push_back(m);
  c.extra_legend.push_back(LegendEntry("guide", "#666666", LegendEntry::Kind::line, "4 2"));
  return c;
}

TEST(SvgXYChart, OneGroupPerSeriesAndAMarkerPerPoint) {
  const std::string s = render(sample_chart());
  EXPECT_EQ(s.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(s.substr(s.size() - 7), "</svg>\n");
  EXPECT_EQ(count(s, "<g class=\"series\""), 4u);
  EXPECT_EQ(count(s, "class=\"series-line\""), 3u);
  EXPECT_EQ(count(s, "<path class=\"marker\""), 2u);  // triangles
  EXPECT_EQ(count(s, "class=\"legend-item\""), 5u);   // four series + the extra entry
  EXPECT_NE(s.find(" H"), std::string::npos);         // the step series
  EXPECT_NE(s.find("<title>first &lt;dot&gt;</title>"), std::string::npos);
  EXPECT_NE(s.find("Sample &lt;chart&gt; &amp; &quot;friends&quot;"), std::string::npos);
  EXPECT_EQ(s.find("<chart>"), std::string::npos);
  EXPECT_NE(s.find("clip-path=\"url(#sample-clip)\""), std::string::npos);
  EXPECT_NE(s.find(">3.0 GiB<"), std::string::npos);  // y ticks in GiB
  EXPECT_NE(s.find(">2.0 s<"), std::string::npos);    // x ticks in seconds
}

TEST(SvgXYChart, SameChartSameBytes) {
  EXPECT_EQ(render(sample_chart()), render(sample_chart()));
}

TEST(SvgXYChart, CrowdedTickLabelsAreThinnedNotOverlapped) {
  XYChart c;
  c.width_px = 260;
  c.x = Axis("value", Unit::number, "FLOP/s");
  c.series.push_back(Series("s", {{0, 0}, {1.234e15, 1}}));
  const std::string s = render(c);
  const size_t ticks = count(s, "<g class=\"tick\">");
  const size_t labelled = count(s, "<g class=\"tick\"><line") - count(s, "\"/></g>\n");
  EXPECT_GT(ticks, 0u);
  EXPECT_LT(labelled, ticks);
}

TEST(SvgXYChart, LogAxesSkipAndCountPointsTheyCannotDraw) {
  XYChart c;
  c.x = Axis("x", Unit::number, "", Scale::log);
  c.y = Axis("y", Unit::number, "", Scale::log);
  c.series.push_back(
      Series("m", {{0, 1}, {10, 100}, {100, -1}, {1000, 1e4}}, SeriesStyle::markers));
  const std::string s = render(c);
  EXPECT_EQ(count(s, "<circle class=\"marker\""), 2u);
  EXPECT_NE(s.find("2 points are not drawable"), std::string::npos);
}

TEST(SvgXYChart, EmptyChartSaysSo) {
  XYChart c;
  c.title = "nothing";
  EXPECT_NE(render(c).find(">no data</text>"), std::string::npos);
}

TEST(SvgBarChart, StackedHorizontalBarsWithTotals) {
  BarChart c;
  c.title = "memory";
  c.categories = {"a", "b",
                  "a very long category name that will not fit in the label column at all"};
  c.series = {BarSeries("weights"), BarSeries("kv")};
  c.series[0].values = {10, 20, 30};
  c.series[1].values = {5, 0, 7};
  c.stacked = true;
  c.total_labels = true;
  c.value_axis = Axis("bytes", Unit::bytes);
  const std::string s = render(c);
  EXPECT_EQ(count(s, "<rect class=\"bar\""), 5u);  // zero-length segments are not drawn
  EXPECT_EQ(count(s, "class=\"bar-label\""), 3u);
  EXPECT_NE(s.find(">15 B</text>"), std::string::npos);
  EXPECT_NE(s.find("…"), std::string::npos);  // the long name is cut...
  EXPECT_NE(s.find("<title>a very long category name that will not fit in the label column at "
                   "all</title>"),
            std::string::npos);  // ...and kept whole in its tooltip
  EXPECT_EQ(count(s, "class=\"legend-item\""), 2u);
  EXPECT_EQ(s, render(c));
}

TEST(SvgBarChart, GroupedVerticalBarsRotateLongCategoryLabels) {
  BarChart c;
  c.horizontal = false;
  c.width_px = 300;
  c.categories = {"NVIDIA H100 SXM5 80GB", "NVIDIA H200 SXM5 141GB", "AMD MI300X"};
  c.series = {BarSeries("input"), BarSeries("output")};
  c.series[0].values = {1, 2, 3};
  c.series[1].values = {4, 5, 6};
  c.series[1].labels = {"$4", "$5", "$6"};
  c.value_axis = Axis("dollars", Unit::usd);
  const std::string s = render(c);
  EXPECT_EQ(count(s, "<rect class=\"bar\""), 6u);
  EXPECT_EQ(count(s, "rotate(-35"), 3u);
  EXPECT_EQ(count(s, "class=\"bar-label\""), 3u);
}

}  // namespace
}  // namespace kvsim::core::svg
