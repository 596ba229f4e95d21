#pragma once
// Errors that carry the place in the user's input they are about.

#include <memory>
#include <stdexcept>
#include <string>

namespace kvsim::core {

/// A place in an input: a file name (or a pseudo-name such as "<builtin>/x.yaml" or "--kv-dtype"),
/// and a 1-based line and column. line == 0 means the input as a whole; col == 0 the whole line.
struct SourceLoc {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int col = 0;

  static SourceLoc of(std::string file_name, int line = 0, int col = 0);
  /// "file:line:col", "file:line" or "file"; "<input>" when no file is known.
  std::string str() const;
  const std::string& file_name() const;
};

/// Bad user input (files, flags). Rendered as "file:line:col: error: message"; exit code 2.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLoc loc, std::string message);
  const SourceLoc& loc() const { return loc_; }
  const std::string& message() const { return message_; }

 private:
  SourceLoc loc_;
  std::string message_;
};

/// Failure of the tool or its environment (an unwritable output, an internal invariant); exit 1.
class RuntimeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A setting that is well-formed on its own but does not work with the rest (TP that does not
/// divide the heads, a context beyond the model's limit). `field` names the setting ("tp",
/// "context", "kv.attention") so the caller can point at the flag or scenario key that set it.
class ConfigError : public std::invalid_argument {
 public:
  ConfigError(std::string field, const std::string& message)
      : std::invalid_argument(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

[[noreturn]] void fail_at(const SourceLoc& loc, std::string message);

}  // namespace kvsim::core
