#include "kvsim/core/reader.h"

#include <fmt/format.h>

#include <algorithm>

#include "kvsim/core/scalar.h"
#include "kvsim/core/suggest.h"

namespace kvsim::core {

std::string Range::describe() const {
  const bool has_min = min > -std::numeric_limits<double>::max();
  const bool has_max = max < std::numeric_limits<double>::max();
  if (has_min && has_max) {
    return fmt::format("in {}{}, {}]", min_exclusive ? "(" : "[", min, max);
  }
  if (has_min) return fmt::format("{} {}", min_exclusive ? ">" : ">=", min);
  if (has_max) return fmt::format("<= {}", max);
  return "finite";
}

std::string IntRange::describe() const {
  const bool has_min = min > std::numeric_limits<int64_t>::min();
  const bool has_max = max < std::numeric_limits<int64_t>::max();
  if (has_min && has_max) return fmt::format("in [{}, {}]", min, max);
  if (has_min) return fmt::format(">= {}", min);
  if (has_max) return fmt::format("<= {}", max);
  return "a 64-bit integer";
}

namespace {

const Doc& scalar_or_fail(const Doc& node, std::string_view what, std::string_view expected) {
  if (!node.is_scalar()) {
    fail_at(node.loc, fmt::format("{}: expected {}, got {}", what, expected, node.describe()));
  }
  return node;
}

}  // namespace

double read_number(const Doc& node, std::string_view what, Range range) {
  const Doc& s = scalar_or_fail(node, what, "a number");
  std::optional<double> v = s.quoted ? std::nullopt : parse_double(s.text);
  if (!v) {
    fail_at(node.loc, fmt::format("{}: expected a finite number, got {}{}", what, node.describe(),
                                  s.quoted ? " (a quoted string)" : ""));
  }
  const bool below = range.min_exclusive ? *v <= range.min : *v < range.min;
  if (below || *v > range.max) {
    fail_at(node.loc,
            fmt::format("{}: {} is out of range: must be {}", what, s.text, range.describe()));
  }
  return *v;
}

int64_t read_integer(const Doc& node, std::string_view what, IntRange range) {
  const Doc& s = scalar_or_fail(node, what, "an integer");
  std::optional<int64_t> v = s.quoted ? std::nullopt : parse_int64(s.text);
  if (!v) {
    const bool numeric = !s.quoted && parse_double(s.text).has_value();
    fail_at(node.loc, fmt::format("{}: expected an integer, got {}{}", what, node.describe(),
                                  numeric    ? " (not a whole number within 64 bits)"
                                  : s.quoted ? " (a quoted string)"
                                             : ""));
  }
  if (*v < range.min || *v > range.max) {
    fail_at(node.loc,
            fmt::format("{}: {} is out of range: must be {}", what, s.text, range.describe()));
  }
  return *v;
}

bool read_bool(const Doc& node, std::string_view what) {
  const Doc& s = scalar_or_fail(node, what, "true or false");
  std::optional<bool> v = s.quoted ? std::nullopt : parse_bool(s.text);
  if (!v)
    fail_at(node.loc, fmt::format("{}: expected true or false, got {}", what, node.describe()));
  return *v;
}

std::string read_string(const Doc& node, std::string_view what) {
  return scalar_or_fail(node, what, "a text value").text;
}

MapReader::MapReader(const Doc& node, std::string path) : node_(&node), path_(std::move(path)) {
  if (!node.is_map()) {
    const std::string where = path_.empty() ? std::string("the file") : "'" + path_ + "'";
    fail_at(node.loc, fmt::format("{}: expected a map of keys, got {}", where, node.describe()));
  }
}

std::string MapReader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const Doc* MapReader::find(std::string_view key) {
  if (std::find(known_.begin(), known_.end(), key) == known_.end()) known_.emplace_back(key);
  const Doc* v = node_->find(key);
  return v;
}

void MapReader::accept(std::initializer_list<std::string_view> keys) {
  for (auto k : keys)
    find(k);
}

bool MapReader::has(std::string_view key) {
  return find(key) != nullptr;
}

const Doc& MapReader::require(std::string_view key) {
  const Doc* v = find(key);
  if (!v) {
    const std::string where = path_.empty() ? std::string() : " in '" + path_ + "'";
    // A present key that is a near miss for the missing one is most likely a typo of it.
    for (const auto& [k, value] : node_->entries) {
      if (node_->find(k.text) == &value && k.text != key && edit_distance(k.text, key) <= 2 &&
          std::find(known_.begin(), known_.end(), k.text) == known_.end()) {
        fail_at(k.loc, fmt::format("missing key '{}'{}; found '{}': did you mean '{}'?", key, where,
                                   k.text, key));
      }
    }
    fail_at(node_->loc, fmt::format("missing key '{}'{}", key, where));
  }
  return *v;
}

MapReader MapReader::map(std::string_view key) {
  return MapReader(require(key), key_path(key));
}

std::optional<MapReader> MapReader::maybe_map(std::string_view key) {
  const Doc* v = find(key);
  if (!v) return std::nullopt;
  return MapReader(*v, key_path(key));
}

std::string MapReader::string(std::string_view key) {
  return read_string(require(key), key_path(key));
}

std::optional<std::string> MapReader::maybe_string(std::string_view key) {
  const Doc* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  return read_string(*v, key_path(key));
}

double MapReader::number(std::string_view key, Range range) {
  return read_number(require(key), key_path(key), range);
}

std::optional<double> MapReader::maybe_number(std::string_view key, Range range) {
  const Doc* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  return read_number(*v, key_path(key), range);
}

int64_t MapReader::integer(std::string_view key, IntRange range) {
  return read_integer(require(key), key_path(key), range);
}

std::optional<int64_t> MapReader::maybe_integer(std::string_view key, IntRange range) {
  const Doc* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  return read_integer(*v, key_path(key), range);
}

bool MapReader::boolean(std::string_view key) {
  return read_bool(require(key), key_path(key));
}

std::optional<bool> MapReader::maybe_boolean(std::string_view key) {
  const Doc* v = find(key);
  if (!v || v->is_null()) return std::nullopt;
  return read_bool(*v, key_path(key));
}

void MapReader::finish() const {
  for (const auto& [k, v] : node_->entries) {
    if (std::find(known_.begin(), known_.end(), k.text) != known_.end()) continue;
    const std::string where = path_.empty() ? std::string() : " in '" + path_ + "'";
    std::vector<std::string> sorted = known_;
    std::sort(sorted.begin(), sorted.end());
    std::string hint = did_you_mean(k.text, sorted);
    if (hint.empty()) hint = " (valid keys: " + join(sorted) + ")";
    fail_at(k.loc, fmt::format("unknown key '{}'{}{}", k.text, where, hint));
  }
}

void MapReader::fail(std::string_view key, const std::string& message) const {
  const Doc* v = node_->find(key);
  fail_at(v ? v->loc : node_->loc, fmt::format("{}: {}", key_path(key), message));
}

void MapReader::fail_here(const std::string& message) const {
  const std::string where = path_.empty() ? std::string() : path_ + ": ";
  fail_at(node_->loc, where + message);
}

}  // namespace kvsim::core
