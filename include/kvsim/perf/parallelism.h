#pragma once
// How a model is split over GPUs.

#include <cstdint>
#include <string>
#include <utility>

namespace kvsim::perf {

struct Parallelism {
  int64_t tp = 1;  ///< tensor parallel: heads and weight matrices split over `tp` GPUs
  int64_t pp = 1;  ///< pipeline parallel: layers split into `pp` consecutive stages
  int64_t ep = 1;  ///< expert parallel over the TP group: 1 (experts TP-sharded) or tp (whole
                   ///< experts spread over the ranks, combined by the TP all-reduce)

  int64_t gpus() const { return tp * pp; }
  std::string describe() const;
};

/// Layers [first, end) of pipeline stage `stage` when `layers` are split over `pp` stages: as even
/// as possible, the earlier stages taking the remainder.
std::pair<int64_t, int64_t> stage_layers(int64_t layers, int64_t pp, int64_t stage);

}  // namespace kvsim::perf
