#pragma once
// Building blocks shared by the trace-format plug-ins: detection helpers, the row loops that turn
// a bad data row into RequestSet::reject (and a bad header into core::InputError), typed access to
// the fields of a JSON row, and prefix-hash lists.
//
// Row functions report a bad field by throwing core::InputError (core::fail_at, or the typed
// readers of core/reader.h); the loops catch it, reject the row with the error's message and go on.

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/csv.h"
#include "kvsim/core/doc.h"
#include "kvsim/core/reader.h"
#include "kvsim/workload/json_row.h"
#include "kvsim/workload/request.h"

namespace kvsim::workload {

/// `line` without a leading UTF-8 byte-order mark.
std::string_view strip_bom(std::string_view line);

// --- detection ---------------------------------------------------------------------------------

/// Column names of a CSV header line (split at commas; surrounding spaces and quotes removed).
std::vector<std::string> header_columns(std::string_view first_line);
/// True when every name in `names` is one of `columns`.
bool has_columns(const std::vector<std::string>& columns,
                 std::initializer_list<std::string_view> names);
/// The line as a JSON object, or nullopt when it is not valid JSON or not an object.
std::optional<core::Doc> json_object(std::string_view first_line);

// --- CSV ---------------------------------------------------------------------------------------

/// InputError at the header naming the first of `required` that the header lacks.
void require_columns(const core::CsvReader& csv, std::string_view format,
                     std::initializer_list<std::string_view> required);
/// Calls `row` on each data row. A row the reader cannot split (wrong field count, a bad quote)
/// or for which `row` throws core::InputError is rejected with that message. Counts rows_read.
void for_each_csv_row(core::CsvReader& csv, RequestSet& out,
                      const std::function<void(const core::CsvReader&)>& row);

// --- JSON lines --------------------------------------------------------------------------------

/// What a JSON-lines format expects of each object.
struct JsonlSchema {
  std::string_view format;                 ///< registered name, for messages
  std::vector<std::string_view> required;  ///< keys every object must have
  std::vector<std::string_view> known;     ///< when not empty, every other key is an error
};

/// Reads one JSON object per non-blank line (CRLF and a leading BOM accepted) and calls
/// `row(object, line)` on each. The first object fixes the schema: if it is not valid JSON, not an
/// object, lacks a required key or has an unknown one, that is an InputError at its file:line:col.
/// Any later line that is not a valid JSON object, breaks the schema, or for which `row` throws
/// core::InputError, is rejected. An input without any object is an InputError. Counts rows_read.
void for_each_jsonl_row(std::istream& in, const std::string& file, const JsonlSchema& schema,
                        RequestSet& out, const std::function<void(const JsonRow&, int)>& row);

/// The value of `key` in the row's object; InputError "missing key" when absent.
const JsonValue& require_key(const JsonRow& obj, std::string_view key);
/// Typed values of `key`; errors (missing, not a number, out of range) are InputErrors worded as
/// by core::read_integer / core::read_number.
int64_t json_integer(const JsonRow& obj, std::string_view key, core::IntRange range);
double json_number(const JsonRow& obj, std::string_view key, core::Range range);
/// Appends the list `value` of unsigned 64-bit integers to `hashes`; `key` names it in errors.
void json_hashes(const JsonRow& obj, const JsonValue& value, std::string_view key,
                 std::vector<uint64_t>& hashes);

// --- prefix hashes ------------------------------------------------------------------------------

/// Parses space-separated unsigned 64-bit integers into `hashes` (cleared first). On bad text
/// returns false and says why in `error`.
bool parse_hash_list(std::string_view text, std::vector<uint64_t>& hashes, std::string& error);

/// Counts rows whose number of prefix hashes differs from ceil(input_tokens / block_tokens).
/// Such rows are kept with their hashes as given; note() adds one note with the count, if any.
class HashCountCheck {
 public:
  HashCountCheck(int64_t block_tokens, std::string hashes_key, std::string input_key)
      : block_tokens_(block_tokens),
        hashes_key_(std::move(hashes_key)),
        input_key_(std::move(input_key)) {}
  void check(int64_t input_tokens, size_t hash_count, int64_t line);
  void note(RequestSet& out) const;

 private:
  int64_t block_tokens_;
  std::string hashes_key_;
  std::string input_key_;
  int64_t mismatched_ = 0;
  int64_t first_line_ = 0;
};

}  // namespace kvsim::workload
