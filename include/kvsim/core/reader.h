#pragma once
// Strict, typed access to a map in a Doc. Every lookup records the key as known; finish() then
// rejects any key that no lookup asked for, suggesting the nearest known key. Errors name the full
// key path ("memory.hbm.bandwidth_gb_s") at the location of the offending value.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/doc.h"

namespace kvsim::core {

/// Inclusive numeric bounds, optionally exclusive at the low end (for "must be > 0").
struct Range {
  double min = -std::numeric_limits<double>::max();
  double max = std::numeric_limits<double>::max();
  bool min_exclusive = false;

  static Range any() { return {}; }
  static Range positive() { return {0.0, std::numeric_limits<double>::max(), true}; }
  static Range non_negative() { return {0.0, std::numeric_limits<double>::max(), false}; }
  static Range fraction() { return {0.0, 1.0, true}; }  ///< (0, 1]
  std::string describe() const;
};

struct IntRange {
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();

  static IntRange positive(int64_t max = std::numeric_limits<int64_t>::max()) { return {1, max}; }
  static IntRange non_negative(int64_t max = std::numeric_limits<int64_t>::max()) {
    return {0, max};
  }
  std::string describe() const;
};

/// Typed reads of a single scalar node; `what` names it in errors (a key path or a flag).
double read_number(const Doc& node, std::string_view what, Range range = Range::any());
int64_t read_integer(const Doc& node, std::string_view what, IntRange range = {});
bool read_bool(const Doc& node, std::string_view what);
std::string read_string(const Doc& node, std::string_view what);

class MapReader {
 public:
  /// `node` must be a map (else an error naming `path`, or "the file" at top level).
  MapReader(const Doc& node, std::string path = "");

  const Doc& doc() const { return *node_; }
  const SourceLoc& loc() const { return node_->loc; }
  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;

  /// The value under `key`, or nullptr. Records the key as known.
  const Doc* find(std::string_view key);
  /// Known keys without reading them (for keys that are valid but ignored).
  void accept(std::initializer_list<std::string_view> keys);
  const Doc& require(std::string_view key);
  bool has(std::string_view key);

  MapReader map(std::string_view key);
  std::optional<MapReader> maybe_map(std::string_view key);

  std::string string(std::string_view key);
  std::optional<std::string> maybe_string(std::string_view key);
  double number(std::string_view key, Range range = Range::any());
  std::optional<double> maybe_number(std::string_view key, Range range = Range::any());
  int64_t integer(std::string_view key, IntRange range = {});
  std::optional<int64_t> maybe_integer(std::string_view key, IntRange range = {});
  bool boolean(std::string_view key);
  std::optional<bool> maybe_boolean(std::string_view key);

  /// Rejects the first key that no lookup asked for. Call after reading every known key.
  void finish() const;
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_here(const std::string& message) const;

 private:
  const Doc* node_;
  std::string path_;
  std::vector<std::string> known_;
};

}  // namespace kvsim::core
