#pragma once
// The suite of kvsim-bench: one table of kernel cases (BabelStream-style), each with its shape,
// the bytes and flops it moves (counts.h) and its operator-CSV row (DESIGN.md section 6). The
// same table drives the timing (kvsim-bench), the reporting (the CSV's counted rates) and the
// no-GPU tests (counts vs the model's Work). Plain C++: built and tested without CUDA.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "../kernels/common/counts.h"

namespace kvbench {

enum class Family { stream, l2, launch, gemm, decode, paged_decode, prefill, kv_append, memcpy };
inline constexpr Family kAllFamilies[] = {Family::stream,  Family::l2,        Family::launch,
                                          Family::gemm,    Family::decode,    Family::paged_decode,
                                          Family::prefill, Family::kv_append, Family::memcpy};
const char* to_string(Family f);
std::optional<Family> parse_family(std::string_view s);
/// One line on what the family measures (kvsim-bench --list, validation/README.md).
const char* describe(Family f);

using Shape = std::variant<StreamShape, L2Shape, LaunchShape, GemmShape, DecodeShape, PrefillShape,
                           AppendShape, MemcpyShape>;

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Case {
  Family family = Family::stream;
  std::string kernel;  ///< kernel variant, e.g. stream_triad_v16, cublaslt_fp8, decode_wmma
  Shape shape;
  Counts counts;      ///< bytes and flops the kernel moves
  Fields fields;      ///< the operator-CSV row: op, its columns, and pass-through descriptions
  std::string split;  ///< fit or heldout, by a hash of the shape group (calibration never sees
                      ///< the held-out groups)
  double device_bytes = 0;  ///< device memory the case allocates (for the memory guard)
};

struct SuiteOptions {
  bool quick = false;              ///< a few sizes per family (minutes, not an hour)
  std::vector<Family> families;    ///< empty = all
  double max_device_bytes = 24e9;  ///< cases that need more device memory are left out
};

/// Blocks in the pool of a paged decode case: at least four times the blocks the batch uses and
/// at least 1 GiB, so randomly placed blocks are spread far beyond L2.
int64_t paged_pool_blocks(const DecodeShape& s);
/// Device memory a decode case needs (pool, Q, O, split partials).
double decode_device_bytes(const DecodeShape& s);

/// The cases of the selected families, in a fixed order (deterministic).
std::vector<Case> build_suite(const SuiteOptions& options);

/// Distinct (n, k) weight shapes of the GEMMs of every built-in model at TP = 1 (the linear layers
/// the step model prices), sorted.
std::vector<std::pair<int64_t, int64_t>> model_gemm_shapes();

/// Column order of the operator CSV kvsim-bench writes: op and every op's fields, then the
/// pass-through descriptions. Measurement and environment columns follow (harness).
const std::vector<std::string>& operator_columns();

/// The rows of `cases` as an operator CSV (header + one row per case, no measurements): what
/// `kvsim predict` reads. Used by the tests and by `kvsim-bench --ops`.
std::string operator_csv(const std::vector<Case>& cases);

}  // namespace kvbench
