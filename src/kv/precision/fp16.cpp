// `fp16`: IEEE half, 2 bytes per value
#include "kvsim/kv/precision.h"

namespace kvsim::kv {
namespace {

KVSIM_REGISTER(Precision, "fp16", "IEEE half, 2 bytes per value", [](core::MapReader& p) {
  return GroupedPrecision::make(p, "fp16", /*bits=*/16, /*group_size=*/0, /*scale_bytes=*/2,
                                /*zero_point=*/false, /*dequant_flops=*/0);
});

}  // namespace
}  // namespace kvsim::kv
