// Every input the fuzzers ever crashed on (tests/fuzz/regressions/<target>/*), replayed through the
// same target function: each must now be accepted or rejected with core::InputError /
// core::ConfigError. Under the asan preset this also catches memory and undefined-behaviour
// errors. A new crasher is kept by copying it into its target's folder.

#include <gtest/gtest.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <typeinfo>

#include "../fuzz/targets.h"

namespace kvsim::fuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kRegressions = fs::path(KVSIM_FUZZ_DIR) / "regressions";

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::is_directory(dir)) return out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "README.md") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(FuzzRegressions, EveryFolderNamesATarget) {
  ASSERT_TRUE(fs::is_directory(kRegressions)) << kRegressions;
  for (const auto& e : fs::directory_iterator(kRegressions)) {
    if (!e.is_directory()) continue;
    EXPECT_NE(find_target(e.path().filename().string()), nullptr)
        << e.path() << " is not a fuzz target (targets.cpp)";
  }
}

TEST(FuzzRegressions, SavedCrashersAreRejectedCleanly) {
  size_t replayed = 0;
  for (const Target& t : targets()) {
    for (const fs::path& p : files_in(kRegressions / t.name)) {
      const std::string input = read_bytes(p);
      try {
        run_one(t, input);
      } catch (const std::exception& e) {
        ADD_FAILURE() << t.name << " " << p.filename() << ": " << typeid(e).name() << ": "
                      << e.what();
      }
      ++replayed;
    }
  }
  EXPECT_GT(replayed, 0u);
}

TEST(FuzzRegressions, ExpectedRejectionsAreSwallowedAndOthersEscape) {
  const Target* t = find_target("hardware_profile");
  ASSERT_NE(t, nullptr);
  EXPECT_NO_THROW(run_one(*t, "name: [unclosed"));  // a YAML syntax error: an InputError
  const Target boom{"boom", [](std::string_view) { throw std::logic_error("bug"); }};
  EXPECT_THROW(run_one(boom, ""), std::logic_error);
}

}  // namespace
}  // namespace kvsim::fuzz
