#include "kvsim/workload/request.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

#include "kvsim/core/big_vector.h"

namespace kvsim::workload {

void RequestSet::add(Request r, std::span<const uint64_t> prefix_hashes) {
  if (!requests.empty() && r.arrival_s < requests.back().arrival_s) ++out_of_order;
  if (requests.size() == requests.capacity()) {
    // Grow by doubling into storage advised for huge pages: traces have millions of rows, and
    // faulting in each 4 KiB page of every doubling costs more than parsing them.
    std::vector<Request> grown;
    core::reserve_big(grown, std::max<size_t>(4096, 2 * requests.capacity()));
    grown.insert(grown.end(), requests.begin(), requests.end());
    requests.swap(grown);
  }
  r.hash_offset = hashes.size();
  r.hash_count = static_cast<uint32_t>(prefix_hashes.size());
  hashes.insert(hashes.end(), prefix_hashes.begin(), prefix_hashes.end());
  requests.push_back(r);
}

void RequestSet::reject(int64_t line, std::string reason) {
  ++rejected_count;
  if (rejected.size() < kMaxRejectedKept) rejected.push_back({line, std::move(reason)});
}

void RequestSet::finalize() {
  if (out_of_order > 0) {
    std::stable_sort(requests.begin(), requests.end(),
                     [](const Request& a, const Request& b) { return a.arrival_s < b.arrival_s; });
    notes.push_back(
        fmt::format("timestamps were not sorted ({} rows earlier than the row before them): "
                    "requests were sorted by arrival time",
                    out_of_order));
  }
  if (!requests.empty()) {
    const double t0 = requests.front().arrival_s;
    for (Request& r : requests)
      r.arrival_s -= t0;
  }
  for (size_t i = 0; i < requests.size(); ++i)
    requests[i].id = static_cast<int64_t>(i);
}

}  // namespace kvsim::workload
