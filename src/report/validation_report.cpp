#include "kvsim/report/validation_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "kvsim/core/suggest.h"
#include "kvsim/core/table.h"
#include "kvsim/version.h"

namespace kvsim::report {
namespace {

core::Json stats_json(const perf::ErrorStats& s) {
  return core::Json::object()
      .set("n", static_cast<int64_t>(s.n))
      .set("mape_pct", s.mape)
      .set("median_abs_pct", s.median_abs)
      .set("p90_abs_pct", s.p90_abs)
      .set("bias_pct", s.bias)
      .set("spearman", s.spearman);
}

core::Json stats_map(const std::map<std::string, perf::ErrorStats>& m) {
  core::Json o = core::Json::object();
  for (const auto& [k, v] : m)
    o.set(k, stats_json(v));
  return o;
}

std::string pct(double v) {
  return fmt::format("{:.1f}", v);
}

void stats_table(std::string& out, const std::map<std::string, perf::ErrorStats>& m,
                 const std::map<std::string, perf::ErrorStats>* before, const char* key_name) {
  std::vector<std::string> header = {key_name,      "rows",   "MAPE %",  "median |err| %",
                                     "p90 |err| %", "bias %", "Spearman"};
  if (before) {
    header.push_back("median before %");
    header.push_back("p90 before %");
  }
  out += "| " + core::join(header, " | ") + " |\n|";
  for (size_t i = 0; i < header.size(); ++i)
    out += i == 0 ? "---|" : "---:|";
  out += "\n";
  for (const auto& [k, s] : m) {
    std::vector<std::string> row = {k,
                                    std::to_string(s.n),
                                    pct(s.mape),
                                    pct(s.median_abs),
                                    pct(s.p90_abs),
                                    pct(s.bias),
                                    fmt::format("{:.3f}", s.spearman)};
    if (before) {
      auto it = before->find(k);
      row.push_back(it == before->end() ? "-" : pct(it->second.median_abs));
      row.push_back(it == before->end() ? "-" : pct(it->second.p90_abs));
    }
    out += "| " + core::join(row, " | ") + " |\n";
  }
}

}  // namespace

std::vector<const perf::Sample*> worst_samples(const perf::ValidationResult& r, size_t n) {
  std::vector<const perf::Sample*> worst;
  for (const auto& s : r.samples)
    worst.push_back(&s);
  std::stable_sort(worst.begin(), worst.end(), [](const perf::Sample* a, const perf::Sample* b) {
    return std::fabs(std::log(a->predicted_s / a->measured_s)) >
           std::fabs(std::log(b->predicted_s / b->measured_s));
  });
  if (worst.size() > n) worst.resize(n);
  return worst;
}

core::Json validation_json(const perf::ValidationResult& r, const perf::ValidationResult* before,
                           bool detailed) {
  core::Json j = core::Json::object();
  j.set("schema_version", 1).set("kvsim_version", KVSIM_VERSION);
  j.set("hardware", r.hardware).set("measurements", r.measurements).set("split", r.split);
  j.set("rows_used", static_cast<int64_t>(r.samples.size()))
      .set("rows_rejected", static_cast<int64_t>(r.rejected.size()));
  j.set("overall", stats_json(r.overall));
  j.set("by_family", stats_map(r.by_family));
  j.set("by_bound", stats_map(r.by_bound));
  j.set("by_size", stats_map(r.by_size));
  j.set("by_kernel", stats_map(r.by_kernel));
  if (before) {
    j.set("before", core::Json::object()
                        .set("hardware", before->hardware)
                        .set("overall", stats_json(before->overall))
                        .set("by_family", stats_map(before->by_family)));
  }
  if (detailed) {
    core::Json worst = core::Json::array();
    for (const perf::Sample* x : worst_samples(r, 25)) {
      worst.push(core::Json::object()
                     .set("file", x->file)
                     .set("line", x->line)
                     .set("family", x->family)
                     .set("bound", x->bound)
                     .set("shape", perf::describe(x->op))
                     .set("measured_us", x->measured_s * 1e6)
                     .set("predicted_us", x->predicted_s * 1e6)
                     .set("error_pct", (x->predicted_s / x->measured_s - 1) * 100));
    }
    j.set("worst", std::move(worst));
    j.set("roofline", roofline_json(r));
  }
  core::Json rej = core::Json::array();
  for (const auto& x : r.rejected) {
    core::Json o = core::Json::object();
    if (detailed) o.set("file", x.file);
    rej.push(o.set("line", x.line).set("reason", x.reason));
  }
  j.set("rejected", std::move(rej));
  return j;
}

std::string validation_markdown(const perf::ValidationResult& r,
                                const perf::ValidationResult* before, size_t worst_rows,
                                bool detailed) {
  std::string out = fmt::format("# Validation: {} on `{}`\n\n", r.hardware, r.measurements);
  out += fmt::format("Rows used: {}{}; rejected: {}. Error = predicted / measured - 1.\n\n",
                     r.samples.size(), r.split.empty() ? "" : fmt::format(" (split `{}`)", r.split),
                     r.rejected.size());
  out += "## By operator family\n\n";
  stats_table(out, r.by_family, before ? &before->by_family : nullptr, "family");
  out += "\n## By family and bound\n\n";
  stats_table(out, r.by_bound, nullptr, "family/bound");
  if (!r.by_kernel.empty()) {
    out += "\n## By family and kernel path\n\n";
    stats_table(out, r.by_kernel, nullptr, "family/kernel");
  }
  out += "\n## By family and measured time\n\n";
  stats_table(out, r.by_size, nullptr, "family/size");
  const auto worst = worst_samples(r, worst_rows);
  if (detailed) {
    out += fmt::format(
        "\n## Worst {} rows\n\n| file:line | family | bound | shape | measured us | predicted us "
        "| error % |\n|---|---|---|---|---:|---:|---:|\n",
        worst.size());
    for (const auto* s : worst) {
      out += fmt::format("| {}:{} | {} | {} | {} | {:.2f} | {:.2f} | {:+.1f} |\n",
                         std::filesystem::path(s->file).filename().string(), s->line, s->family,
                         s->bound, perf::describe(s->op), s->measured_s * 1e6, s->predicted_s * 1e6,
                         (s->predicted_s / s->measured_s - 1) * 100);
    }
    out += "\n## Roofline: achieved rates by arithmetic intensity\n\n" + roofline_markdown(r);
  } else {
    out += fmt::format(
        "\n## Worst {} rows\n\n| line | family | bound | measured us | predicted us | error % |\n"
        "|---:|---|---|---:|---:|---:|\n",
        worst.size());
    for (const auto* s : worst) {
      out += fmt::format("| {} | {} | {} | {:.2f} | {:.2f} | {:+.1f} |\n", s->line, s->family,
                         s->bound, s->measured_s * 1e6, s->predicted_s * 1e6,
                         (s->predicted_s / s->measured_s - 1) * 100);
    }
  }
  if (!r.rejected.empty()) {
    out += "\n## Rejected rows\n\n";
    for (size_t i = 0; i < r.rejected.size() && i < 50; ++i) {
      out += detailed ? fmt::format("- {}:{}: {}\n",
                                    std::filesystem::path(r.rejected[i].file).filename().string(),
                                    r.rejected[i].line, r.rejected[i].reason)
                      : fmt::format("- line {}: {}\n", r.rejected[i].line, r.rejected[i].reason);
    }
    if (r.rejected.size() > 50) out += fmt::format("- ... and {} more\n", r.rejected.size() - 50);
  }
  return out;
}

std::string validation_summary(const perf::ValidationResult& r) {
  core::TextTable t({"family", "rows", "MAPE %", "median %", "p90 %", "bias %", "Spearman"});
  for (const auto& [k, s] : r.by_family) {
    t.add_row({k, std::to_string(s.n), pct(s.mape), pct(s.median_abs), pct(s.p90_abs), pct(s.bias),
               fmt::format("{:.3f}", s.spearman)});
  }
  t.add_rule();
  const auto& s = r.overall;
  t.add_row({"all", std::to_string(s.n), pct(s.mape), pct(s.median_abs), pct(s.p90_abs),
             pct(s.bias), fmt::format("{:.3f}", s.spearman)});
  std::string out = fmt::format("validate: {} rows on {}{}\n", r.samples.size(), r.hardware,
                                r.split.empty() ? "" : " (split " + r.split + ")");
  out += t.render("  ");
  if (!r.rejected.empty()) {
    out += fmt::format("{} rows rejected (listed in the reports); first: line {}: {}\n",
                       r.rejected.size(), r.rejected.front().line, r.rejected.front().reason);
  }
  return out;
}

}  // namespace kvsim::report
