// `azure`: Azure LLM inference traces (Azure/AzurePublicDataset), CSV
// TIMESTAMP,ContextTokens,GeneratedTokens. TIMESTAMP is wall-clock time: 2023 files write
// "2023-11-16 18:15:46.6805900" (7 fractional digits, no zone), the 2024 week-long files
// "2024-05-10 00:00:00.004000+00:00" (some without a fraction). Stamps are parsed exactly to
// nanoseconds and kept relative to the first row, so sub-microsecond gaps survive the conversion
// to seconds.

#include <fmt/format.h>

#include "kvsim/workload/timestamp.h"
#include "kvsim/workload/trace_format.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

constexpr std::string_view kTime = "TIMESTAMP";
constexpr std::string_view kInput = "ContextTokens";
constexpr std::string_view kOutput = "GeneratedTokens";

class AzureFormat final : public TraceFormat {
 public:
  int detect(std::string_view first_line) const override {
    return has_columns(header_columns(first_line), {kTime, kInput, kOutput}) ? 10 : 0;
  }

  void read(std::istream& in, const std::string& file, RequestSet& out) const override {
    core::CsvReader csv(in, file);
    require_columns(csv, "azure", {kTime, kInput, kOutput});
    const size_t time_col = *csv.column(kTime);
    bool have_origin = false;
    int64_t origin_ns = 0;  // the first accepted row's stamp
    std::string error;
    for_each_csv_row(csv, out, [&](const core::CsvReader& row) {
      const std::string& stamp = row.row()[time_col];
      if (stamp.empty()) row.fail(kTime, "missing value");
      const std::optional<int64_t> ns = parse_timestamp_ns(stamp, &error);
      if (!ns) {
        core::fail_at(
            row.loc(time_col),
            fmt::format("column '{}': '{}' is not a valid timestamp: {}", kTime, stamp, error));
      }
      Request r;
      r.input_tokens = row.integer(kInput, core::IntRange::positive(kMaxRequestTokens));
      r.output_tokens = row.integer(kOutput, core::IntRange::positive(kMaxRequestTokens));
      if (!have_origin) {
        have_origin = true;
        origin_ns = *ns;
      }
      int64_t since_origin_ns = 0;
      if (__builtin_sub_overflow(*ns, origin_ns, &since_origin_ns)) {
        core::fail_at(
            row.loc(time_col),
            fmt::format("column '{}': '{}' is too far from the first row's time", kTime, stamp));
      }
      r.arrival_s = static_cast<double>(since_origin_ns) * 1e-9;
      r.line = row.line();
      out.add(r);
    });
  }
};

KVSIM_REGISTER(TraceFormat, "azure",
               "Azure LLM inference traces: CSV TIMESTAMP,ContextTokens,GeneratedTokens "
               "(2023 and 2024 releases)",
               [](core::MapReader&) { return std::make_unique<AzureFormat>(); });

}  // namespace
}  // namespace kvsim::workload
