#pragma once
// An ordered JSON value for machine output. Keys keep insertion order and numbers print in their
// shortest round-trip form, so the same result always serialises to the same bytes.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace kvsim::core {

class Json {
 public:
  using Array = std::vector<Json>;
  using Object = std::vector<std::pair<std::string, Json>>;

  Json() = default;  // null
  Json(std::nullptr_t) {}
  Json(bool v) : value_(v) {}
  Json(int v) : value_(static_cast<int64_t>(v)) {}
  Json(int64_t v) : value_(v) {}
  Json(double v) : value_(v) {}
  Json(const char* v) : value_(std::string(v)) {}
  Json(std::string v) : value_(std::move(v)) {}
  Json(std::string_view v) : value_(std::string(v)) {}

  static Json object() { return Json(Object{}); }
  static Json array() { return Json(Array{}); }

  /// Append a key to an object (keys are not deduplicated: callers own their key sets).
  Json& set(std::string key, Json value);
  /// Append to an array.
  Json& push(Json value);

  const Json* get(std::string_view key) const;
  bool is_null() const { return std::holds_alternative<std::monostate>(value_); }

  /// Serialise with 2-space indentation and a trailing newline. Non-finite numbers throw.
  std::string dump() const;

 private:
  explicit Json(Object o) : value_(std::move(o)) {}
  explicit Json(Array a) : value_(std::move(a)) {}
  void write(std::string& out, int indent) const;

  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Object> value_;
};

/// JSON string literal (with quotes) for `s`.
std::string json_quote(std::string_view s);

}  // namespace kvsim::core
