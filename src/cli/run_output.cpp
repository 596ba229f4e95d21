#include "run_output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "cli.h"
#include "kvsim/core/doc_ops.h"
#include "kvsim/core/suggest.h"
#include "kvsim/report/run_html.h"
#include "kvsim/report/run_report.h"

namespace kvsim::cli {
namespace {

// Temporary files a signal handler must remove: fixed storage, because handlers may not allocate.
constexpr size_t kMaxStaged = 16;
constexpr size_t kMaxPath = 4096;
char g_staged[kMaxStaged][kMaxPath];
volatile std::sig_atomic_t g_staged_count = 0;

extern "C" void remove_staged_and_die(int sig) {
  for (std::sig_atomic_t i = 0; i < g_staged_count; ++i)
    ::unlink(g_staged[i]);
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

const std::vector<std::string> kFormats = {"json", "md", "csv", "html"};

}  // namespace

std::vector<std::string> parse_formats(const std::string& list, const std::string& flag) {
  std::vector<std::string> asked;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = list.find(',', start);
    const std::string f = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (std::find(kFormats.begin(), kFormats.end(), f) == kFormats.end()) {
      core::fail_at(flag_loc(), fmt::format("{}: unknown format '{}'{} (formats: {})", flag, f,
                                            core::did_you_mean(f, kFormats), core::join(kFormats)));
    }
    if (std::find(asked.begin(), asked.end(), f) == asked.end()) asked.push_back(f);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::vector<std::string> out;
  for (const std::string& f : kFormats) {
    if (std::find(asked.begin(), asked.end(), f) != asked.end()) out.push_back(f);
  }
  return out;
}

std::string render_format(const core::Doc& run, const std::string& format) {
  if (format == "md") return report::run_markdown(run);
  if (format == "csv") return report::run_csv(run);
  if (format == "html") return report::run_html(run);
  return core::json_from_doc(run).dump();
}

StagedOutputs::StagedOutputs() {
  g_staged_count = 0;
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    std::signal(sig, remove_staged_and_die);
}

StagedOutputs::~StagedOutputs() {
  for (int sig : {SIGINT, SIGTERM, SIGHUP})
    std::signal(sig, SIG_DFL);
  std::error_code ec;
  for (const auto& [tmp, target] : files_)
    std::filesystem::remove(tmp, ec);
  g_staged_count = 0;
}

void StagedOutputs::stage(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw core::RuntimeError(
        fmt::format("cannot create directory {}: {}", target.parent_path().string(), ec.message()));
  }
  const std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
  if (tmp.size() >= kMaxPath || static_cast<size_t>(g_staged_count) >= kMaxStaged)
    throw core::RuntimeError("too many or too long output paths: " + path);
  std::strcpy(g_staged[g_staged_count], tmp.c_str());
  g_staged_count = g_staged_count + 1;
  files_.emplace_back(tmp, path);
  std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
  out << content;
  out.flush();
  if (!out) throw core::RuntimeError(fmt::format("cannot write {}: {}", tmp, std::strerror(errno)));
}

void StagedOutputs::commit() {
  for (const auto& [tmp, target] : files_) {
    std::error_code ec;
    std::filesystem::rename(tmp, target, ec);
    if (ec)
      throw core::RuntimeError(
          fmt::format("cannot rename {} to {}: {}", tmp, target, ec.message()));
  }
  files_.clear();
  g_staged_count = 0;
}

}  // namespace kvsim::cli
