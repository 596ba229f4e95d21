#include "kvsim/perf/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "kvsim/perf/decode_attention.h"

namespace kvsim::perf {

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = a.size();
  if (n < 2 || b.size() != n) return 0;
  auto ranks = [n](const std::vector<double>& v) {
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](size_t x, size_t y) { return v[x] < v[y]; });
    std::vector<double> r(n);
    for (size_t i = 0; i < n;) {
      size_t j = i;
      while (j + 1 < n && v[idx[j + 1]] == v[idx[i]])
        ++j;
      const double avg = (static_cast<double>(i) + static_cast<double>(j)) / 2 + 1;
      for (size_t k = i; k <= j; ++k)
        r[idx[k]] = avg;
      i = j + 1;
    }
    return r;
  };
  const std::vector<double> ra = ranks(a), rb = ranks(b);
  const double ma = std::accumulate(ra.begin(), ra.end(), 0.0) / static_cast<double>(n);
  const double mb = std::accumulate(rb.begin(), rb.end(), 0.0) / static_cast<double>(n);
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < n; ++i) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) * (ra[i] - ma);
    vb += (rb[i] - mb) * (rb[i] - mb);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0;
}

namespace {

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * static_cast<double>(v.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

std::string size_bucket(const Sample& s) {
  const double us = s.measured_s * 1e6;
  if (us < 10) return "<10us";
  if (us < 100) return "10-100us";
  if (us < 1000) return "0.1-1ms";
  return ">=1ms";
}

void summarise(ValidationResult& r) {
  std::vector<const Sample*> all;
  std::map<std::string, std::vector<const Sample*>> fam, bound, size, kernel;
  for (const Sample& s : r.samples) {
    all.push_back(&s);
    fam[s.family].push_back(&s);
    bound[s.family + "/" + s.bound].push_back(&s);
    size[s.family + "/" + size_bucket(s)].push_back(&s);
    if (!s.kernel.empty()) kernel[s.family + "/" + s.kernel].push_back(&s);
  }
  r.overall = error_stats(all);
  r.by_family.clear();
  r.by_bound.clear();
  r.by_size.clear();
  r.by_kernel.clear();
  for (const auto& [k, v] : fam)
    r.by_family[k] = error_stats(v);
  for (const auto& [k, v] : bound)
    r.by_bound[k] = error_stats(v);
  for (const auto& [k, v] : size)
    r.by_size[k] = error_stats(v);
  for (const auto& [k, v] : kernel)
    r.by_kernel[k] = error_stats(v);
}

void predict(Sample& s, const hw::HardwareProfile& hw) {
  const OpCost c = operator_cost(s.op, hw);
  s.predicted_s = c.seconds;
  s.bound = to_string(c.bound);
  if (const auto* decode = std::get_if<DecodeAttentionOp>(&s.op)) {
    const DecodeAttentionPlan plan = plan_decode_attention(*decode, hw);
    s.kernel = plan.tensor_path ? "tensor_core" : plan.splits > 1 ? "cuda_core_split" : "cuda_core";
  }
  s.flops = c.work.total_flops();
  s.bytes = c.work.level(Level::hbm) +
            std::max(c.work.level(Level::host), c.work.link(LinkKind::pcie)) +
            c.work.link(LinkKind::scale_up);
}

}  // namespace

ErrorStats error_stats(const std::vector<const Sample*>& samples) {
  ErrorStats s;
  s.n = samples.size();
  if (samples.empty()) return s;
  std::vector<double> signed_err, abs_err, pred, meas;
  for (const Sample* x : samples) {
    const double e = (x->predicted_s / x->measured_s - 1) * 100;
    signed_err.push_back(e);
    abs_err.push_back(std::fabs(e));
    pred.push_back(x->predicted_s);
    meas.push_back(x->measured_s);
  }
  s.mape = std::accumulate(abs_err.begin(), abs_err.end(), 0.0) / static_cast<double>(s.n);
  s.median_abs = quantile(abs_err, 0.5);
  s.p90_abs = quantile(abs_err, 0.9);
  s.bias = quantile(signed_err, 0.5);
  s.spearman = spearman(pred, meas);
  return s;
}

ValidationResult validate_measurements(const std::string& path, const hw::HardwareProfile& hw,
                                       const std::string& split) {
  std::ifstream in(path, std::ios::binary);
  if (!in) core::fail_at(core::SourceLoc::of(path), "cannot open file");
  return validate_measurements(in, path, hw, split);
}

ValidationResult validate_measurements(std::istream& in, const std::string& path,
                                       const hw::HardwareProfile& hw, const std::string& split) {
  core::CsvReader csv(in, path);
  if (!csv.column("op"))
    core::fail_at(core::SourceLoc::of(path, 1), "the header has no 'op' column");
  if (!csv.column("measured_us"))
    core::fail_at(core::SourceLoc::of(path, 1), "the header has no 'measured_us' column");
  if (!split.empty() && !csv.column("split")) {
    core::fail_at(core::SourceLoc::of(path, 1),
                  fmt::format("--split {}: the header has no 'split' column", split));
  }
  ValidationResult r;
  r.hardware = hw.name;
  r.measurements = path;
  r.split = split;
  while (csv.next()) {
    if (!split.empty() && csv.cell("split").value_or("") != split) continue;
    try {
      Sample s;
      s.line = csv.line();
      s.op = parse_operator(csv);
      s.measured_s = csv.number("measured_us", core::Range::positive()) * 1e-6;
      s.family = family_of(s.op);
      s.file = path;
      predict(s, hw);
      r.samples.push_back(std::move(s));
    } catch (const core::InputError& e) {
      r.rejected.push_back({path, csv.line(), e.message()});
    } catch (const core::ConfigError& e) {
      r.rejected.push_back({path, csv.line(), e.what()});
    }
  }
  summarise(r);
  return r;
}

void repredict(ValidationResult& r, const hw::HardwareProfile& hw) {
  r.hardware = hw.name;
  for (Sample& s : r.samples)
    predict(s, hw);
  summarise(r);
}

ValidationResult validate_measurements(const std::vector<std::string>& paths,
                                       const hw::HardwareProfile& hw, const std::string& split) {
  ValidationResult all;
  all.hardware = hw.name;
  all.split = split;
  for (const std::string& p : paths) {
    ValidationResult one = validate_measurements(p, hw, split);
    all.measurements += (all.measurements.empty() ? "" : ", ") + p;
    for (Sample& s : one.samples)
      all.samples.push_back(std::move(s));
    for (Rejected& x : one.rejected)
      all.rejected.push_back(std::move(x));
  }
  summarise(all);
  return all;
}

}  // namespace kvsim::perf
