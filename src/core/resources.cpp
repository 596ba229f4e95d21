#include "kvsim/core/resources.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "kvsim/core/suggest.h"

namespace kvsim::core {

namespace detail {
// Defined in the build-generated resources_data.cpp.
extern const Resource kEmbedded[];
extern const size_t kEmbeddedCount;
}  // namespace detail

const std::vector<Resource>& builtin_resources() {
  static const std::vector<Resource> all(detail::kEmbedded,
                                         detail::kEmbedded + detail::kEmbeddedCount);
  return all;
}

const Resource* find_builtin(std::string_view path) {
  for (const auto& r : builtin_resources()) {
    if (r.path == path) return &r;
  }
  return nullptr;
}

std::vector<std::string> builtin_names(std::string_view dir, std::string_view ext) {
  std::vector<std::string> out;
  const std::string prefix = std::string(dir) + "/";
  for (const auto& r : builtin_resources()) {
    std::string_view p = r.path;
    if (p.substr(0, prefix.size()) != prefix) continue;
    std::string_view rest = p.substr(prefix.size());
    if (rest.find('/') != std::string_view::npos) continue;
    if (rest.size() <= ext.size() || rest.substr(rest.size() - ext.size()) != ext) continue;
    out.emplace_back(rest.substr(0, rest.size() - ext.size()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Doc parse_builtin(const Resource& r) {
  const std::string name = "<builtin>/" + std::string(r.path);
  const bool json = r.path.size() > 5 && r.path.substr(r.path.size() - 5) == ".json";
  return json ? parse_json(r.text, name) : parse_yaml(r.text, name);
}

Doc load_named_document(std::string_view name_or_path, std::string_view dir, std::string_view what,
                        const SourceLoc& where, const std::string& label) {
  const std::string value(name_or_path);
  auto ends_with = [&](std::string_view s) {
    return value.size() >= s.size() && value.compare(value.size() - s.size(), s.size(), s) == 0;
  };
  std::error_code ec;
  const bool looks_like_path = value.find('/') != std::string::npos || ends_with(".yaml") ||
                               ends_with(".yml") || ends_with(".json");
  if (looks_like_path || std::filesystem::is_regular_file(value, ec)) {
    return load_document_file(value);
  }
  if (const Resource* r = find_builtin(std::string(dir) + "/" + value + ".yaml")) {
    return parse_builtin(*r);
  }
  std::vector<std::string> names = builtin_names(dir, ".yaml");
  fail_at(where, fmt::format("{}: unknown {} '{}'{} (built-in: {}; or give a file path)", label,
                             what, value, did_you_mean(value, names), join(names)));
}

}  // namespace kvsim::core
