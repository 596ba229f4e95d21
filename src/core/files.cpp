#include "kvsim/core/files.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "kvsim/core/error.h"

namespace kvsim::core {

void write_file_atomic(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  std::error_code ec;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ec);
  if (ec)
    throw RuntimeError("cannot create directory " + target.parent_path().string() + ": " +
                       ec.message());
  const fs::path tmp = target.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) throw RuntimeError("cannot write " + tmp.string() + ": " + std::strerror(errno));
    out << content;
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      throw RuntimeError("cannot write " + tmp.string() + ": " + std::strerror(errno));
    }
  }
  fs::rename(tmp, target, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw RuntimeError("cannot rename to " + path + ": " + ec.message());
  }
}

}  // namespace kvsim::core
