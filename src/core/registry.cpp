#include "kvsim/core/registry.h"

namespace kvsim::core {

Doc parse_spec_string(std::string_view spec, const std::string& flag) {
  SourceLoc loc = SourceLoc::of("kvsim");  // errors read "kvsim: error: --flag: ..."
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ')
      s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ')
      s.remove_suffix(1);
    return s;
  };
  const size_t colon = spec.find(':');
  std::string_view name = trim(spec.substr(0, colon));
  if (name.empty()) {
    fail_at(loc, fmt::format("{}: expected NAME or NAME:key=value,..., got '{}'", flag, spec));
  }
  Doc d = Doc::map(loc);
  d.entries.emplace_back(Doc::scalar("impl", loc), Doc::scalar(std::string(name), loc));
  if (colon == std::string_view::npos) return d;
  std::string_view rest = spec.substr(colon + 1);
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      fail_at(loc, fmt::format("{}: expected key=value in '{}', got '{}'", flag, spec, item));
    }
    std::string key(trim(item.substr(0, eq)));
    if (d.find(key)) fail_at(loc, fmt::format("{}: duplicate key '{}' in '{}'", flag, key, spec));
    d.entries.emplace_back(Doc::scalar(key, loc),
                           Doc::scalar(std::string(trim(item.substr(eq + 1))), loc));
  }
  return d;
}

}  // namespace kvsim::core
