#pragma once
// "Did you mean ...?" for unknown names.

#include <string>
#include <string_view>
#include <vector>

namespace kvsim::core {

/// Optimal-string-alignment edit distance (insert, delete, substitute, swap adjacent).
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `name` when it is close enough to be a likely typo, else "".
/// Candidates that contain `name` (or are contained in it) rank before edit-distance matches.
std::string nearest(std::string_view name, const std::vector<std::string>& candidates);

/// "; did you mean 'x'?" (or "'x' or 'y'" when equally close) or "": ready to append to a message.
std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

/// "a, b, c" for listing the valid choices in an error message.
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");

}  // namespace kvsim::core
