#include "kvsim/model/weight_format.h"

namespace kvsim::model {
namespace {

const std::vector<WeightFormat>& formats() {
  static const std::vector<WeightFormat> all = {
      {"fp32", 32},
      {"bf16", 16},
      {"fp16", 16},
      {"fp8", 8},
      {"fp8_block128", 8 + 32.0 / (128 * 128)},
      {"int8", 8},
      {"int4_g128", 4 + (16.0 + 4.0) / 128},
      {"mxfp4", 4 + 8.0 / 32},  // OCP MX spec: one 8-bit shared exponent per 32 values
      {"nvfp4", 4 + 8.0 / 16},  // one fp8 scale per 16 values
  };
  return all;
}

}  // namespace

std::optional<WeightFormat> find_weight_format(std::string_view name) {
  for (const auto& f : formats()) {
    if (f.name == name) return f;
  }
  return std::nullopt;
}

std::vector<std::string> weight_format_names() {
  std::vector<std::string> out;
  for (const auto& f : formats())
    out.push_back(f.name);
  return out;
}

}  // namespace kvsim::model
