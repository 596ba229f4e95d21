#include "kvsim/core/doc.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kvsim::core {

Doc::Doc() = default;
Doc::Doc(const Doc&) = default;
Doc::Doc(Doc&&) noexcept = default;
Doc& Doc::operator=(const Doc&) = default;
Doc& Doc::operator=(Doc&&) noexcept = default;
Doc::~Doc() = default;

const Doc* Doc::find(std::string_view key) const {
  for (const auto& [k, v] : entries) {
    if (k.text == key) return &v;
  }
  return nullptr;
}

std::string Doc::describe() const {
  switch (kind) {
    case Kind::null:
      return "nothing (null)";
    case Kind::sequence:
      return "a list";
    case Kind::map:
      return "a map";
    case Kind::scalar:
      break;
  }
  std::string shown = text.size() > 40 ? text.substr(0, 37) + "..." : text;
  return fmt::format("'{}'", shown);
}

Doc Doc::scalar(std::string text, SourceLoc loc, bool quoted) {
  Doc d;
  d.kind = Kind::scalar;
  d.text = std::move(text);
  d.loc = std::move(loc);
  d.quoted = quoted;
  return d;
}

Doc Doc::map(SourceLoc loc) {
  Doc d;
  d.kind = Kind::map;
  d.loc = std::move(loc);
  return d;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    fail_at(SourceLoc::of(path), fmt::format("cannot open file: {}", std::strerror(errno)));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) fail_at(SourceLoc::of(path), "cannot read file");
  return buf.str();
}

Doc load_document_file(const std::string& path) {
  std::string text = read_text_file(path);
  const bool json = path.size() >= 5 && path.compare(path.size() - 5, 5, ".json") == 0;
  return json ? parse_json(text, path) : parse_yaml(text, path);
}

}  // namespace kvsim::core
