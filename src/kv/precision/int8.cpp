// `int8`: INT8, 1 byte per value; per-tensor scale by default, group_size for finer scales
#include "kvsim/kv/precision.h"

namespace kvsim::kv {
namespace {

KVSIM_REGISTER(Precision, "int8",
               "INT8, 1 byte per value; per-tensor scale by default, group_size for finer scales",
               [](core::MapReader& p) {
                 return GroupedPrecision::make(p, "int8", /*bits=*/8, /*group_size=*/0,
                                               /*scale_bytes=*/2,
                                               /*zero_point=*/false, /*dequant_flops=*/2);
               });

}  // namespace
}  // namespace kvsim::kv
