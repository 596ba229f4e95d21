#pragma once
// Files embedded in the binary at build time (hardware profiles, model specs, the default
// scenario), so kvsim runs from any directory and after installation. A path given on the command
// line is read from disk instead, overriding the built-in file of the same name.

#include <string>
#include <string_view>
#include <vector>

#include "kvsim/core/doc.h"

namespace kvsim::core {

struct Resource {
  std::string_view
      path;  ///< relative to the repository root, e.g. "hardware_profiles/h100-sxm.yaml"
  std::string_view text;
};

const std::vector<Resource>& builtin_resources();
const Resource* find_builtin(std::string_view path);
/// Sorted file stems of the built-in files in `dir` ending in `ext` ("hardware_profiles", ".yaml").
std::vector<std::string> builtin_names(std::string_view dir, std::string_view ext);

/// Parse a built-in resource; locations read "<builtin>/path:line:col".
Doc parse_builtin(const Resource& r);

/// Resolve `name_or_path` for an option such as --hardware: a value that names an existing file,
/// contains '/', or ends in .yaml/.yml/.json is read from disk; otherwise it must be a built-in
/// `<dir>/<name>.yaml`. Unknown names are an InputError at `where`, prefixed with `label` (the
/// flag or key that named it), listing the choices.
Doc load_named_document(std::string_view name_or_path, std::string_view dir, std::string_view what,
                        const SourceLoc& where, const std::string& label);

}  // namespace kvsim::core
