#include "kvsim/core/table.h"

#include <algorithm>

namespace kvsim::core {
namespace {

// Display width of UTF-8 text: counts code points, not bytes (enough for ×, ≤, µ).
size_t display_width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s)
    n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

}  // namespace

TextTable::TextTable(std::vector<std::string> headers) : headers_(std::move(headers)) {
  aligns_.assign(headers_.size(), Align::right);
  if (!aligns_.empty()) aligns_[0] = Align::left;
}

void TextTable::align(size_t column, Align a) {
  if (column < aligns_.size()) aligns_[column] = a;
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::add_rule() {
  rows_.emplace_back();
}

std::string TextTable::render(const std::string& indent) const {
  std::vector<size_t> width(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c)
    width[c] = display_width(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], display_width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = indent;
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t pad = width[c] - display_width(cells[c]);
      if (c) out += "  ";
      if (aligns_[c] == Align::right)
        out += std::string(pad, ' ') + cells[c];
      else
        out += cells[c] + (c + 1 < cells.size() ? std::string(pad, ' ') : "");
    }
    while (!out.empty() && out.back() == ' ')
      out.pop_back();
    return out + "\n";
  };
  std::string rule = indent;
  for (size_t c = 0; c < width.size(); ++c)
    rule += (c ? "  " : "") + std::string(width[c], '-');
  rule += "\n";
  std::string out = line(headers_) + rule;
  for (const auto& row : rows_)
    out += row.empty() ? rule : line(row);
  return out;
}

}  // namespace kvsim::core
