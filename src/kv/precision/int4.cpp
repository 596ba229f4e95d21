// `int4`: INT4, half a byte per value plus an fp16 scale and zero point per group of 32
#include "kvsim/kv/precision.h"

namespace kvsim::kv {
namespace {

KVSIM_REGISTER(Precision, "int4",
               "INT4, half a byte per value plus an fp16 scale and zero point per group of 32",
               [](core::MapReader& p) {
                 return GroupedPrecision::make(p, "int4", /*bits=*/4, /*group_size=*/32,
                                               /*scale_bytes=*/2,
                                               /*zero_point=*/true, /*dequant_flops=*/3);
               });

}  // namespace
}  // namespace kvsim::kv
