// Markdown of a run result, for PR comments and the reports/ directory.

#include <fmt/format.h>

#include "kvsim/report/run_report.h"

namespace kvsim::report {
namespace {

bool has(const core::Doc* d) {
  return d && !d->is_null();
}

std::string seconds(const core::Doc* d) {
  if (!has(d)) return "–";
  const double s = doc_number(d);
  return s < 1 ? fmt::format("{:.1f} ms", s * 1e3) : fmt::format("{:.2f} s", s);
}

std::string money(const core::Doc* d) {
  if (!has(d)) return "–";
  const double v = doc_number(d);
  if (v >= 100) return fmt::format("${:.0f}", v);
  if (v >= 1) return fmt::format("${:.2f}", v);
  if (v >= 0.01) return fmt::format("${:.4f}", v);
  return fmt::format("${:.2e}", v);
}

std::string gib(const core::Doc* d) {
  return has(d) ? fmt::format("{:.2f} GiB", doc_number(d) / (1024.0 * 1024 * 1024)) : "–";
}

std::string count(const core::Doc* d) {
  if (!has(d)) return "–";
  std::string s = fmt::format("{:.0f}", doc_number(d));
  for (int i = static_cast<int>(s.size()) - 3; i > (s[0] == '-' ? 1 : 0); i -= 3)
    s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string cell(const core::Doc* d) {
  return has(d) ? d->text : "–";
}

std::string escape(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n')
      out += ' ';
    else
      out += c;
  }
  return out;
}

std::string table(const std::vector<std::string>& head,
                  const std::vector<std::vector<std::string>>& rows) {
  std::string o = "|";
  std::string rule = "|";
  for (size_t i = 0; i < head.size(); ++i) {
    o += " " + head[i] + " |";
    rule += i == 0 ? "---|" : "---:|";
  }
  o += "\n" + rule + "\n";
  for (const auto& r : rows) {
    o += "|";
    for (const std::string& c : r)
      o += " " + escape(c) + " |";
    o += "\n";
  }
  return o;
}

std::vector<std::string> axis_keys(const core::Doc& run) {
  std::vector<std::string> keys;
  if (const core::Doc* axes = doc_at(run, "sweep.axes")) {
    for (const core::Doc& a : axes->items)
      keys.push_back(a.find("key")->text);
  }
  return keys;
}

// The SLO every replayed point shares ("" when they differ or there is none), and the latency
// columns: at the SLO's percentiles when all points share them, else p99.
struct LatencyColumns {
  std::string ttft_head = "TTFT p99", tpot_head = "TPOT p99";
  std::string ttft_path = "metrics.ttft_p99", tpot_path = "metrics.tpot_p99";
  std::string slo_line;
};

std::string limit_text(const core::Doc* limit, const core::Doc* pct, const char* what) {
  if (!has(limit)) return "";
  return fmt::format("{} ≤ {} at p{:g}", what, seconds(limit), doc_number(pct));
}

LatencyColumns latency_columns(const core::Doc& run) {
  LatencyColumns c;
  std::string shared;
  bool first = true, same = true;
  for (const core::Doc& p : run.find("points")->items) {
    const core::Doc* slo = p.find("slo");
    if (!slo) continue;
    const std::string key =
        fmt::format("{} {} {} {}", cell(slo->find("ttft_s")), cell(slo->find("ttft_percentile")),
                    cell(slo->find("tpot_s")), cell(slo->find("tpot_percentile")));
    same = same && (first || key == shared);
    if (first) {
      shared = key;
      const double t = doc_number(slo->find("ttft_percentile")),
                   u = doc_number(slo->find("tpot_percentile"));
      c.ttft_head = fmt::format("TTFT p{:g}", t);
      c.tpot_head = fmt::format("TPOT p{:g}", u);
      std::string a = limit_text(slo->find("ttft_s"), slo->find("ttft_percentile"), "TTFT");
      const std::string b = limit_text(slo->find("tpot_s"), slo->find("tpot_percentile"), "TPOT");
      if (!a.empty() && !b.empty()) a += ", ";
      c.slo_line = a + b;
    }
    first = false;
  }
  if (first || !same) return LatencyColumns{};
  c.ttft_path = "slo.ttft_at_percentile_s";
  c.tpot_path = "slo.tpot_at_percentile_s";
  return c;
}

std::string points_section(const core::Doc& run) {
  const std::vector<std::string> axes = axis_keys(run);
  const LatencyColumns lat = latency_columns(run);
  std::vector<std::string> head = {"point"};
  for (const std::string& a : axes)
    head.push_back("`" + a + "`");
  for (const std::string& h :
       {std::string("GPUs"), lat.ttft_head, lat.tpot_head, std::string("output tok/s"),
        std::string("peak KV / GPU"), std::string("$/hour"), std::string("$/Mtok"),
        std::string("$/request"), std::string("SLO")})
    head.push_back(h);
  std::vector<std::vector<std::string>> rows;
  std::string failures;
  for (const core::Doc& p : run.find("points")->items) {
    if (!p.find("metrics")) {
      if (p.find("error"))
        failures += fmt::format("- `{}` {}: {}\n", p.find("id")->text, p.find("label")->text,
                                p.find("error")->text);
      continue;
    }
    std::vector<std::string> r = {p.find("id")->text};
    for (const std::string& a : axes) {
      const core::Doc* v = p.find("params")->find(a);
      r.push_back(v ? v->text : "");
    }
    const core::Doc& m = *p.find("metrics");
    r.push_back(cell(m.find("gpus")));
    r.push_back(seconds(doc_at(p, lat.ttft_path)));
    r.push_back(seconds(doc_at(p, lat.tpot_path)));
    r.push_back(count(m.find("output_tokens_per_s")));
    r.push_back(gib(m.find("peak_kv_bytes")));
    r.push_back(money(m.find("usd_per_hour")));
    r.push_back(money(m.find("cost_per_mtok")));
    r.push_back(money(m.find("cost_per_request")));
    r.push_back(doc_number(m.find("slo_met")) == 1 ? "✅ met" : "❌ missed");
    rows.push_back(std::move(r));
  }
  std::string o;
  if (!rows.empty()) {
    o += "## Replay\n\n" + table(head, rows) + "\n";
    if (!lat.slo_line.empty()) o += "SLO: " + lat.slo_line + " (dropped requests count as late). ";
    o += "Cost: the fleet's hourly price over the replay's duration; $/request counts requests "
         "within the SLO.\n\n";
  }
  if (!failures.empty()) o += "## Failed points\n\n" + failures + "\n";
  return o;
}

std::string capacity_section(const core::Doc& run) {
  const std::vector<std::string> axes = axis_keys(run);
  std::vector<std::vector<std::string>> rows;
  std::string context;
  for (const core::Doc& p : run.find("points")->items) {
    const core::Doc* c = p.find("capacity");
    if (!c) continue;
    std::vector<std::string> r = {p.find("id")->text};
    for (const std::string& a : axes) {
      const core::Doc* v = p.find("params")->find(a);
      r.push_back(v ? v->text : "");
    }
    context = count(doc_at(*c, "query.context"));
    r.push_back(cell(doc_at(*c, "parallelism.gpus")));
    r.push_back(gib(doc_at(*c, "memory_per_gpu.weights_bytes")));
    r.push_back(gib(doc_at(*c, "memory_per_gpu.kv_budget_bytes")));
    r.push_back(count(doc_at(*c, "capacity.kv_tokens")));
    r.push_back(count(doc_at(*c, "capacity.max_sequences")));
    r.push_back(count(doc_at(*c, "capacity.max_context_batch1")));
    rows.push_back(std::move(r));
  }
  if (rows.empty()) return "";
  std::vector<std::string> head = {"point"};
  for (const std::string& a : axes)
    head.push_back("`" + a + "`");
  for (const std::string& h : {std::string("GPUs"), std::string("weights / GPU"),
                               std::string("KV budget / GPU"), std::string("KV pool (tokens)"),
                               "sequences at " + context + " tokens", std::string("max context")})
    head.push_back(h);
  return "## Capacity\n\n" + table(head, rows) + "\n";
}

std::string compare_section(const core::Doc& run) {
  const core::Doc* ranking = doc_at(run, "compare.ranking");
  if (!ranking) return "";
  std::vector<std::vector<std::string>> rows;
  for (const core::Doc& r : ranking->items) {
    if (!has(r.find("point"))) {
      rows.push_back(
          {"–", r.find("hardware")->text, "no SLO-meeting point", "", "", "", "", "", "", ""});
      continue;
    }
    rows.push_back({cell(r.find("rank")), r.find("hardware")->text,
                    fmt::format("{} ({})", r.find("point")->text, r.find("label")->text),
                    fmt::format("{} × TP {}{}", cell(r.find("replicas")), cell(r.find("tp")),
                                cell(r.find("pp")) == "1" ? "" : " × PP " + cell(r.find("pp"))),
                    cell(r.find("gpus")), money(r.find("usd_per_mtok")),
                    money(r.find("usd_per_mtok_input")), money(r.find("usd_per_mtok_output")),
                    money(r.find("usd_per_request")), seconds(r.find("ttft_p99"))});
  }
  return "## SKU comparison\n\nEach GPU at its cheapest configuration that meets the SLO, ranked "
         "by $ per million tokens.\n\n" +
         table({"rank", "hardware", "point", "replicas × TP (× PP)", "GPUs", "$/Mtok", "$/Mtok in",
                "$/Mtok out", "$/request", "TTFT p99"},
               rows) +
         "\n";
}

std::string planning_section(const core::Doc& run) {
  const core::Doc* plan = run.find("planning");
  if (!plan) return "";
  std::string o = "## Capacity planning\n\n";
  if (const core::Doc* g = plan->find("min_gpus")) {
    const core::Doc* best = g->find("best");
    o += fmt::format("**Fewest GPUs at {:.3g} requests/s** (the workload's own rate is {:.3g}/s): ",
                     doc_number(g->find("rate_rps")), doc_number(g->find("workload_rate_rps")));
    if (has(best)) {
      o += fmt::format(
          "{} GPUs ({} × TP {}), TTFT p99 {}, TPOT p99 {}, {}/hour, {} per million "
          "tokens.\n\n",
          cell(best->find("gpus")), cell(best->find("replicas")), cell(best->find("tp")),
          seconds(best->find("ttft_s")), seconds(best->find("tpot_s")),
          money(best->find("usd_per_hour")), money(best->find("usd_per_mtok")));
    } else {
      o += "no configuration tried meets the SLO.\n\n";
    }
    std::vector<std::vector<std::string>> rows;
    for (const core::Doc& c : g->find("candidates")->items) {
      const bool met = c.find("slo_met")->text == "true";
      rows.push_back({cell(c.find("tp")), met ? cell(c.find("replicas")) : "–",
                      met ? cell(c.find("gpus")) : "–",
                      met ? "✅" : "❌ " + (c.find("reason") ? c.find("reason")->text : "")});
    }
    o += table({"TP", "fewest replicas", "GPUs", "SLO"}, rows) +
         fmt::format("\n{} replays searched.\n\n", g->find("probes")->items.size());
  }
  if (const core::Doc* r = plan->find("max_rate")) {
    o += fmt::format("**Highest rate within the SLO on {} × TP {} ({} GPUs)**: ",
                     cell(r->find("replicas")), cell(r->find("tp")), cell(r->find("gpus")));
    if (has(r->find("max_rate_rps"))) {
      o += fmt::format(
          "{:.3g} requests/s ({:.3g} × the workload's {:.3g}/s){}, found in {} "
          "replays.\n\n",
          doc_number(r->find("max_rate_rps")), doc_number(r->find("rate_scale")),
          doc_number(r->find("workload_rate_rps")),
          r->find("ceiling_reached")->text == "true" ? " — the search ceiling" : "",
          r->find("probes")->items.size());
    } else {
      o += r->find("error") ? r->find("error")->text + "\n\n"
                            : "the SLO is not met even at 1/1024 of the workload's rate.\n\n";
    }
  }
  return o;
}

}  // namespace

std::string run_markdown(const core::Doc& run) {
  const core::Doc& sc = *run.find("scenario");
  std::string o =
      fmt::format("# kvsim {}: {}\n\n", run.find("command")->text, sc.find("name")->text);
  if (!sc.find("description")->text.empty()) o += sc.find("description")->text + "\n\n";
  const int64_t shards = static_cast<int64_t>(doc_number(doc_at(run, "sweep.shard.count")));
  o += fmt::format(
      "Scenario `{}`, {} point{}{}, kvsim {}.\n\n", sc.find("file")->text,
      cell(doc_at(run, "sweep.points")), doc_number(doc_at(run, "sweep.points")) == 1 ? "" : "s",
      shards > 1 ? fmt::format(" (shard {} of {})", cell(doc_at(run, "sweep.shard.index")), shards)
                 : "",
      run.find("kvsim_version")->text);
  o += compare_section(run);
  o += points_section(run);
  o += capacity_section(run);
  o += planning_section(run);
  return o;
}

}  // namespace kvsim::report
