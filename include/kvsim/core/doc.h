#pragma once
// A parsed YAML or JSON document: a tree of maps, sequences and scalars, each node knowing where it
// came from. Spec readers work on this tree so YAML files, JSON files and command-line specs share
// one strict reading path.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kvsim/core/error.h"

namespace kvsim::core {

class Doc {
 public:
  enum class Kind { null, scalar, sequence, map };

  Kind kind = Kind::null;
  SourceLoc loc;
  /// Scalar text exactly as written (without quotes). Empty for non-scalars.
  std::string text;
  /// True when the scalar was quoted: it is then a string, never a number or a boolean.
  bool quoted = false;
  std::vector<Doc> items;                    ///< sequence elements
  std::vector<std::pair<Doc, Doc>> entries;  ///< map entries in file order; keys are scalars

  // Declared here, defined where Doc is complete: clang with libstdc++ rejects the implicit ones,
  // which would instantiate std::pair<Doc, Doc> inside Doc's own definition.
  Doc();
  Doc(const Doc&);
  Doc(Doc&&) noexcept;
  Doc& operator=(const Doc&);
  Doc& operator=(Doc&&) noexcept;
  ~Doc();

  bool is_null() const { return kind == Kind::null; }
  bool is_scalar() const { return kind == Kind::scalar; }
  bool is_sequence() const { return kind == Kind::sequence; }
  bool is_map() const { return kind == Kind::map; }

  /// The value stored under `key` in a map, or nullptr.
  const Doc* find(std::string_view key) const;
  /// "a map", "a list", "null", or the scalar quoted, for error messages.
  std::string describe() const;

  static Doc scalar(std::string text, SourceLoc loc, bool quoted = false);
  static Doc map(SourceLoc loc);
};

/// Maximum nesting depth accepted by the parsers (deeper input is rejected, not recursed into).
inline constexpr int kMaxDocDepth = 64;

/// Parse YAML text. `file_name` is used for locations. Duplicate keys are errors.
Doc parse_yaml(std::string_view text, const std::string& file_name);
/// Parse strict JSON (RFC 8259: no comments, no trailing commas). A leading UTF-8 BOM is an error.
/// `first_line` is the line number of the text's first line in `file_name` (a JSON-lines reader
/// parses one line at a time and passes its number so locations point into the whole file).
Doc parse_json(std::string_view text, const std::string& file_name, int first_line = 1);
/// Read a file from disk and parse it as JSON when its name ends in ".json", else as YAML.
Doc load_document_file(const std::string& path);
/// Read a whole file; a missing or unreadable file is an InputError naming it.
std::string read_text_file(const std::string& path);

}  // namespace kvsim::core
