#pragma once
// Operations on Doc trees: conversion to ordered JSON, a deep merge (profile overrides), and
// setting a value at a dotted key path (sweep points).

#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/core/json.h"

namespace kvsim::core {

/// The same tree as JSON. Unquoted scalars that are JSON numbers become numbers (integers when
/// written without '.', 'e' or 'E', else doubles), `true`/`false` become booleans, null nodes
/// become null; everything else is a string. For a JSON text written by Json::dump this is
/// lossless: dumping the result gives the same bytes.
Json json_from_doc(const Doc& doc);

/// True when `text` is a number in JSON's grammar.
bool is_json_number(const std::string& text);

/// `base` with `over` laid on top: maps merge key by key (recursively, keeping base order and
/// appending new keys), anything else in `over` replaces what `base` has. Locations come from
/// whichever side a node was taken from, so errors in overridden values point at the override.
Doc merge_docs(const Doc& base, const Doc& over);

/// Sets `root[path[0]][path[1]]...` to `value`, creating missing maps. New keys and maps carry
/// `key_loc` (where the path was written). Throws InputError at `key_loc` when a node on the way
/// is not a map; `path_text` names the whole path in that message.
void set_doc_path(Doc& root, const std::vector<std::string>& path, Doc value,
                  const SourceLoc& key_loc, const std::string& path_text);

/// Splits "a.b.c" into {"a", "b", "c"}; empty segments are an InputError at `loc`.
std::vector<std::string> split_key_path(const std::string& text, const SourceLoc& loc);

/// A compact one-line rendering for labels: scalars as written, lists as [a, b], maps as
/// {k: v, ...}.
std::string doc_inline(const Doc& doc);

}  // namespace kvsim::core
