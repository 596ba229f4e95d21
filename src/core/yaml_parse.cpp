// YAML text -> Doc, through yaml-cpp, keeping 1-based locations and rejecting duplicate keys.

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

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

// Counts the documents of a stream and remembers where each starts, without building nodes.
class DocumentCounter : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Rejects a stream of more than one document. Reads at most two: yaml-cpp 0.7's LoadAll never
// returns on a stray ',' outside brackets (jbeder/yaml-cpp#1040, found by fuzz_generator): its
// parser then yields empty documents forever without consuming the ','. A second document that
// starts where the first did is that case.
void require_one_document(const std::string& text, const std::shared_ptr<const std::string>& file,
                          const SourceLoc& whole) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentCounter counter;
  while (counter.starts.size() < 2 && parser.HandleNextDocument(counter)) {
  }
  if (counter.starts.size() < 2) return;
  const YAML::Mark& a = counter.starts[0];
  const YAML::Mark& b = counter.starts[1];
  if (a.pos == b.pos) {
    fail_at(loc_of(b, file, whole),
            "malformed YAML: unexpected text here (a ',' outside [ ] or { }?)");
  }
  fail_at(loc_of(b, file, whole), "expected one YAML document, found several ('---')");
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
    const std::string owned(text);
    require_one_document(owned, file, whole);
    return convert(YAML::Load(owned), file, whole, 0);
  } catch (const YAML::Exception& e) {
    SourceLoc at = e.mark.is_null() ? whole : SourceLoc{file, e.mark.line + 1, e.mark.column + 1};
    fail_at(at, fmt::format("malformed YAML: {}", e.msg));
  }
}

}  // namespace kvsim::core
