// Strict JSON text -> Doc. Numbers keep their lexeme; strings are decoded (\uXXXX incl.
// surrogates).

#include <fmt/format.h>

#include <cstdint>

#include "kvsim/core/doc.h"

namespace kvsim::core {
namespace {

class JsonParser {
 public:
  JsonParser(std::string_view text, const std::string& file_name, int first_line)
      : text_(text), file_(std::make_shared<const std::string>(file_name)), line_(first_line) {}

  Doc parse_document() {
    if (text_.size() >= 3 && static_cast<unsigned char>(text_[0]) == 0xEF) {
      fail_here("file starts with a UTF-8 byte-order mark, which JSON does not allow");
    }
    skip_ws();
    if (pos_ >= text_.size()) fail_at(SourceLoc{file_, 0, 0}, "empty file: expected a JSON value");
    Doc d = value(0);
    skip_ws();
    if (pos_ < text_.size()) fail_here("unexpected text after the JSON value");
    return d;
  }

 private:
  std::string_view text_;
  std::shared_ptr<const std::string> file_;
  size_t pos_ = 0;
  int line_;
  size_t line_start_ = 0;

  SourceLoc here() const {
    return SourceLoc{file_, line_, static_cast<int>(pos_ - line_start_) + 1};
  }
  [[noreturn]] void fail_here(const std::string& msg) const {
    fail_at(here(), "malformed JSON: " + msg);
  }

  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool at_end() const { return pos_ >= text_.size(); }

  void advance() {
    if (text_[pos_] == '\n') {
      ++line_;
      line_start_ = pos_ + 1;
    }
    ++pos_;
  }

  void skip_ws() {
    while (!at_end()) {
      char c = peek();
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break;
      advance();
    }
  }

  void expect(char c) {
    if (peek() != c || at_end()) fail_here(fmt::format("expected '{}'", c));
    advance();
  }

  Doc value(int depth) {
    if (depth > kMaxDocDepth) fail_here(fmt::format("nesting deeper than {} levels", kMaxDocDepth));
    skip_ws();
    if (at_end()) fail_here("unexpected end of file, expected a value");
    char c = peek();
    if (c == '{') return object(depth);
    if (c == '[') return array(depth);
    if (c == '"') {
      SourceLoc loc = here();
      return Doc::scalar(string_literal(), loc, true);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number();
    return literal();
  }

  Doc object(int depth) {
    Doc d = Doc::map(here());
    advance();
    skip_ws();
    if (peek() == '}') {
      advance();
      return d;
    }
    while (true) {
      skip_ws();
      if (peek() != '"') fail_here("expected a quoted key");
      SourceLoc key_loc = here();
      std::string key = string_literal();
      if (d.find(key) != nullptr) fail_at(key_loc, fmt::format("duplicate key '{}'", key));
      skip_ws();
      expect(':');
      Doc v = value(depth + 1);
      d.entries.emplace_back(Doc::scalar(std::move(key), key_loc), std::move(v));
      skip_ws();
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == '}' && !at_end()) {
        advance();
        return d;
      }
      fail_here("expected ',' or '}'");
    }
  }

  Doc array(int depth) {
    Doc d;
    d.kind = Doc::Kind::sequence;
    d.loc = here();
    advance();
    skip_ws();
    if (peek() == ']') {
      advance();
      return d;
    }
    while (true) {
      d.items.push_back(value(depth + 1));
      skip_ws();
      if (peek() == ',') {
        advance();
        continue;
      }
      if (peek() == ']' && !at_end()) {
        advance();
        return d;
      }
      fail_here("expected ',' or ']'");
    }
  }

  Doc number() {
    SourceLoc loc = here();
    size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      while (!at_end() && peek() >= '0' && peek() <= '9') {
        advance();
        ++n;
      }
      return n;
    };
    if (peek() == '-') advance();
    if (peek() == '0') {
      advance();
    } else if (digits() == 0) {
      fail_here("invalid number");
    }
    if (peek() == '.') {
      advance();
      if (digits() == 0) fail_here("invalid number: digits expected after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      advance();
      if (peek() == '+' || peek() == '-') advance();
      if (digits() == 0) fail_here("invalid number: digits expected in the exponent");
    }
    return Doc::scalar(std::string(text_.substr(start, pos_ - start)), loc);
  }

  Doc literal() {
    SourceLoc loc = here();
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word) {
        for (size_t i = 0; i < word.size(); ++i)
          advance();
        if (word == "null") {
          Doc d;
          d.loc = loc;
          return d;
        }
        return Doc::scalar(std::string(word), loc);
      }
    }
    fail_here(fmt::format("unexpected character '{}'", peek()));
  }

  unsigned hex4() {
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = peek();
      if (at_end()) fail_here("truncated \\u escape");
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<unsigned>(c - 'A' + 10);
      else
        fail_here("invalid \\u escape");
      advance();
    }
    return v;
  }

  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string string_literal() {
    advance();  // opening quote
    std::string out;
    while (true) {
      if (at_end()) fail_here("unterminated string");
      char c = peek();
      if (c == '"') {
        advance();
        return out;
      }
      if (static_cast<unsigned char>(c) < 0x20) fail_here("control character inside a string");
      if (c != '\\') {
        out += c;
        advance();
        continue;
      }
      advance();
      if (at_end()) fail_here("unterminated escape");
      char e = peek();
      advance();
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case '/':
          out += '/';
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          uint32_t cp = hex4();
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (peek() != '\\') fail_here("unpaired surrogate in \\u escape");
            advance();
            if (peek() != 'u') fail_here("unpaired surrogate in \\u escape");
            advance();
            uint32_t lo = hex4();
            if (lo < 0xDC00 || lo > 0xDFFF) fail_here("invalid low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            fail_here("unpaired surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          fail_here(fmt::format("invalid escape '\\{}'", e));
      }
    }
  }
};

}  // namespace

Doc parse_json(std::string_view text, const std::string& file_name, int first_line) {
  return JsonParser(text, file_name, first_line).parse_document();
}

}  // namespace kvsim::core
