#pragma once
// A strict, streaming CSV reader (RFC 4180): a header row names the columns; fields may be quoted
// ("a ""quoted"" field", embedded commas and newlines); CRLF and a leading UTF-8 BOM are accepted.
// Rows are read one at a time, so multi-million-row files are never held in memory. Every error
// names the file, line and column.

#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/error.h"
#include "kvsim/core/reader.h"

namespace kvsim::core {

class CsvReader {
 public:
  /// Reads the header immediately. An empty input is an error.
  CsvReader(std::istream& in, std::string file_name);

  const std::vector<std::string>& header() const { return header_; }
  int header_line() const { return header_line_; }  ///< 1-based line of the header row
  /// Index of a column, or nullopt.
  std::optional<size_t> column(std::string_view name) const;

  /// The next data row (blank lines are skipped); false at end of input. A row with a different
  /// number of fields than the header is an error, as is an unterminated quote.
  bool next();
  const std::vector<std::string>& row() const { return row_; }
  int line() const { return row_line_; }  ///< 1-based line where the current row starts

  /// Location of field `col` (0-based) of the current row, for errors.
  SourceLoc loc(size_t col) const;
  /// The current row's field `name`; nullopt when the column is absent or the cell is empty.
  std::optional<std::string_view> cell(std::string_view name) const;
  /// Typed cells; errors name the column. `what` says what the value is for.
  double number(std::string_view name, Range range) const;
  int64_t integer(std::string_view name, IntRange range) const;
  std::optional<double> maybe_number(std::string_view name, Range range) const;
  std::optional<int64_t> maybe_integer(std::string_view name, IntRange range) const;
  std::string_view text(std::string_view name) const;
  [[noreturn]] void fail(std::string_view column, const std::string& message) const;

 private:
  bool read_record(std::vector<std::string>& fields, int& start_line);

  std::istream& in_;
  std::shared_ptr<const std::string> file_;
  std::vector<std::string> header_;
  std::vector<std::string> row_;
  int line_ = 0;  ///< lines consumed so far
  int row_line_ = 0;
  int header_line_ = 0;
  std::string buffer_;
};

}  // namespace kvsim::core
