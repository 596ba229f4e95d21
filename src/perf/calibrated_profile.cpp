// Writing a calibrated profile: the original text with its efficiency: and kernels: blocks
// replaced, so sources, figures and comments survive calibration.

#include <fmt/format.h>

#include <sstream>

#include "kvsim/core/json.h"
#include "kvsim/perf/calibration.h"

namespace kvsim::perf {
namespace {

std::string efficiency_yaml(const hw::Efficiency& e) {
  auto table = [](const std::map<hw::Dtype, double>& t) {
    std::vector<std::string> parts;
    for (const auto& [d, v] : t)
      parts.push_back(fmt::format("{}: {:.4g}", hw::to_string(d), v));
    return "{" + fmt::format("{}", fmt::join(parts, ", ")) + "}";
  };
  std::string out = "efficiency:\n";
  out += fmt::format("  calibrated: {}\n", e.calibrated);
  out += fmt::format("  note: {}\n", core::json_quote(e.note));
  out += fmt::format(
      "  hbm: {:.4g}\n  l2: {:.4g}\n  smem: {:.4g}\n  host: {:.4g}\n  scale_up: {:.4g}\n  pcie: "
      "{:.4g}\n",
      e.hbm, e.l2, e.smem, e.host, e.scale_up, e.pcie);
  out += "  tensor: " + table(e.tensor) + "\n";
  out += "  cuda_core: " + table(e.cuda_core) + "\n";
  out += fmt::format("  launch_overhead_us: {:.4g}\n", e.launch_overhead_s * 1e6);
  return out;
}

// Lines [begin, end) of the top-level block `key:`; begin == end == npos when absent.
std::pair<size_t, size_t> block(const std::vector<std::string>& lines, const std::string& key) {
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].rfind(key + ":", 0) != 0) continue;
    size_t j = i + 1;
    while (j < lines.size() && (lines[j].empty() || lines[j][0] == ' ' || lines[j][0] == '#'))
      ++j;
    while (j > i + 1 && (lines[j - 1].empty() || lines[j - 1][0] == '#'))
      --j;  // keep trailing comments
    while (j < lines.size() && lines[j].empty())
      ++j;  // but not the blank lines right after the block: rewriting would pile them up
    return {i, j};
  }
  return {std::string::npos, std::string::npos};
}

}  // namespace

std::string calibrated_profile_yaml(const std::string& original,
                                    const hw::HardwareProfile& fitted) {
  std::vector<std::string> lines;
  std::istringstream in(original);
  for (std::string l; std::getline(in, l);)
    lines.push_back(l);
  auto split_lines = [](const std::string& text) {
    std::vector<std::string> v;
    std::istringstream s(text);
    for (std::string l; std::getline(s, l);)
      v.push_back(l);
    return v;
  };
  const std::vector<std::string> eff = split_lines(efficiency_yaml(fitted.efficiency));
  const std::vector<std::string> ker =
      split_lines("kernels:\n" + hw::kernel_params_yaml(fitted.kernels));
  auto [kb, ke] = block(lines, "kernels");
  if (kb != std::string::npos)
    lines.erase(lines.begin() + static_cast<long>(kb), lines.begin() + static_cast<long>(ke));
  auto [eb, ee] = block(lines, "efficiency");
  size_t insert_at = lines.size();
  if (eb != std::string::npos) {
    lines.erase(lines.begin() + static_cast<long>(eb), lines.begin() + static_cast<long>(ee));
    insert_at = eb;
  }
  std::vector<std::string> both = eff;
  both.push_back("");
  both.insert(both.end(), ker.begin(), ker.end());
  if (insert_at < lines.size() && !lines[insert_at].empty()) both.push_back("");
  lines.insert(lines.begin() + static_cast<long>(insert_at), both.begin(), both.end());
  std::string out;
  for (const auto& l : lines)
    out += l + "\n";
  return out;
}

}  // namespace kvsim::perf
