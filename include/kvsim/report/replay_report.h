#pragma once
// Renders a replay: a summary for terminals, and JSON for machines (keys documented in the README,
// "kvsim replay --json").

#include <string>

#include "kvsim/core/json.h"
#include "kvsim/serve/engine.h"
#include "kvsim/serve/replay_result.h"
#include "kvsim/workload/request.h"

namespace kvsim::report {

/// Version of the replay JSON layout; bumped when keys change meaning or disappear.
inline constexpr int kReplaySchemaVersion = 1;

core::Json replay_json(const serve::Deployment& d, const workload::RequestSet& trace,
                       const serve::ReplayResult& r);
std::string replay_text(const serve::Deployment& d, const workload::RequestSet& trace,
                        const serve::ReplayResult& r);

}  // namespace kvsim::report
