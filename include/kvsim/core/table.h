#pragma once
// Plain-text tables for terminal output.

#include <string>
#include <vector>

namespace kvsim::core {

class TextTable {
 public:
  enum class Align { left, right };

  /// Column headers; the first column is left-aligned, the others right-aligned unless set.
  explicit TextTable(std::vector<std::string> headers);
  void align(size_t column, Align a);
  void add_row(std::vector<std::string> cells);
  /// A row drawn as a rule (----) between groups.
  void add_rule();
  std::string render(const std::string& indent = "") const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> aligns_;
  std::vector<std::vector<std::string>> rows_;  ///< empty vector = rule
};

}  // namespace kvsim::core
