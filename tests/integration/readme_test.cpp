// The README's promises: its first lines give the two set-up commands, and CI runs the second.

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> shell_blocks(const std::string& text) {
  std::vector<std::string> out;
  const std::regex block("```sh\n([^`]*)```");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), block);
       it != std::sregex_iterator(); ++it) {
    out.push_back((*it)[1].str());
  }
  return out;
}

TEST(Readme, StartsWithTheTwoCommandsAndCiRunsTheTestOne) {
  const std::string root = KVSIM_SOURCE_DIR;
  const std::string readme = read(root + "/README.md");
  const std::vector<std::string> blocks = shell_blocks(readme);
  ASSERT_GE(blocks.size(), 2u);
  // Both come before any other section.
  EXPECT_LT(readme.find(blocks[1]), readme.find("\n## "));
  EXPECT_NE(blocks[0].find("kvsim run"), std::string::npos) << blocks[0];
  EXPECT_NE(blocks[1].find("ctest"), std::string::npos) << blocks[1];
  const std::string ci = read(root + "/.ci/run");
  EXPECT_NE(ci.find(blocks[1]), std::string::npos) << "CI must run exactly: " << blocks[1];
}

}  // namespace
