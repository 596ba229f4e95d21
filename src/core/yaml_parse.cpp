// YAML text -> Doc, through yaml-cpp, keeping 1-based locations and rejecting duplicate keys.

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "kvsim/core/doc.h"

namespace kvsim::core {
namespace {

SourceLoc loc_of(const YAML::Mark& mark, const std::shared_ptr<const std::string>& file,
                 const SourceLoc& fallback) {
  if (mark.is_null() || mark.line < 0) return fallback;
  return SourceLoc{file, mark.line + 1, mark.column + 1};
}

Doc convert(const YAML::Node& node, const std::shared_ptr<const std::string>& file,
            const SourceLoc& fallback, int depth) {
  SourceLoc loc = loc_of(node.Mark(), file, fallback);
  if (depth > kMaxDocDepth)
    fail_at(loc, fmt::format("nesting deeper than {} levels", kMaxDocDepth));
  Doc d;
  d.loc = loc;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      d.kind = Doc::Kind::null;
      break;
    case YAML::NodeType::Scalar:
      d.kind = Doc::Kind::scalar;
      d.text = node.Scalar();
      d.quoted = node.Tag() == "!";
      break;
    case YAML::NodeType::Sequence:
      d.kind = Doc::Kind::sequence;
      for (const auto& item : node)
        d.items.push_back(convert(item, file, loc, depth + 1));
      break;
    case YAML::NodeType::Map:
      d.kind = Doc::Kind::map;
      for (const auto& kv : node) {
        Doc key = convert(kv.first, file, loc, depth + 1);
        if (!key.is_scalar()) fail_at(key.loc, "map keys must be plain names");
        if (d.find(key.text) != nullptr) {
          fail_at(key.loc, fmt::format("duplicate key '{}'", key.text));
        }
        Doc value = convert(kv.second, file, key.loc, depth + 1);
        d.entries.emplace_back(std::move(key), std::move(value));
      }
      break;
  }
  return d;
}

}  // namespace

Doc parse_yaml(std::string_view text, const std::string& file_name) {
  auto file = std::make_shared<const std::string>(file_name);
  SourceLoc whole{file, 0, 0};
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF) {
    text.remove_prefix(3);  // a UTF-8 byte-order mark carries no meaning in YAML
  }
  try {
    std::vector<YAML::Node> docs = YAML::LoadAll(std::string(text));
    if (docs.size() > 1) fail_at(whole, "expected one YAML document, found several ('---')");
    if (docs.empty()) {
      Doc d;
      d.loc = whole;
      return d;
    }
    return convert(docs.front(), file, whole, 0);
  } catch (const YAML::Exception& e) {
    SourceLoc at = e.mark.is_null() ? whole : SourceLoc{file, e.mark.line + 1, e.mark.column + 1};
    fail_at(at, fmt::format("malformed YAML: {}", e.msg));
  }
}

}  // namespace kvsim::core
