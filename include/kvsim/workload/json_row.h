#pragma once
// One line of a JSON-lines trace, parsed without building a core::Doc tree: trace rows are flat
// objects ({"timestamp": 5, "hash_ids": [1, 2, ...]}) and millions of them are read, so the common
// case is scanned in place, with no allocation once the buffers have grown.
//
// Strictness is that of core::parse_json, by construction: the in-place scanner accepts only a
// subset of JSON (an object whose values are numbers, true/false/null, strings without escapes,
// or lists of those) and hands anything else to core::parse_json, which either reports the error
// (file:line:col, same messages as for any JSON file) or returns the tree that is then copied in.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/core/error.h"

namespace kvsim::workload {

struct JsonValue {
  enum class Kind { null, scalar, string, list, object };  ///< scalar: a number, true or false
  Kind kind = Kind::null;
  std::string_view text;  ///< scalar text as written; string contents, decoded
  int col = 0;            ///< 1-based column of the value in its line
  uint32_t first_item = 0;
  uint32_t item_count = 0;  ///< list items (JsonRow::items); nested lists and objects are items
                            ///< with no items of their own
};

class JsonRow {
 public:
  /// Parses `text`, line `line` of `file`. A syntax error is a core::InputError at its location.
  /// Views into `text` are kept: it must outlive the row's use.
  void parse(std::string_view text, const std::shared_ptr<const std::string>& file, int line);

  /// The parsed value; usually an object, but any JSON value parses.
  const JsonValue& top() const { return top_; }
  bool is_object() const { return top_.kind == JsonValue::Kind::object; }
  /// The value of `key` in the top-level object, or nullptr.
  const JsonValue* find(std::string_view key) const;
  size_t size() const { return keys_.size(); }
  std::string_view key(size_t i) const { return keys_[i].text; }
  const JsonValue& value(size_t i) const { return values_[i]; }
  core::SourceLoc key_loc(size_t i) const { return loc(keys_[i]); }
  std::span<const JsonValue> items(const JsonValue& list) const {
    return {items_.data() + list.first_item, list.item_count};
  }

  core::SourceLoc loc(const JsonValue& v) const { return core::SourceLoc{file_, line_, v.col}; }
  /// The value as a one-node core::Doc (scalar text, or an empty list/map/null) for the typed
  /// readers of core/reader.h, so that errors read as everywhere else.
  core::Doc doc(const JsonValue& v) const;
  /// "a list", "'12'", ... as core::Doc::describe.
  std::string describe(const JsonValue& v) const { return doc(v).describe(); }

 private:
  bool scan(std::string_view text);
  void copy_from(const core::Doc& d);
  JsonValue copy_value(const core::Doc& d);

  std::shared_ptr<const std::string> file_;
  int line_ = 0;
  JsonValue top_;
  std::vector<JsonValue> keys_;  ///< key text and column, parallel to values_
  std::vector<JsonValue> values_;
  std::vector<JsonValue> items_;
  core::Doc slow_;  ///< owns the strings when core::parse_json did the parsing
};

}  // namespace kvsim::workload
