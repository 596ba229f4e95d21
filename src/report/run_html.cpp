// The HTML page of a run result: header, points table, failures, and the plot sections.

#include "kvsim/report/run_html.h"

#include <fmt/format.h>

#include <algorithm>

#include "kvsim/report/run_metrics.h"
#include "run_html_parts.h"

namespace kvsim::report {
namespace html {

std::string esc(std::string_view text) {
  return core::svg::escape(text);
}

std::string point_name(const RunPoint& p) {
  return p.label.empty() ? p.id : p.id + " " + p.label;
}

Plotted plotted_points(const RunDoc& doc) {
  Plotted out;
  auto add = [&](const RunPoint* p) {
    if (!p || !p->ok() || !p->replay || out.points.size() == kMaxPlottedPoints) return;
    if (std::find(out.points.begin(), out.points.end(), p) != out.points.end()) return;
    out.colours.push_back(core::svg::palette(out.points.size()));
    out.points.push_back(p);
  };
  if (doc.compare) {
    for (const CompareEntry& e : *doc.compare)
      add(e.point.empty() ? nullptr : doc.find(e.point));
    out.best_first = !out.points.empty();
  }
  for (const RunPoint& p : doc.points) {
    out.replayed += p.ok() && p.replay ? 1 : 0;
    add(&p);
  }
  return out;
}

namespace {

constexpr const char* kStyle = R"(
body { font-family: "DejaVu Sans", Verdana, Helvetica, Arial, sans-serif; color: #222; margin: 0;
       background: #f6f6f6; }
main { max-width: 1120px; margin: 0 auto; padding: 20px 24px 40px; background: #fff; }
h1 { font-size: 24px; margin: 4px 0 6px; } h2 { font-size: 19px; margin: 30px 0 8px;
     border-bottom: 1px solid #ddd; padding-bottom: 4px; }
p.lead { margin: 0 0 12px; color: #444; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0;
          font-size: 14px; } dl.meta dt { color: #666; } dl.meta dd { margin: 0; }
table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
th, td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: right;
         vertical-align: top; } th { background: #f0f0f0; }
td.text, th.text { text-align: left; } td.num { font-variant-numeric: tabular-nums; }
.met { color: #006b4f; font-weight: bold; } .missed { color: #b34700; font-weight: bold; }
.failed { color: #b30000; font-weight: bold; }
figure { margin: 14px 0 22px; } figcaption { font-size: 13px; color: #555; max-width: 860px; }
pre.error { white-space: pre-wrap; background: #fff3f0; border-left: 4px solid #d55e00;
            padding: 6px 10px; font-size: 13px; margin: 4px 0 12px; }
footer { margin-top: 36px; font-size: 12px; color: #666; }
svg.kvsim-chart { max-width: 100%; height: auto; }
)";

std::string metric_cell(const RunPoint& p, std::string_view name) {
  const Metric* m = p.metric(name);
  if (!m || !m->value) return "<td class=\"num\">—</td>";
  return fmt::format("<td class=\"num\">{}</td>", esc(format_metric(name, *m->value)));
}

std::string slo_cell(const RunPoint& p) {
  if (!p.slo) return "<td class=\"text\">—</td>";
  const Metric* attain = p.metric("slo_attainment");
  const std::string share =
      attain && attain->value
          ? fmt::format(" ({} of requests)", format_metric("slo_attainment", *attain->value))
          : "";
  if (p.slo->met)
    return fmt::format("<td class=\"text\"><span class=\"met\">✓ met</span>{}</td>", share);
  return fmt::format("<td class=\"text\"><span class=\"missed\">✗ missed</span>{}</td>", share);
}

std::string header(const RunDoc& doc) {
  size_t failed = 0;
  for (const RunPoint& p : doc.points)
    failed += p.ok() ? 0 : 1;
  std::string out = fmt::format("<header>\n<h1>kvsim report: {}</h1>\n", esc(doc.scenario_name));
  if (!doc.scenario_description.empty())
    out += fmt::format("<p class=\"lead\">{}</p>\n", esc(doc.scenario_description));
  out += "<dl class=\"meta\">\n";
  if (!doc.scenario_file.empty())
    out += fmt::format("<dt>scenario</dt><dd><code>{}</code></dd>\n", esc(doc.scenario_file));
  for (const SweepAxis& a : doc.axes) {
    std::string values;
    for (const std::string& v : a.values)
      values += (values.empty() ? "" : ", ") + v;
    out += fmt::format("<dt>sweep <code>{}</code></dt><dd>{}</dd>\n", esc(a.key), esc(values));
  }
  out += fmt::format(
      "<dt>points</dt><dd>{} in this file ({} failed) of {} in the sweep{}</dd>\n",
      doc.points.size(), failed, doc.sweep_points,
      doc.shard_count > 1 ? fmt::format(", shard {} of {}", doc.shard_index, doc.shard_count) : "");
  out += fmt::format("<dt>produced by</dt><dd>kvsim {} <code>{}</code></dd>\n",
                     esc(doc.kvsim_version), esc(doc.command));
  return out + "</dl>\n</header>\n";
}

std::string points_table(const RunDoc& doc) {
  static const std::vector<std::string_view> metrics = {
      "ttft_p99",      "tpot_p99",        "e2e_p99", "peak_kv_bytes", "output_tokens_per_s",
      "cost_per_mtok", "cost_per_request"};
  std::string out =
      "<section id=\"points\">\n<h2>Points</h2>\n<table class=\"points\">\n<thead><tr>"
      "<th class=\"text\">point</th><th class=\"text\">parameters</th>"
      "<th class=\"text\">hardware</th><th>GPUs</th>";
  for (std::string_view m : metrics)
    out += fmt::format("<th>{}</th>", esc(find_metric(m)->title));
  out += "<th class=\"text\">SLO</th></tr></thead>\n<tbody>\n";
  for (const RunPoint& p : doc.points) {
    out += fmt::format("<tr id=\"point-{0}\"><td class=\"text\"><code>{0}</code></td>", esc(p.id));
    out += fmt::format("<td class=\"text\">{}</td>", esc(p.label.empty() ? "—" : p.label));
    if (!p.ok()) {
      out += fmt::format(
          "<td class=\"text failed\" colspan=\"{}\">failed: see <a href=\"#errors\">failed "
          "points</a></td></tr>\n",
          metrics.size() + 3);
      continue;
    }
    out += fmt::format("<td class=\"text\" title=\"{}\">{}</td>", esc(p.hardware_name),
                       esc(p.hardware));
    out += fmt::format("<td class=\"num\" title=\"TP {} × PP {} × {} replica(s)\">{}</td>", p.tp,
                       p.pp, p.replicas, p.gpus);
    for (std::string_view m : metrics)
      out += metric_cell(p, m);
    out += slo_cell(p) + "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  bool any_slo = false;
  for (const RunPoint& p : doc.points) {
    if (!p.slo || any_slo) continue;
    any_slo = true;
    std::string limits;
    if (p.slo->ttft_s)
      limits += fmt::format("TTFT p{:g} ≤ {}", p.slo->ttft_percentile,
                            core::svg::format_value(*p.slo->ttft_s, core::svg::Unit::seconds));
    if (p.slo->tpot_s)
      limits += fmt::format("{}TPOT p{:g} ≤ {}", limits.empty() ? "" : ", ", p.slo->tpot_percentile,
                            core::svg::format_value(*p.slo->tpot_s, core::svg::Unit::seconds));
    if (!limits.empty())
      out += fmt::format(
          "<p class=\"note\">SLO of the first point: {}. Latencies are per "
          "request; peak KV is per GPU.</p>\n",
          esc(limits));
  }
  return out + "</section>\n";
}

std::string errors_section(const RunDoc& doc) {
  std::string out;
  for (const RunPoint& p : doc.points) {
    if (p.ok()) continue;
    out += fmt::format("<h3><code>{}</code> {}</h3>\n<pre class=\"error\">{}</pre>\n", esc(p.id),
                       esc(p.label), esc(p.error));
  }
  if (out.empty()) return "";
  return "<section id=\"errors\">\n<h2>Failed points</h2>\n" + out + "</section>\n";
}

std::string section(std::string_view id, std::string_view title, const std::string& body) {
  if (body.empty()) return "";
  return fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n{}</section>\n", id, esc(title), body);
}

}  // namespace
}  // namespace html

std::string run_html(const core::Doc& run_json) {
  using namespace html;
  const RunDoc doc = read_run_doc(run_json);
  const Plotted plotted = plotted_points(doc);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"kvsim {}\">\n<title>kvsim report: {}</title>\n"
      "<style>{}</style>\n</head>\n<body>\n<main>\n",
      esc(doc.kvsim_version), esc(doc.scenario_name), kStyle);
  out += header(doc);
  out += points_table(doc);
  out += errors_section(doc);
  out += section("kv-memory", "KV memory over time", kv_timeline_figure(plotted));
  out += section("latency", "Latency distributions", latency_figures(plotted));
  out += section("roofline", "Roofline", roofline_figures(plotted));
  out += section("memory", "Memory per GPU", memory_figure(doc));
  out += section("cost", "Cost by GPU type", cost_figure(doc));
  out += fmt::format(
      "<footer>Generated by kvsim {} from <code>{}</code>. The page is self-contained: inline "
      "CSS and SVG, no scripts, no network.</footer>\n</main>\n</body>\n</html>\n",
      esc(doc.kvsim_version), esc(doc.file));
  return out;
}

}  // namespace kvsim::report
