#include "kvsim/core/json.h"

#include <fmt/format.h>

#include <cmath>

#include "kvsim/core/error.h"

namespace kvsim::core {

Json& Json::set(std::string key, Json value) {
  if (is_null()) value_ = Object{};
  std::get<Object>(value_).emplace_back(std::move(key), std::move(value));
  return *this;
}

Json& Json::push(Json value) {
  if (is_null()) value_ = Array{};
  std::get<Array>(value_).push_back(std::move(value));
  return *this;
}

const Json* Json::get(std::string_view key) const {
  if (const auto* o = std::get_if<Object>(&value_)) {
    for (const auto& [k, v] : *o) {
      if (k == key) return &v;
    }
  }
  return nullptr;
}

std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

void Json::write(std::string& out, int indent) const {
  const std::string pad(static_cast<size_t>(indent + 2), ' ');
  const std::string close_pad(static_cast<size_t>(indent), ' ');
  if (std::holds_alternative<std::monostate>(value_)) {
    out += "null";
  } else if (const bool* b = std::get_if<bool>(&value_)) {
    out += *b ? "true" : "false";
  } else if (const int64_t* i = std::get_if<int64_t>(&value_)) {
    out += fmt::format("{}", *i);
  } else if (const double* d = std::get_if<double>(&value_)) {
    if (!std::isfinite(*d)) throw RuntimeError("internal error: non-finite number in JSON output");
    if (*d == std::trunc(*d) && std::fabs(*d) < 1e15) {
      out += fmt::format("{:.1f}", *d);  // keep integral doubles visibly floating-point
    } else {
      out += fmt::format("{}", *d);
    }
  } else if (const std::string* s = std::get_if<std::string>(&value_)) {
    out += json_quote(*s);
  } else if (const Array* a = std::get_if<Array>(&value_)) {
    if (a->empty()) {
      out += "[]";
      return;
    }
    out += "[\n";
    for (size_t k = 0; k < a->size(); ++k) {
      out += pad;
      (*a)[k].write(out, indent + 2);
      out += k + 1 < a->size() ? ",\n" : "\n";
    }
    out += close_pad + "]";
  } else if (const Object* o = std::get_if<Object>(&value_)) {
    if (o->empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    for (size_t k = 0; k < o->size(); ++k) {
      out += pad + json_quote((*o)[k].first) + ": ";
      (*o)[k].second.write(out, indent + 2);
      out += k + 1 < o->size() ? ",\n" : "\n";
    }
    out += close_pad + "}";
  }
}

std::string Json::dump() const {
  std::string out;
  write(out, 0);
  out += '\n';
  return out;
}

}  // namespace kvsim::core
