#pragma once
// Helpers shared by the trace-reader tests.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kvsim/workload/request.h"
#include "kvsim/workload/trace_format.h"
#include "test_util.h"

namespace kvsim::test {

/// A fixture under tests/data/traces/.
inline std::string trace_path(const std::string& name) {
  return data_path("traces/" + name);
}

inline workload::RequestSet load_fixture(const std::string& name, const std::string& format = "") {
  return workload::load_trace(trace_path(name), format);
}

inline std::vector<double> arrivals(const workload::RequestSet& set) {
  std::vector<double> out;
  for (const workload::Request& r : set.requests)
    out.push_back(r.arrival_s);
  return out;
}

inline std::vector<int64_t> inputs(const workload::RequestSet& set) {
  std::vector<int64_t> out;
  for (const workload::Request& r : set.requests)
    out.push_back(r.input_tokens);
  return out;
}

inline std::vector<int64_t> outputs(const workload::RequestSet& set) {
  std::vector<int64_t> out;
  for (const workload::Request& r : set.requests)
    out.push_back(r.output_tokens);
  return out;
}

inline std::vector<int64_t> sessions(const workload::RequestSet& set) {
  std::vector<int64_t> out;
  for (const workload::Request& r : set.requests)
    out.push_back(r.session);
  return out;
}

inline std::vector<int64_t> lines(const workload::RequestSet& set) {
  std::vector<int64_t> out;
  for (const workload::Request& r : set.requests)
    out.push_back(r.line);
  return out;
}

inline std::vector<uint64_t> hashes(const workload::RequestSet& set, size_t i) {
  const auto span = set.hashes_of(set.requests.at(i));
  return {span.begin(), span.end()};
}

/// "line: reason" for every kept rejection, for readable failures.
inline std::vector<std::string> rejections(const workload::RequestSet& set) {
  std::vector<std::string> out;
  for (const workload::RejectedRow& r : set.rejected) {
    out.push_back(std::to_string(r.line) + ": " + r.reason);
  }
  return out;
}

}  // namespace kvsim::test
