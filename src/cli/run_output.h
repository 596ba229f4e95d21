#pragma once
// Shared by `run`, `compare` and `merge`: report formats, and output files written whole or not at
// all. Files are staged under temporary names and renamed together at the end; SIGINT, SIGTERM or
// SIGHUP while staging removes the temporary files, so an interrupted run leaves no partial report.

#include <string>
#include <utility>
#include <vector>

#include "kvsim/core/doc.h"

namespace kvsim::cli {

/// "json,md,csv,html" -> the formats, in that order; unknown names are flag errors.
std::vector<std::string> parse_formats(const std::string& list, const std::string& flag);

/// The report of `run` (a parsed run result) in `format`.
std::string render_format(const core::Doc& run, const std::string& format);

class StagedOutputs {
 public:
  StagedOutputs();
  ~StagedOutputs();  ///< removes staged files that were not committed
  StagedOutputs(const StagedOutputs&) = delete;
  StagedOutputs& operator=(const StagedOutputs&) = delete;

  /// Writes `content` to a temporary file beside `path` (RuntimeError on failure).
  void stage(const std::string& path, const std::string& content);
  /// Renames every staged file to its target.
  void commit();

 private:
  std::vector<std::pair<std::string, std::string>> files_;  ///< temporary, target
};

}  // namespace kvsim::cli
