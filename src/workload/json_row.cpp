#include "kvsim/workload/json_row.h"

namespace kvsim::workload {
namespace {

using Kind = JsonValue::Kind;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// The in-place scanner. Every function returns false on anything outside the fast subset; the
// caller then lets core::parse_json decide (and word the error).
struct Scanner {
  std::string_view t;
  size_t pos = 0;

  char peek() const { return pos < t.size() ? t[pos] : '\0'; }
  void ws() {
    while (pos < t.size() && (t[pos] == ' ' || t[pos] == '\t' || t[pos] == '\n' || t[pos] == '\r'))
      ++pos;
  }
  void digits() {
    while (is_digit(peek()))
      ++pos;
  }

  // A string without escapes or control characters; `out` is its contents.
  bool string(std::string_view& out) {
    const size_t start = ++pos;
    for (; pos < t.size(); ++pos) {
      const auto c = static_cast<unsigned char>(t[pos]);
      if (c == '"') {
        out = t.substr(start, pos - start);
        ++pos;
        return true;
      }
      if (c < 0x20 || c == '\\') return false;
    }
    return false;
  }

  // RFC 8259 number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(std::string_view& out) {
    const size_t start = pos;
    if (peek() == '-') ++pos;
    if (peek() == '0') {
      ++pos;
    } else if (is_digit(peek())) {
      digits();
    } else {
      return false;
    }
    if (peek() == '.') {
      ++pos;
      if (!is_digit(peek())) return false;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos;
      if (peek() == '+' || peek() == '-') ++pos;
      if (!is_digit(peek())) return false;
      digits();
    }
    out = t.substr(start, pos - start);
    return true;
  }

  bool word(std::string_view w) {
    if (t.substr(pos, w.size()) != w) return false;
    pos += w.size();
    return true;
  }

  // A number, string, true, false or null.
  bool scalar(JsonValue& v) {
    v = JsonValue{};
    v.col = static_cast<int>(pos) + 1;
    const char c = peek();
    if (c == '"') {
      v.kind = Kind::string;
      return string(v.text);
    }
    v.kind = Kind::scalar;
    if (c == '-' || is_digit(c)) return number(v.text);
    const size_t start = pos;
    if (word("true") || word("false")) {
      v.text = t.substr(start, pos - start);
      return true;
    }
    v.kind = Kind::null;
    return word("null");
  }
};

}  // namespace

void JsonRow::parse(std::string_view text, const std::shared_ptr<const std::string>& file,
                    int line) {
  file_ = file;
  line_ = line;
  if (scan(text)) return;
  slow_ = core::parse_json(text, *file, line);  // throws the error, if there is one
  copy_from(slow_);
}

bool JsonRow::scan(std::string_view text) {
  keys_.clear();
  values_.clear();
  items_.clear();
  Scanner s{text};
  s.ws();
  if (s.peek() != '{') return false;
  top_ = JsonValue{Kind::object, {}, static_cast<int>(s.pos) + 1, 0, 0};
  ++s.pos;
  s.ws();
  if (s.peek() == '}') {
    ++s.pos;
    s.ws();
    return s.pos == text.size();
  }
  while (true) {
    if (s.peek() != '"') return false;
    JsonValue key{Kind::string, {}, static_cast<int>(s.pos) + 1, 0, 0};
    if (!s.string(key.text)) return false;
    for (const JsonValue& k : keys_) {
      if (k.text == key.text) return false;  // duplicate key: parse_json words the error
    }
    s.ws();
    if (s.peek() != ':') return false;
    ++s.pos;
    s.ws();
    JsonValue value;
    if (s.peek() == '[') {
      value = JsonValue{
          Kind::list, {}, static_cast<int>(s.pos) + 1, static_cast<uint32_t>(items_.size()), 0};
      ++s.pos;
      s.ws();
      if (s.peek() == ']') {
        ++s.pos;
      } else {
        while (true) {
          JsonValue item;
          if (!s.scalar(item)) return false;
          items_.push_back(item);
          ++value.item_count;
          s.ws();
          if (s.peek() == ']') {
            ++s.pos;
            break;
          }
          if (s.peek() != ',') return false;
          ++s.pos;
          s.ws();
        }
      }
    } else if (!s.scalar(value)) {
      return false;
    }
    keys_.push_back(key);
    values_.push_back(value);
    s.ws();
    if (s.peek() == ',') {
      ++s.pos;
      s.ws();
      continue;
    }
    if (s.peek() != '}') return false;
    ++s.pos;
    s.ws();
    return s.pos == text.size();
  }
}

JsonValue JsonRow::copy_value(const core::Doc& d) {
  JsonValue v;
  v.col = d.loc.col;
  switch (d.kind) {
    case core::Doc::Kind::null:
      v.kind = Kind::null;
      break;
    case core::Doc::Kind::scalar:
      v.kind = d.quoted ? Kind::string : Kind::scalar;
      v.text = d.text;
      break;
    case core::Doc::Kind::sequence:
      v.kind = Kind::list;
      break;
    case core::Doc::Kind::map:
      v.kind = Kind::object;
      break;
  }
  return v;
}

void JsonRow::copy_from(const core::Doc& d) {
  keys_.clear();
  values_.clear();
  items_.clear();
  top_ = copy_value(d);
  if (!d.is_map()) return;
  for (const auto& [k, v] : d.entries) {
    keys_.push_back(copy_value(k));
    JsonValue value = copy_value(v);
    if (v.is_sequence()) {
      value.first_item = static_cast<uint32_t>(items_.size());
      value.item_count = static_cast<uint32_t>(v.items.size());
      for (const core::Doc& item : v.items)
        items_.push_back(copy_value(item));
    }
    values_.push_back(value);
  }
}

const JsonValue* JsonRow::find(std::string_view key) const {
  for (size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i].text == key) return &values_[i];
  }
  return nullptr;
}

core::Doc JsonRow::doc(const JsonValue& v) const {
  core::Doc d;
  d.loc = loc(v);
  switch (v.kind) {
    case Kind::null:
      break;
    case Kind::scalar:
    case Kind::string:
      d.kind = core::Doc::Kind::scalar;
      d.text = std::string(v.text);
      d.quoted = v.kind == Kind::string;
      break;
    case Kind::list:
      d.kind = core::Doc::Kind::sequence;
      break;
    case Kind::object:
      d.kind = core::Doc::Kind::map;
      break;
  }
  return d;
}

}  // namespace kvsim::workload
