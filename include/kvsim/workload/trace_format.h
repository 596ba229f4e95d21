#pragma once
// Trace readers, one plug-in per format, registered by name (core::Registry<TraceFormat>):
// azure, mooncake, burstgpt, bailian, native_csv, native_jsonl. load_trace picks the format from
// the file's first line unless one is forced.
//
// Contract for every reader:
// - stream the input line by line (never load the whole text; traces have millions of rows);
// - a header or schema that cannot be this format (missing columns) -> core::InputError naming
//   the file, line and column;
// - a bad data row (non-numeric, negative or zero lengths, missing fields, a truncated last line,
//   garbage) -> RequestSet::reject(line, reason) and continue; nothing is dropped silently;
// - timestamps converted to seconds (any origin: RequestSet::finalize rebases and sorts).

#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/registry.h"
#include "kvsim/workload/request.h"

namespace kvsim::workload {

class TraceFormat {
 public:
  static constexpr const char* kQuestion = "trace format";
  virtual ~TraceFormat() = default;
  /// How well `first_line` (the header, or the first JSON object) matches this format:
  /// 0 = not this format; higher = more specific match. load_trace takes the highest.
  virtual int detect(std::string_view first_line) const = 0;
  /// Read every row of `in` (positioned at the start of the file) into `out`.
  virtual void read(std::istream& in, const std::string& file, RequestSet& out) const = 0;
};

/// The registered trace formats, sorted by name.
std::vector<std::string> trace_format_names();

/// The registered format named `name`; an unknown name is an InputError from the --trace-format
/// flag, with the nearest name suggested.
const TraceFormat& find_trace_format(std::string_view name);

/// The name of the format whose detect() scores `first_line` (BOM and line end removed) highest.
/// No match, or a tie at the top, is an InputError at `file` line 1 that lists the formats and
/// says how to force one with --trace-format.
std::string detect_trace_format(std::string_view first_line, const std::string& file);

/// Read a trace file. `format` forces a registered format; "" auto-detects from the first line
/// (an InputError lists the formats when none matches). The result is finalized.
RequestSet load_trace(const std::string& path, const std::string& format = "");
/// The same from a stream positioned at its start (seekable when the format is detected);
/// `name` stands for the file in errors and in RequestSet::source.
RequestSet read_trace(std::istream& in, const std::string& name, const std::string& format = "");

}  // namespace kvsim::workload
