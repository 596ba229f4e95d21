#pragma once
// JSON fragments several reports share.

#include "kvsim/core/json.h"
#include "kvsim/kv/kv_policy.h"

namespace kvsim::report {

/// The KV policy, one described plug-in per question.
core::Json kv_policy_json(const kv::KvPolicy& p);

}  // namespace kvsim::report
