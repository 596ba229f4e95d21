#include "kvsim/kv/precision.h"

#include <fmt/format.h>

#include "kvsim/core/checked.h"

namespace kvsim::kv {

GroupedPrecision::GroupedPrecision(std::string name, int bits, int64_t group_size,
                                   int64_t scale_bytes, bool zero_point, double dequant_flops)
    : name_(std::move(name)),
      bits_(bits),
      group_size_(group_size),
      scale_bytes_(scale_bytes),
      zero_point_(zero_point),
      dequant_flops_(dequant_flops) {}

std::string GroupedPrecision::describe() const {
  if (group_size_ == 0) return name_;
  return fmt::format("{}(group_size={}, scale_bytes={}{})", name_, group_size_, scale_bytes_,
                     zero_point_ ? ", zero_point" : "");
}

int64_t GroupedPrecision::bytes_per_token(int64_t heads, int64_t dim_per_head) const {
  const int64_t values = core::checked_mul(heads, dim_per_head, "values per token");
  int64_t bytes = core::ceil_div(core::checked_mul(values, bits_, "bits per token"), 8);
  if (group_size_ > 0) {
    const int64_t groups =
        heads * core::ceil_div(dim_per_head, group_size_);  // groups stay in a head
    bytes += groups * scale_bytes_ * (zero_point_ ? 2 : 1);
  }
  return bytes;
}

std::unique_ptr<Precision> GroupedPrecision::make(core::MapReader& params, std::string name,
                                                  int bits, int64_t default_group,
                                                  int64_t default_scale_bytes,
                                                  bool default_zero_point, double dequant_flops) {
  const int64_t group = params.maybe_integer("group_size", core::IntRange::non_negative(1 << 20))
                            .value_or(default_group);
  const int64_t scale =
      params.maybe_integer("scale_bytes", core::IntRange{1, 8}).value_or(default_scale_bytes);
  const bool zero = params.maybe_boolean("zero_point").value_or(default_zero_point);
  return std::make_unique<GroupedPrecision>(std::move(name), bits, group, scale, zero,
                                            dequant_flops);
}

}  // namespace kvsim::kv
