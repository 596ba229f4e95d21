#include "kvsim/core/doc_ops.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

namespace kvsim::core {

bool is_json_number(const std::string& t) {
  size_t i = 0;
  const size_t n = t.size();
  auto digits = [&] {
    const size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9')
      ++i;
    return i - start;
  };
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == n;
}

Json json_from_doc(const Doc& d) {
  switch (d.kind) {
    case Doc::Kind::null:
      return Json();
    case Doc::Kind::sequence: {
      Json a = Json::array();
      for (const Doc& item : d.items)
        a.push(json_from_doc(item));
      return a;
    }
    case Doc::Kind::map: {
      Json o = Json::object();
      for (const auto& [k, v] : d.entries)
        o.set(k.text, json_from_doc(v));
      return o;
    }
    case Doc::Kind::scalar:
      break;
  }
  if (d.quoted) return Json(d.text);
  if (d.text == "true") return Json(true);
  if (d.text == "false") return Json(false);
  if (d.text == "null") return Json();
  if (is_json_number(d.text)) {
    if (d.text.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      char* end = nullptr;
      const long long v = std::strtoll(d.text.c_str(), &end, 10);
      if (errno == 0 && end && *end == '\0') return Json(static_cast<int64_t>(v));
    }
    return Json(std::strtod(d.text.c_str(), nullptr));
  }
  return Json(d.text);
}

Doc merge_docs(const Doc& base, const Doc& over) {
  if (!base.is_map() || !over.is_map()) return over;
  Doc out = base;
  for (const auto& [k, v] : over.entries) {
    bool found = false;
    for (auto& [bk, bv] : out.entries) {
      if (bk.text == k.text) {
        bv = merge_docs(bv, v);
        found = true;
        break;
      }
    }
    if (!found) out.entries.emplace_back(k, v);
  }
  return out;
}

void set_doc_path(Doc& root, const std::vector<std::string>& path, Doc value,
                  const SourceLoc& key_loc, const std::string& path_text) {
  Doc* node = &root;
  std::string walked;
  for (size_t i = 0; i < path.size(); ++i) {
    if (node->is_null()) *node = Doc::map(key_loc);
    if (!node->is_map()) {
      fail_at(key_loc,
              fmt::format("{}: '{}' is {} in the scenario, not a map, so it has no key '{}'",
                          path_text, walked, node->describe(), path[i]));
    }
    walked += (walked.empty() ? "" : ".") + path[i];
    Doc* next = nullptr;
    for (auto& [k, v] : node->entries) {
      if (k.text == path[i]) next = &v;
    }
    if (!next) {
      node->entries.emplace_back(Doc::scalar(path[i], key_loc), Doc{});
      next = &node->entries.back().second;
      next->loc = key_loc;
    }
    node = next;
  }
  *node = std::move(value);
}

std::vector<std::string> split_key_path(const std::string& text, const SourceLoc& loc) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    const std::string part = text.substr(start, dot == std::string::npos ? dot : dot - start);
    if (part.empty()) fail_at(loc, fmt::format("'{}': empty segment in a key path", text));
    out.push_back(part);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string doc_inline(const Doc& d) {
  switch (d.kind) {
    case Doc::Kind::null:
      return "null";
    case Doc::Kind::scalar:
      return d.text;
    case Doc::Kind::sequence: {
      std::string s = "[";
      for (size_t i = 0; i < d.items.size(); ++i)
        s += (i ? ", " : "") + doc_inline(d.items[i]);
      return s + "]";
    }
    case Doc::Kind::map: {
      std::string s = "{";
      for (size_t i = 0; i < d.entries.size(); ++i)
        s += (i ? ", " : "") + d.entries[i].first.text + ": " + doc_inline(d.entries[i].second);
      return s + "}";
    }
  }
  return "";
}

}  // namespace kvsim::core
