#include "kvsim/workload/trace_format.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "kvsim/core/suggest.h"
#include "kvsim/workload/trace_rows.h"

namespace kvsim::workload {
namespace {

using FormatRegistry = core::Registry<TraceFormat>;

// One instance per format, built on first use (formats take no parameters).
const TraceFormat& instance(const FormatRegistry::Entry& entry) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<TraceFormat>> made;
  const std::lock_guard<std::mutex> lock(mutex);
  auto& slot = made[entry.name];
  if (!slot) {
    core::Doc none = core::Doc::map(core::SourceLoc::of("--trace-format"));
    core::MapReader params(none, "--trace-format");
    slot = entry.make(params);
  }
  return *slot;
}

std::string format_list() {
  std::string list;
  for (const FormatRegistry::Entry* e : FormatRegistry::instance().entries()) {
    list += fmt::format("\n  {:<13} {}", e->name, e->summary);
  }
  return list;
}

}  // namespace

std::vector<std::string> trace_format_names() {
  return FormatRegistry::instance().names();
}

const TraceFormat& find_trace_format(std::string_view name) {
  const FormatRegistry::Entry* entry = FormatRegistry::instance().find(name);
  if (!entry) {
    core::fail_at(core::SourceLoc::of("kvsim"),
                  fmt::format("--trace-format: unknown trace format '{}'{} (known: {})", name,
                              core::did_you_mean(name, trace_format_names()),
                              core::join(trace_format_names())));
  }
  return instance(*entry);
}

std::string detect_trace_format(std::string_view first_line, const std::string& file) {
  int best_score = 0;
  std::vector<std::string> best;
  for (const FormatRegistry::Entry* e : FormatRegistry::instance().entries()) {
    const int score = instance(*e).detect(first_line);
    if (score <= 0 || score < best_score) continue;
    if (score > best_score) best.clear();
    best_score = score;
    best.push_back(e->name);
  }
  if (best.size() == 1) return best.front();
  constexpr size_t kShown = 80;
  const std::string shown = first_line.size() > kShown
                                ? std::string(first_line.substr(0, kShown)) + "..."
                                : std::string(first_line);
  if (best.empty()) {
    core::fail_at(core::SourceLoc::of(file, 1),
                  fmt::format("cannot tell the trace format from the first line '{}'; it is none "
                              "of the known formats:{}\nforce one with --trace-format NAME",
                              shown, format_list()));
  }
  core::fail_at(core::SourceLoc::of(file, 1),
                fmt::format("the first line '{}' matches the trace formats {} equally well; force "
                            "one with --trace-format NAME",
                            shown, core::join(best)));
}

RequestSet load_trace(const std::string& path, const std::string& format) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    core::fail_at(core::SourceLoc::of(path), "cannot open file: it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) core::fail_at(core::SourceLoc::of(path), "cannot open file");
  return read_trace(in, path, format);
}

RequestSet read_trace(std::istream& in, const std::string& path, const std::string& format) {
  std::string name = format;
  if (name.empty()) {
    std::string first_line;
    std::getline(in, first_line);
    std::string_view line = strip_bom(first_line);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() && in.eof()) {
      core::fail_at(core::SourceLoc::of(path), "empty file: expected a trace");
    }
    name = detect_trace_format(line, path);
    in.clear();
    in.seekg(0);
  }
  const TraceFormat& reader = find_trace_format(name);

  RequestSet out;
  out.source = path;
  out.format = name;
  reader.read(in, path, out);
  if (in.bad()) core::fail_at(core::SourceLoc::of(path), "read error while reading the file");
  out.finalize();
  return out;
}

}  // namespace kvsim::workload
