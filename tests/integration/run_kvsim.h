#pragma once
// Runs the built kvsim binary with arguments and captures its exit code, stdout and stderr.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace kvsim::test {

struct Result {
  int code = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s)
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Runs `kvsim args...` in `cwd` (default: a temporary directory, to prove it needs no data files).
inline Result run_kvsim(const std::vector<std::string>& args, const std::string& cwd = "") {
  static int counter = 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kvsim_cli_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::create_directories(dir);
  std::string cmd =
      "cd " + shell_quote(cwd.empty() ? dir.string() : cwd) + " && " + shell_quote(KVSIM_BINARY);
  for (const auto& a : args)
    cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote((dir / "out").string()) + " 2>" + shell_quote((dir / "err").string());
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(dir / "out");
  r.err = slurp(dir / "err");
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return r;
}

}  // namespace kvsim::test
