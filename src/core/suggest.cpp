#include "kvsim/core/suggest.h"

#include <algorithm>
#include <cctype>

namespace kvsim::core {

size_t edit_distance(std::string_view a, std::string_view b) {
  const size_t n = a.size();
  const size_t m = b.size();
  std::vector<std::vector<size_t>> d(n + 1, std::vector<size_t>(m + 1));
  for (size_t i = 0; i <= n; ++i)
    d[i][0] = i;
  for (size_t j = 0; j <= m; ++j)
    d[0][j] = j;
  for (size_t i = 1; i <= n; ++i) {
    for (size_t j = 1; j <= m; ++j) {
      const size_t cost = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                                  std::tolower(static_cast<unsigned char>(b[j - 1]))
                              ? 0
                              : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

namespace {

// Distance used for ranking: a candidate containing the name (or the reverse) ranks as a near miss
// ("h100" -> "h100-sxm"), otherwise the edit distance.
double rank(std::string_view name, const std::string& candidate) {
  const bool contains = !name.empty() && (candidate.find(name) != std::string::npos ||
                                          name.find(candidate) != std::string_view::npos);
  return contains ? 0.5 : static_cast<double>(edit_distance(name, candidate));
}

// Every candidate at the best rank, when that rank is close enough to be a likely typo.
std::vector<std::string> nearest_all(std::string_view name,
                                     const std::vector<std::string>& candidates) {
  double best = 1e9;
  for (const auto& c : candidates)
    best = std::min(best, rank(name, c));
  const double limit = static_cast<double>(std::max<size_t>(2, name.size() / 3));
  std::vector<std::string> out;
  if (best > limit) return out;
  for (const auto& c : candidates) {
    if (rank(name, c) == best) out.push_back(c);
  }
  return out;
}

}  // namespace

std::string nearest(std::string_view name, const std::vector<std::string>& candidates) {
  std::vector<std::string> all = nearest_all(name, candidates);
  return all.empty() ? std::string() : all.front();
}

std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates) {
  std::vector<std::string> all = nearest_all(name, candidates);
  if (all.empty()) return "";
  if (all.size() > 4) all.resize(4);
  std::string out = "; did you mean '" + all[0] + "'";
  for (size_t i = 1; i < all.size(); ++i)
    out += (i + 1 == all.size() ? " or '" : ", '") + all[i] + "'";
  return out + "?";
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += sep;
    out += items[i];
  }
  return out;
}

}  // namespace kvsim::core
