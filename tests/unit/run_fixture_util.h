#pragma once
// The hand-made run result tests/golden/run_fixture.json and edits of its text, shared by the unit
// tests of the report readers and the CLI tests of `kvsim report`.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace kvsim::test {

inline std::string run_fixture_path() {
  return std::string(KVSIM_SOURCE_DIR) + "/tests/golden/run_fixture.json";
}

inline std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string run_fixture_text() {
  return read_whole_file(run_fixture_path());
}

/// `text` with the first `from` at or after `start` replaced by `to`; a test failure if absent.
inline std::string replace_after(const std::string& text, size_t start, const std::string& from,
                                 const std::string& to) {
  const size_t at = text.find(from, start);
  if (at == std::string::npos) {
    ADD_FAILURE() << "'" << from << "' not found in the fixture";
    return text;
  }
  return text.substr(0, at) + to + text.substr(at + from.size());
}

/// Where point `id` starts in the fixture text.
inline size_t point_start(const std::string& text, const std::string& id) {
  const size_t at = text.find("\"id\": \"" + id + "\"");
  if (at == std::string::npos) ADD_FAILURE() << "point " << id << " not in the fixture";
  return at == std::string::npos ? 0 : at;
}

/// The fixture text with metric `name` of point `id` set to `value_json`.
inline std::string set_metric(const std::string& text, const std::string& id,
                              const std::string& name, const std::string& value_json) {
  const size_t metrics = text.find("\"metrics\": {", point_start(text, id));
  const std::string key = "\"" + name + "\": ";
  const size_t at = text.find(key, metrics);
  if (metrics == std::string::npos || at == std::string::npos) {
    ADD_FAILURE() << "metric " << name << " of " << id << " not in the fixture";
    return text;
  }
  const size_t value = at + key.size();
  const size_t end = text.find_first_of(",\n", value);
  return text.substr(0, value) + value_json + text.substr(end);
}

/// The value text of metric `name` of point `id`.
inline std::string metric_text(const std::string& text, const std::string& id,
                               const std::string& name) {
  const size_t metrics = text.find("\"metrics\": {", point_start(text, id));
  const std::string key = "\"" + name + "\": ";
  const size_t value = text.find(key, metrics) + key.size();
  return text.substr(value, text.find_first_of(",\n", value) - value);
}

}  // namespace kvsim::test
