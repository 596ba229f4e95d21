#include "kvsim/workload/trace_rows.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "kvsim/core/checked.h"
#include "kvsim/core/scalar.h"
#include "kvsim/core/suggest.h"

namespace kvsim::workload {

std::string_view strip_bom(std::string_view line) {
  constexpr std::string_view kBom = "\xEF\xBB\xBF";
  if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  return line;
}

std::vector<std::string> header_columns(std::string_view first_line) {
  std::vector<std::string> columns;
  size_t start = 0;
  while (start <= first_line.size()) {
    size_t end = first_line.find(',', start);
    if (end == std::string_view::npos) end = first_line.size();
    std::string_view name = first_line.substr(start, end - start);
    while (!name.empty() && (name.front() == ' ' || name.front() == '"'))
      name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '"' || name.back() == '\r')) {
      name.remove_suffix(1);
    }
    columns.emplace_back(name);
    start = end + 1;
  }
  return columns;
}

bool has_columns(const std::vector<std::string>& columns,
                 std::initializer_list<std::string_view> names) {
  for (std::string_view name : names) {
    bool found = false;
    for (const std::string& c : columns)
      found = found || c == name;
    if (!found) return false;
  }
  return true;
}

std::optional<core::Doc> json_object(std::string_view first_line) {
  try {
    core::Doc d = core::parse_json(first_line, "<first line>");
    if (d.is_map()) return d;
  } catch (const core::InputError&) {
  }
  return std::nullopt;
}

void require_columns(const core::CsvReader& csv, std::string_view format,
                     std::initializer_list<std::string_view> required) {
  for (std::string_view name : required) {
    if (csv.column(name)) continue;
    // Suggest only columns the format does not itself ask for: those may be a misspelling.
    std::vector<std::string> strangers;
    for (const std::string& c : csv.header()) {
      if (std::find(required.begin(), required.end(), c) == required.end()) strangers.push_back(c);
    }
    const std::string& file = csv.loc(0).file_name();
    core::fail_at(
        core::SourceLoc::of(file, csv.header_line(), 1),
        fmt::format("missing column '{}' required by the {} trace format{} (header: {})", name,
                    format, core::did_you_mean(name, strangers), core::join(csv.header())));
  }
}

void for_each_csv_row(core::CsvReader& csv, RequestSet& out,
                      const std::function<void(const core::CsvReader&)>& row) {
  while (true) {
    try {
      if (!csv.next()) return;
    } catch (const core::InputError& e) {  // the reader has consumed the bad record
      ++out.rows_read;
      out.reject(e.loc().line, e.message());
      continue;
    }
    ++out.rows_read;
    try {
      row(csv);
    } catch (const core::InputError& e) {
      out.reject(csv.line(), e.message());
    }
  }
}

namespace {

std::string json_error_reason(const core::InputError& e) {
  return e.loc().col > 0 ? fmt::format("{} (column {})", e.message(), e.loc().col) : e.message();
}

bool contains(const std::vector<std::string_view>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::vector<std::string> keys_of(const JsonRow& obj) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < obj.size(); ++i)
    keys.emplace_back(obj.key(i));
  return keys;
}

// InputError when the object lacks a required key or has one the schema does not know.
void check_schema(const JsonRow& obj, const JsonlSchema& schema) {
  for (std::string_view key : schema.required) {
    if (obj.find(key)) continue;
    // Suggest only keys the format does not itself ask for: those may be a misspelling of `key`.
    std::vector<std::string> strangers;
    for (size_t i = 0; i < obj.size(); ++i) {
      if (!contains(schema.required, obj.key(i)) && !contains(schema.known, obj.key(i))) {
        strangers.emplace_back(obj.key(i));
      }
    }
    core::fail_at(
        obj.loc(obj.top()),
        fmt::format("missing key '{}' required by the {} trace format{} (keys: {})", key,
                    schema.format, core::did_you_mean(key, strangers), core::join(keys_of(obj))));
  }
  if (schema.known.empty()) return;
  for (size_t i = 0; i < obj.size(); ++i) {
    if (contains(schema.known, obj.key(i))) continue;
    const std::vector<std::string> names(schema.known.begin(), schema.known.end());
    core::fail_at(
        obj.key_loc(i),
        fmt::format("unknown key '{}' in the {} trace format{} (known: {})", obj.key(i),
                    schema.format, core::did_you_mean(obj.key(i), names), core::join(names)));
  }
}

}  // namespace

void for_each_jsonl_row(std::istream& in, const std::string& file, const JsonlSchema& schema,
                        RequestSet& out, const std::function<void(const JsonRow&, int)>& row) {
  const auto file_name = std::make_shared<const std::string>(file);
  std::string buffer;
  JsonRow obj;
  int line = 0;
  bool first = true;
  while (std::getline(in, buffer)) {
    ++line;
    std::string_view text = buffer;
    if (line == 1) text = strip_bom(text);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos) continue;  // blank line
    if (first) {
      // The first object decides the schema: any problem with it is an error, not a rejection.
      first = false;
      obj.parse(text, file_name, line);
      if (!obj.is_object()) {
        core::fail_at(obj.loc(obj.top()),
                      fmt::format("expected one JSON object per line ({} trace format), got {}",
                                  schema.format, obj.describe(obj.top())));
      }
      check_schema(obj, schema);
    } else {
      try {
        obj.parse(text, file_name, line);
      } catch (const core::InputError& e) {
        ++out.rows_read;
        out.reject(line, json_error_reason(e));
        continue;
      }
    }
    ++out.rows_read;
    try {
      if (!obj.is_object()) {
        core::fail_at(obj.loc(obj.top()), "expected a JSON object, got " + obj.describe(obj.top()));
      }
      check_schema(obj, schema);
      row(obj, line);
    } catch (const core::InputError& e) {
      out.reject(line, e.message());
    }
  }
  if (first) {
    core::fail_at(core::SourceLoc::of(file),
                  fmt::format("empty file: expected one JSON object per line ({} trace format)",
                              schema.format));
  }
}

const JsonValue& require_key(const JsonRow& obj, std::string_view key) {
  const JsonValue* v = obj.find(key);
  if (!v) core::fail_at(obj.loc(obj.top()), fmt::format("missing key '{}'", key));
  return *v;
}

// The fast paths parse and range-check in place; anything else goes through the core readers,
// which throw the error every other input gets.
int64_t json_integer(const JsonRow& obj, std::string_view key, core::IntRange range) {
  const JsonValue& v = require_key(obj, key);
  if (v.kind == JsonValue::Kind::scalar) {
    if (auto x = core::parse_int64(v.text); x && *x >= range.min && *x <= range.max) return *x;
  }
  return core::read_integer(obj.doc(v), key, range);
}

double json_number(const JsonRow& obj, std::string_view key, core::Range range) {
  const JsonValue& v = require_key(obj, key);
  if (v.kind == JsonValue::Kind::scalar) {
    if (auto x = core::parse_double(v.text)) {
      const bool below = range.min_exclusive ? *x <= range.min : *x < range.min;
      if (!below && *x <= range.max) return *x;
    }
  }
  return core::read_number(obj.doc(v), key, range);
}

void json_hashes(const JsonRow& obj, const JsonValue& value, std::string_view key,
                 std::vector<uint64_t>& hashes) {
  if (value.kind != JsonValue::Kind::list) {
    core::fail_at(obj.loc(value), fmt::format("{}: expected a list of unsigned integers, got {}",
                                              key, obj.describe(value)));
  }
  const std::span<const JsonValue> items = obj.items(value);
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string_view t = items[i].text;
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (items[i].kind != JsonValue::Kind::scalar || t.empty() || ec != std::errc() ||
        ptr != t.data() + t.size()) {
      core::fail_at(obj.loc(items[i]),
                    fmt::format("{}[{}]: expected an unsigned 64-bit integer, got {}", key, i,
                                obj.describe(items[i])));
    }
    hashes.push_back(v);
  }
}

bool parse_hash_list(std::string_view text, std::vector<uint64_t>& hashes, std::string& error) {
  hashes.clear();
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(i, end - i);
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
    if (ec != std::errc() || ptr != word.data() + word.size()) {
      error =
          fmt::format("hash {} ('{}') is not an unsigned 64-bit integer", hashes.size() + 1, word);
      return false;
    }
    hashes.push_back(v);
    i = end;
  }
  return true;
}

void HashCountCheck::check(int64_t input_tokens, size_t hash_count, int64_t line) {
  if (static_cast<int64_t>(hash_count) == core::ceil_div(input_tokens, block_tokens_)) return;
  if (mismatched_++ == 0) first_line_ = line;
}

void HashCountCheck::note(RequestSet& out) const {
  if (mismatched_ == 0) return;
  out.notes.push_back(fmt::format(
      "{} rows (the first at line {}) have a number of {} other than ceil({} / {}); they were "
      "kept with their hashes as given",
      mismatched_, first_line_, hashes_key_, input_key_, block_tokens_));
}

}  // namespace kvsim::workload
