#include "kvsim/core/csv.h"

#include <fmt/format.h>

#include "kvsim/core/scalar.h"

namespace kvsim::core {

CsvReader::CsvReader(std::istream& in, std::string file_name)
    : in_(in), file_(std::make_shared<const std::string>(std::move(file_name))) {
  int& start = header_line_;
  if (!read_record(header_, start))
    fail_at(SourceLoc{file_, 0, 0}, "empty file: expected a header row");
  if (!header_.empty() && header_[0].rfind("\xEF\xBB\xBF", 0) == 0) header_[0].erase(0, 3);  // BOM
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i].empty())
      fail_at(SourceLoc{file_, start, static_cast<int>(i) + 1}, "empty column name in the header");
    for (size_t j = 0; j < i; ++j) {
      if (header_[i] == header_[j]) {
        fail_at(SourceLoc{file_, start, static_cast<int>(i) + 1},
                fmt::format("duplicate column '{}'", header_[i]));
      }
    }
  }
}

std::optional<size_t> CsvReader::column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return i;
  }
  return std::nullopt;
}

// Reads one record (which may span lines inside quotes). False at end of input.
bool CsvReader::read_record(std::vector<std::string>& fields, int& start_line) {
  fields.clear();
  while (std::getline(in_, buffer_)) {
    ++line_;
    if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
    if (buffer_.empty()) continue;  // blank line
    start_line = line_;
    std::string field;
    bool quoted = false;
    size_t i = 0;
    while (true) {
      if (i == buffer_.size()) {
        if (!quoted) break;
        // A newline inside quotes: continue with the next physical line.
        if (!std::getline(in_, buffer_)) {
          fail_at(SourceLoc{file_, start_line, 0},
                  "unterminated quoted field (end of file inside quotes)");
        }
        ++line_;
        if (!buffer_.empty() && buffer_.back() == '\r') buffer_.pop_back();
        field += '\n';
        i = 0;
        continue;
      }
      const char c = buffer_[i];
      if (quoted) {
        if (c == '"') {
          if (i + 1 < buffer_.size() && buffer_[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          quoted = false;
          ++i;
          if (i < buffer_.size() && buffer_[i] != ',') {
            fail_at(SourceLoc{file_, line_, static_cast<int>(i) + 1},
                    "unexpected text after a closing quote");
          }
          continue;
        }
        field += c;
        ++i;
      } else if (c == ',') {
        fields.push_back(std::move(field));
        field.clear();
        ++i;
      } else if (c == '"' && field.empty()) {
        quoted = true;
        ++i;
      } else {
        field += c;
        ++i;
      }
    }
    fields.push_back(std::move(field));
    return true;
  }
  return false;
}

bool CsvReader::next() {
  if (!read_record(row_, row_line_)) return false;
  if (row_.size() != header_.size()) {
    fail_at(SourceLoc{file_, row_line_, 0},
            fmt::format("expected {} fields as in the header, found {} (truncated or garbled row?)",
                        header_.size(), row_.size()));
  }
  return true;
}

SourceLoc CsvReader::loc(size_t col) const {
  return SourceLoc{file_, row_line_, static_cast<int>(col) + 1};
}

std::optional<std::string_view> CsvReader::cell(std::string_view name) const {
  const auto c = column(name);
  if (!c || row_[*c].empty()) return std::nullopt;
  return std::string_view(row_[*c]);
}

void CsvReader::fail(std::string_view column_name, const std::string& message) const {
  const auto c = column(column_name);
  fail_at(c ? loc(*c) : SourceLoc{file_, row_line_, 0},
          fmt::format("column '{}': {}", column_name, message));
}

std::string_view CsvReader::text(std::string_view name) const {
  const auto v = cell(name);
  if (!v) fail(name, column(name) ? "missing value" : "no such column in the header");
  return *v;
}

double CsvReader::number(std::string_view name, Range range) const {
  auto v = maybe_number(name, range);
  if (!v) fail(name, column(name) ? "missing value" : "no such column in the header");
  return *v;
}

int64_t CsvReader::integer(std::string_view name, IntRange range) const {
  auto v = maybe_integer(name, range);
  if (!v) fail(name, column(name) ? "missing value" : "no such column in the header");
  return *v;
}

// Fast path: parse and range-check directly; build the error (with its location) only on failure.
std::optional<double> CsvReader::maybe_number(std::string_view name, Range range) const {
  const auto c = column(name);
  if (!c || row_[*c].empty()) return std::nullopt;
  if (auto v = parse_double(row_[*c])) {
    const bool below = range.min_exclusive ? *v <= range.min : *v < range.min;
    if (!below && *v <= range.max) return v;
  }
  return read_number(Doc::scalar(row_[*c], loc(*c)), fmt::format("column '{}'", name), range);
}

std::optional<int64_t> CsvReader::maybe_integer(std::string_view name, IntRange range) const {
  const auto c = column(name);
  if (!c || row_[*c].empty()) return std::nullopt;
  if (auto v = parse_int64(row_[*c]); v && *v >= range.min && *v <= range.max) return v;
  return read_integer(Doc::scalar(row_[*c], loc(*c)), fmt::format("column '{}'", name), range);
}

}  // namespace kvsim::core
