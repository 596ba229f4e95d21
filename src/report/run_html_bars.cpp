// The bar charts of the HTML report: memory per GPU and the cost comparison of GPU types.

#include <fmt/format.h>

#include <algorithm>

#include "kvsim/report/run_metrics.h"
#include "run_html_parts.h"

namespace kvsim::report::html {
namespace {

namespace svg = core::svg;

/// One GPU type's best point: its cheapest SLO-meeting point, else its cheapest point.
struct SkuRow {
  std::string hardware, point, label;
  std::optional<double> usd_per_mtok, usd_input, usd_output, usd_request;
  int64_t gpus = 0;
  bool slo_met = false;
};

void fill_from_point(SkuRow& r, const RunPoint& p) {
  r.point = p.id;
  r.label = p.label;
  r.gpus = p.gpus;
  r.slo_met = p.slo && p.slo->met;
  r.usd_per_mtok = p.cost->usd_per_mtok;
  r.usd_input = p.cost->usd_per_mtok_input;
  r.usd_output = p.cost->usd_per_mtok_output;
  r.usd_request = p.cost->usd_per_request;
}

std::vector<SkuRow> rows_from_compare(const RunDoc& doc) {
  std::vector<SkuRow> rows;
  for (const CompareEntry& e : *doc.compare) {
    SkuRow r;
    r.hardware = e.hardware;
    const RunPoint* p = e.point.empty() ? nullptr : doc.find(e.point);
    if (p && p->ok() && p->cost) fill_from_point(r, *p);
    r.point = e.point;
    r.usd_per_mtok = e.usd_per_mtok;
    r.slo_met = e.slo_met;
    if (e.gpus > 0) r.gpus = e.gpus;
    rows.push_back(std::move(r));
  }
  return rows;
}

std::vector<SkuRow> rows_from_points(const RunDoc& doc) {
  std::vector<SkuRow> rows;
  for (const RunPoint& p : doc.points) {
    if (!p.ok() || !p.cost || !p.cost->usd_per_mtok) continue;
    auto it = std::find_if(rows.begin(), rows.end(),
                           [&](const SkuRow& r) { return r.hardware == p.hardware; });
    if (it == rows.end()) {
      rows.emplace_back();
      rows.back().hardware = p.hardware;
      it = rows.end() - 1;
    }
    const bool met = p.slo && p.slo->met;
    const bool better = !it->usd_per_mtok || (met && !it->slo_met) ||
                        (met == it->slo_met && *p.cost->usd_per_mtok < *it->usd_per_mtok);
    if (better) fill_from_point(*it, p);
  }
  // Ranked like `kvsim compare`: SLO-meeting types by $ per million tokens, then the others.
  std::stable_sort(rows.begin(), rows.end(), [](const SkuRow& a, const SkuRow& b) {
    if (a.slo_met != b.slo_met) return a.slo_met;
    return a.usd_per_mtok.value_or(0) < b.usd_per_mtok.value_or(0);
  });
  return rows;
}

std::string usd(const std::optional<double>& v) {
  return v ? svg::format_value(*v, svg::Unit::usd) : "—";
}

std::string cost_table(const std::vector<SkuRow>& rows) {
  std::string out =
      "<table class=\"cost\">\n<thead><tr><th>rank</th><th class=\"text\">hardware</th>"
      "<th class=\"text\">point</th><th>GPUs</th><th>$/Mtok</th><th>$/Mtok input</th>"
      "<th>$/Mtok output</th><th>$/request</th><th class=\"text\">SLO</th></tr></thead>\n<tbody>\n";
  int rank = 0;
  for (const SkuRow& r : rows) {
    out += fmt::format(
        "<tr><td class=\"num\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"text\">{}</td></tr>\n",
        r.slo_met ? std::to_string(++rank) : "—", esc(r.hardware),
        r.point.empty() ? "—"
                        : fmt::format("<a href=\"#point-{0}\"><code>{0}</code></a> {1}",
                                      esc(r.point), esc(r.label)),
        r.gpus > 0 ? std::to_string(r.gpus) : "—", usd(r.usd_per_mtok), usd(r.usd_input),
        usd(r.usd_output), usd(r.usd_request),
        r.slo_met ? "<span class=\"met\">✓ met</span>"
                  : "<span class=\"missed\">✗ no point meets it</span>");
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string memory_figure(const RunDoc& doc) {
  svg::BarChart c;
  c.width_px = kChartWidthPx;
  c.id = "memory";
  c.title = "Device memory of one GPU, by use";
  c.value_axis = {"bytes per GPU", svg::Unit::bytes};
  c.stacked = true;
  c.total_labels = true;
  c.series = {{"weights", "#0072B2"},
              {"activations (peak)", "#56B4E9"},
              {"runtime reserve", "#CC79A7"},
              {"KV in use at peak", "#E69F00"},
              {"KV budget left unused", "#F2D49B"},
              {"outside usable memory", "#D9D9D9"}};
  for (const RunPoint& p : doc.points) {
    if (!p.ok()) continue;
    const MemoryView& m = p.memory;
    const double budget = std::max(0.0, m.kv_budget_bytes);
    const double used = std::min(budget, std::max(0.0, m.peak_kv_used_bytes.value_or(0)));
    const double rest = m.capacity_bytes - m.weights_bytes - m.activations_bytes -
                        m.runtime_reserved_bytes - budget;
    const std::vector<double> parts = {
        m.weights_bytes, m.activations_bytes, m.runtime_reserved_bytes, used,
        budget - used,   std::max(0.0, rest)};
    c.categories.push_back(point_name(p));
    for (size_t s = 0; s < parts.size(); ++s)
      c.series[s].values.push_back(parts[s]);
  }
  if (c.categories.empty()) return "";
  return fmt::format(
      "<figure>\n{}<figcaption>{}</figcaption>\n</figure>\n", svg::render(c),
      esc("Per GPU of the binding pipeline stage: weights, the activation peak, the runtime "
          "reserve (CUDA context, graphs, communication buffers), and the KV budget split into "
          "what the replay used at its peak and what stayed free. The bar's end is the device "
          "memory; the grey part is outside the usable share (memory utilization)."));
}

std::string cost_figure(const RunDoc& doc) {
  const bool from_compare = doc.compare.has_value();
  const std::vector<SkuRow> rows = from_compare ? rows_from_compare(doc) : rows_from_points(doc);
  if (rows.empty()) return "";
  svg::BarChart c;
  c.width_px = kChartWidthPx;
  c.id = "cost";
  c.title = "Cost per million tokens, best point of each GPU type";
  c.value_axis = {"US dollars per million tokens (input + output)", svg::Unit::usd};
  c.stacked = true;
  c.series = {{"meets the SLO", "#009E73"}, {"misses the SLO (cheapest point)", "#D55E00"}};
  std::vector<std::string> without;
  // Swept GPU types whose every point failed have no row at all.
  for (const SweepAxis& a : doc.axes) {
    if (a.key != "hardware") continue;
    for (const std::string& h : a.values) {
      if (std::none_of(rows.begin(), rows.end(), [&](const SkuRow& r) { return r.hardware == h; }))
        without.push_back(h + " (no successful point)");
    }
  }
  for (const SkuRow& r : rows) {
    if (!r.usd_per_mtok) {
      without.push_back(r.hardware);
      continue;
    }
    c.categories.push_back(r.gpus > 0 ? fmt::format("{} × {}", r.gpus, r.hardware) : r.hardware);
    const std::string label = fmt::format("{} · {}", usd(r.usd_per_mtok), r.point);
    c.series[0].values.push_back(r.slo_met ? *r.usd_per_mtok : 0);
    c.series[1].values.push_back(r.slo_met ? 0 : *r.usd_per_mtok);
    c.series[0].labels.push_back(r.slo_met ? label : "");
    c.series[1].labels.push_back(r.slo_met ? "" : label);
  }
  if (!without.empty()) {
    std::string names;
    for (const std::string& h : without)
      names += (names.empty() ? "" : ", ") + h;
    c.note = "no cost: " + names;
  }
  std::string out;
  if (!c.categories.empty())
    out += fmt::format("<figure>\n{}", svg::render(c));
  else
    out += "<figure>\n";
  out += fmt::format(
      "<figcaption>{}</figcaption>\n</figure>\n",
      esc(from_compare
              ? "From the comparison (kvsim compare): each GPU type at its cheapest SLO-meeting "
                "configuration, ranked by $ per million tokens."
              : "Points grouped by hardware: each GPU type's cheapest SLO-meeting point (green), "
                "or its cheapest point when none meets the SLO (vermillion). Cost is GPU rental "
                "plus energy per hour over the tokens served per hour."));
  return out + cost_table(rows);
}

}  // namespace kvsim::report::html
