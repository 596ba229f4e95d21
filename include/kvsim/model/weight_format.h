#pragma once
// How weights are stored: bits per parameter including amortised scale overhead.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvsim::model {

struct WeightFormat {
  std::string name = "bf16";
  double bits_per_param = 16;  ///< payload + scales/zero-points amortised over their group
};

/// Known formats: fp32, bf16, fp16, fp8 (per-tensor scale), fp8_block128 (fp32 scale per 128x128
/// block), int8, int4_g128 (fp16 scale + 4-bit zero per 128), mxfp4 (e8m0 scale per 32),
/// nvfp4 (fp8 scale per 16).
std::optional<WeightFormat> find_weight_format(std::string_view name);
std::vector<std::string> weight_format_names();

}  // namespace kvsim::model
