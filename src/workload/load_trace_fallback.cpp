// TEMPORARY, branch `generators` only: a weak stand-in for workload::load_trace, so that the
// `empirical` length distribution's `trace:` path compiles and links before the trace readers
// (branch `traces`, src/workload/trace_format.cpp) are merged. The readers' ordinary (strong)
// definition replaces this one at link time without a conflict; delete this file once they land.
//
// Until then `empirical: {trace: ...}` is an InputError naming the trace file, never a crash.
#include <fmt/format.h>

#include "kvsim/core/error.h"
#include "kvsim/workload/trace_format.h"

namespace kvsim::workload {

[[gnu::weak]] RequestSet load_trace(const std::string& path, const std::string& format) {
  throw core::InputError(core::SourceLoc::of(path),
                         fmt::format("cannot read trace{}: this kvsim was built without the "
                                     "trace readers",
                                     format.empty() ? "" : " format '" + format + "'"));
}

}  // namespace kvsim::workload
