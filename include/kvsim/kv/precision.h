#pragma once
// Question 2: bytes per cached value, including quantisation scales, and the dequantisation work.

#include <cstdint>
#include <memory>
#include <string>

#include "kvsim/core/registry.h"

namespace kvsim::kv {

class Precision {
 public:
  static constexpr const char* kQuestion = "precision";
  virtual ~Precision() = default;
  virtual std::string name() const = 0;
  virtual std::string describe() const = 0;
  /// Bytes one token of one layer occupies: `heads` heads of `dim_per_head` values each,
  /// payload plus the scales (and zero points) of every group.
  virtual int64_t bytes_per_token(int64_t heads, int64_t dim_per_head) const = 0;
  virtual double payload_bits() const = 0;
  /// Arithmetic per value to dequantise on read (0 for native floating point).
  virtual double dequant_flops_per_value() const = 0;
};

/// The shared implementation behind every precision plug-in: `bits` per value, and optionally one
/// scale of `scale_bytes` (plus a zero point of the same size) per `group_size` values of a head.
/// group_size == 0 means one scale per tensor (negligible per token).
class GroupedPrecision : public Precision {
 public:
  GroupedPrecision(std::string name, int bits, int64_t group_size, int64_t scale_bytes,
                   bool zero_point, double dequant_flops);
  std::string name() const override { return name_; }
  std::string describe() const override;
  int64_t bytes_per_token(int64_t heads, int64_t dim_per_head) const override;
  double payload_bits() const override { return bits_; }
  double dequant_flops_per_value() const override { return dequant_flops_; }

  /// Reads group_size / scale_bytes / zero_point overrides from a plug-in spec.
  static std::unique_ptr<Precision> make(core::MapReader& params, std::string name, int bits,
                                         int64_t default_group, int64_t default_scale_bytes,
                                         bool default_zero_point, double dequant_flops);

 private:
  std::string name_;
  int bits_;
  int64_t group_size_;
  int64_t scale_bytes_;
  bool zero_point_;
  double dequant_flops_;
};

}  // namespace kvsim::kv
