// `burstgpt`: BurstGPT traces (HPMLL/BurstGPT), CSV with Timestamp (s from the start), Model,
// Request tokens, Response tokens, Total tokens, Log Type; release 3 adds Session ID and Elapsed
// time. Response tokens == 0 marks a request that failed: it is rejected (counted, with a reason)
// and summarised in one note. Sessions are numbered 0, 1, 2, ... in the order their Session ID
// first appears; a row with an empty Session ID has no session.

#include <fmt/format.h>

#include <unordered_map>

#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

constexpr std::string_view kTime = "Timestamp";
constexpr std::string_view kInput = "Request tokens";
constexpr std::string_view kOutput = "Response tokens";
constexpr std::string_view kSession = "Session ID";

class BurstGptFormat final : public TraceFormat {
 public:
  int detect(std::string_view first_line) const override {
    return has_columns(header_columns(first_line), {kInput, kOutput}) ? 10 : 0;
  }

  void read(std::istream& in, const std::string& file, RequestSet& out) const override {
    core::CsvReader csv(in, file);
    require_columns(csv, "burstgpt", {kTime, kInput, kOutput});
    const std::optional<size_t> session_col = csv.column(kSession);
    const size_t output_col = *csv.column(kOutput);
    std::unordered_map<std::string, int64_t> sessions;
    int64_t failed = 0;
    for_each_csv_row(csv, out, [&](const core::CsvReader& row) {
      Request r;
      r.arrival_s = row.number(kTime, core::Range::non_negative());
      r.input_tokens = row.integer(kInput, core::IntRange::positive(kMaxRequestTokens));
      r.output_tokens = row.integer(kOutput, core::IntRange::non_negative(kMaxRequestTokens));
      if (r.output_tokens == 0) {
        ++failed;
        core::fail_at(row.loc(output_col), "failed request (Response tokens is 0)");
      }
      if (session_col && !row.row()[*session_col].empty()) {
        const auto [it, added] =
            sessions.try_emplace(row.row()[*session_col], static_cast<int64_t>(sessions.size()));
        r.session = it->second;
      }
      r.line = row.line();
      out.add(r);
    });
    if (failed > 0) {
      out.notes.push_back(fmt::format(
          "{} failed requests (Response tokens 0) were rejected: BurstGPT logs them, but they "
          "produced no output",
          failed));
    }
  }
};

KVSIM_REGISTER(TraceFormat, "burstgpt",
               "BurstGPT CSV: Timestamp (s), Request tokens, Response tokens[, Session ID]; "
               "failed requests (0 response tokens) are rejected",
               [](core::MapReader&) { return std::make_unique<BurstGptFormat>(); });

}  // namespace
}  // namespace kvsim::workload
