#include "report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "kvsim/core/files.h"

namespace kvbench {
namespace {

std::string csv_cell(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char ch : v)
    q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

std::string field(const Case& c, const std::string& name) {
  for (const auto& [k, v] : c.fields)
    if (k == name) return v;
  return name == "split" ? c.split : "";
}

}  // namespace

const std::vector<std::string>& Report::result_columns() {
  static const std::vector<std::string> cols = {"measured_us",
                                                "p10_us",
                                                "p90_us",
                                                "samples",
                                                "max_err",
                                                "tolerance",
                                                "achieved_gb_s",
                                                "achieved_tflop_s",
                                                "splits",
                                                "gpu",
                                                "sm_count",
                                                "l2_bytes",
                                                "sm_clock_mhz_before",
                                                "sm_clock_mhz_after",
                                                "mem_clock_mhz_before",
                                                "mem_clock_mhz_after",
                                                "driver",
                                                "cuda_driver",
                                                "cuda_runtime",
                                                "timestamp",
                                                "git_revision"};
  return cols;
}

std::string Report::add(const Case& c, const Outcome& o, std::pair<int, int> before,
                        std::pair<int, int> after, size_t index, size_t total) {
  const double s = o.timing.median_us * 1e-6;
  const double gbs = s > 0 ? c.counts.bytes() / s / 1e9 : 0;
  const double tfs = s > 0 ? (c.counts.tensor_flops + c.counts.cuda_core_flops) / s / 1e12 : 0;
  auto extra = [&](const char* k) {
    const auto it = o.extra.find(k);
    return it == o.extra.end() ? std::string() : it->second;
  };
  Row r{&c, o, {}};
  r.results = {fmt::format("{:.3f}", o.timing.median_us),
               fmt::format("{:.3f}", o.timing.p10_us),
               fmt::format("{:.3f}", o.timing.p90_us),
               std::to_string(o.timing.samples),
               fmt::format("{:.3g}", o.max_err),
               fmt::format("{:.3g}", o.tolerance),
               fmt::format("{:.1f}", gbs),
               fmt::format("{:.3f}", tfs),
               extra("splits"),
               env_.gpu,
               std::to_string(env_.sm_count),
               std::to_string(env_.l2_bytes),
               std::to_string(before.first),
               std::to_string(after.first),
               std::to_string(before.second),
               std::to_string(after.second),
               env_.driver,
               env_.cuda_driver,
               env_.cuda_runtime,
               env_.timestamp,
               env_.git_revision};
  rows_.push_back(std::move(r));
  std::string shape;
  for (const auto& [k, v] : c.fields)
    if (k != "op" && k != "kernel_family" && k != "kernel") shape += fmt::format(" {}={}", k, v);
  const std::string result =
      o.status == "ok"
          ? fmt::format("{:10.2f} us  p10 {:.2f} p90 {:.2f}  {:8.1f} GB/s {:7.2f} TFLOP/s",
                        o.timing.median_us, o.timing.p10_us, o.timing.p90_us, gbs, tfs)
          : fmt::format("{}: {}", o.status, o.reason);
  return fmt::format("[{:>4}/{}] {:<20}{}  {}", index, total, c.kernel, shape, result);
}

std::vector<std::string> Report::write() const {
  std::vector<std::string> written;
  for (Family fam : kAllFamilies) {
    std::vector<const Row*> rows;
    for (const Row& r : rows_)
      if (r.c->family == fam && r.o.status == "ok") rows.push_back(&r);
    if (rows.empty()) continue;
    std::vector<std::string> cols;  // operator columns this family uses, then the results
    for (const std::string& col : operator_columns()) {
      const bool used = std::any_of(rows.begin(), rows.end(),
                                    [&](const Row* r) { return !field(*r->c, col).empty(); });
      if (used) cols.push_back(col);
    }
    std::string out =
        fmt::format("{},{}\n", fmt::join(cols, ","), fmt::join(result_columns(), ","));
    for (const Row* r : rows) {
      std::vector<std::string> cells;
      for (const std::string& col : cols)
        cells.push_back(csv_cell(field(*r->c, col)));
      for (const std::string& v : r->results)
        cells.push_back(csv_cell(v));
      out += fmt::format("{}\n", fmt::join(cells, ","));
    }
    const std::string path = fmt::format("{}/{}.csv", dir_, to_string(fam));
    kvsim::core::write_file_atomic(path, out);
    written.push_back(path);
  }
  std::string waived = "kernel_family,kernel,status,reason,shape\n";
  for (const Row& r : rows_) {
    if (r.o.status == "ok") continue;
    std::string shape;
    for (const auto& [k, v] : r.c->fields)
      shape += fmt::format("{}{}={}", shape.empty() ? "" : " ", k, v);
    waived += fmt::format("{},{},{},{},{}\n", to_string(r.c->family), r.c->kernel, r.o.status,
                          csv_cell(r.o.reason), csv_cell(shape));
  }
  kvsim::core::write_file_atomic(dir_ + "/waived.csv", waived);
  written.push_back(dir_ + "/waived.csv");
  return written;
}

}  // namespace kvbench
