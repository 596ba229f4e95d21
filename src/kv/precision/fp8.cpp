// `fp8`: FP8 (e4m3), 1 byte per value; per-tensor scale by default, group_size for finer scales
#include "kvsim/kv/precision.h"

namespace kvsim::kv {
namespace {

KVSIM_REGISTER(
    Precision, "fp8",
    "FP8 (e4m3), 1 byte per value; per-tensor scale by default, group_size for finer scales",
    [](core::MapReader& p) {
      return GroupedPrecision::make(p, "fp8", /*bits=*/8, /*group_size=*/0, /*scale_bytes=*/4,
                                    /*zero_point=*/false, /*dequant_flops=*/1);
    });

}  // namespace
}  // namespace kvsim::kv
