// `native_csv`: kvsim's own CSV trace format (documented in scenarios/traces/README.md).
//   arrival_s          seconds from any origin, >= 0 (required)
//   input_tokens       prompt tokens, >= 1 (required)
//   output_tokens      tokens to generate, >= 1 (required)
//   session            conversation id, >= 0; empty = none (optional)
//   hash_ids           prefix block hashes, space-separated unsigned integers; empty = none
//   hash_block_tokens  tokens per hash, >= 1; required on rows with hash_ids
// Any other column is an error (a typo would otherwise drop data silently).

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "kvsim/core/suggest.h"
#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

const std::vector<std::string> kColumns = {"arrival_s", "input_tokens", "output_tokens",
                                           "session",   "hash_ids",     "hash_block_tokens"};

class NativeCsvFormat final : public TraceFormat {
 public:
  int detect(std::string_view first_line) const override {
    if (first_line.substr(0, 1) == "{") return 0;
    return has_columns(header_columns(first_line), {"arrival_s"}) ? 10 : 0;
  }

  void read(std::istream& in, const std::string& file, RequestSet& out) const override {
    core::CsvReader csv(in, file);
    require_columns(csv, "native_csv", {"arrival_s", "input_tokens", "output_tokens"});
    for (size_t i = 0; i < csv.header().size(); ++i) {
      const std::string& name = csv.header()[i];
      if (std::find(kColumns.begin(), kColumns.end(), name) != kColumns.end()) continue;
      core::fail_at(core::SourceLoc::of(file, csv.header_line(), static_cast<int>(i) + 1),
                    fmt::format("unknown column '{}' in the native_csv trace format{} (known: {})",
                                name, core::did_you_mean(name, kColumns), core::join(kColumns)));
    }
    const std::optional<size_t> hash_col = csv.column("hash_ids");
    if (hash_col && !csv.column("hash_block_tokens")) {
      core::fail_at(core::SourceLoc::of(file, csv.header_line(), static_cast<int>(*hash_col) + 1),
                    "column 'hash_ids' needs a 'hash_block_tokens' column saying how many tokens "
                    "each hash covers");
    }
    std::vector<uint64_t> hashes;
    std::string error;
    for_each_csv_row(csv, out, [&](const core::CsvReader& row) {
      Request r;
      r.arrival_s = row.number("arrival_s", core::Range::non_negative());
      r.input_tokens = row.integer("input_tokens", core::IntRange::positive(kMaxRequestTokens));
      r.output_tokens = row.integer("output_tokens", core::IntRange::positive(kMaxRequestTokens));
      r.session = row.maybe_integer("session", core::IntRange::non_negative()).value_or(-1);
      hashes.clear();
      if (hash_col && !parse_hash_list(row.row()[*hash_col], hashes, error)) {
        row.fail("hash_ids", error);
      }
      const std::optional<int64_t> block = row.maybe_integer(
          "hash_block_tokens", core::IntRange::positive(std::numeric_limits<int32_t>::max()));
      if (!hashes.empty()) {
        if (!block) row.fail("hash_block_tokens", "missing value (required with hash_ids)");
        r.hash_block_tokens = static_cast<int32_t>(*block);
      }
      r.line = row.line();
      out.add(r, hashes);
    });
  }
};

KVSIM_REGISTER(TraceFormat, "native_csv",
               "kvsim CSV: arrival_s, input_tokens, output_tokens[, session, hash_ids, "
               "hash_block_tokens]",
               [](core::MapReader&) { return std::make_unique<NativeCsvFormat>(); });

}  // namespace
}  // namespace kvsim::workload
