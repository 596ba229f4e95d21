#include "kvsim/core/error.h"

#include <fmt/format.h>

namespace kvsim::core {

SourceLoc SourceLoc::of(std::string file_name, int line, int col) {
  return SourceLoc{std::make_shared<const std::string>(std::move(file_name)), line, col};
}

const std::string& SourceLoc::file_name() const {
  static const std::string unknown = "<input>";
  return file ? *file : unknown;
}

std::string SourceLoc::str() const {
  if (line <= 0) return file_name();
  if (col <= 0) return fmt::format("{}:{}", file_name(), line);
  return fmt::format("{}:{}:{}", file_name(), line, col);
}

InputError::InputError(SourceLoc loc, std::string message)
    : std::runtime_error(fmt::format("{}: error: {}", loc.str(), message)),
      loc_(std::move(loc)),
      message_(std::move(message)) {}

void fail_at(const SourceLoc& loc, std::string message) {
  throw InputError(loc, std::move(message));
}

}  // namespace kvsim::core
