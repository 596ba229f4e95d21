#pragma once
// Output files are written whole or not at all: to a temporary name beside the target, then
// renamed over it, so an interrupted run never leaves a half-written report.

#include <string>

namespace kvsim::core {

/// Write `content` to `path` atomically; creates missing parent directories. RuntimeError on
/// failure.
void write_file_atomic(const std::string& path, const std::string& content);

}  // namespace kvsim::core
