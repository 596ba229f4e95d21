#pragma once
// The KV precision plug-ins with their default parameters, looked up by name, for operators that
// size cached values and their scales (decode attention, KV append).

#include <string>

#include "kvsim/kv/precision.h"

namespace kvsim::perf {

/// The registered precision `name` with default parameters. An unknown name is a ConfigError.
const kv::Precision& default_precision(const std::string& name);

}  // namespace kvsim::perf
