#include "kvsim/perf/kv_precision.h"

#include <map>
#include <memory>

#include "kvsim/core/registry.h"

namespace kvsim::perf {

const kv::Precision& default_precision(const std::string& name) {
  // Built once (thread-safe static initialisation) for every registered name.
  static const auto all = [] {
    std::map<std::string, std::unique_ptr<kv::Precision>> m;
    const auto& reg = core::Registry<kv::Precision>::instance();
    for (const auto& n : reg.names()) {
      m[n] = reg.create(core::Doc::scalar(n, core::SourceLoc::of("kv_dtype")), "kv_dtype");
    }
    return m;
  }();
  auto it = all.find(name);
  if (it == all.end()) throw core::ConfigError("kv_dtype", "unknown KV precision '" + name + "'");
  return *it->second;
}

}  // namespace kvsim::perf
