#pragma once
// Self-registering plug-ins. Each interface has one registry; each implementation lives wholly in
// its own .cpp and adds itself with KVSIM_REGISTER. The registered name is the value of `impl:` in
// YAML and the name used on the command line.
//
// A plug-in spec is either a bare name (`precision: fp8`) or a map with `impl` and the plug-in's
// parameters (`precision: {impl: int4, group_size: 32}`). The factory reads its parameters through
// a MapReader; unknown parameters are rejected with a suggestion.

#include <fmt/format.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kvsim/core/reader.h"
#include "kvsim/core/suggest.h"

namespace kvsim::core {

/// Parse "name" or "name:key=value,key=value" (a command-line spec) into the Doc form above.
/// `flag` names the option in error messages ("kvsim: error: --kv-dtype: ...").
Doc parse_spec_string(std::string_view spec, const std::string& flag);

template <class Interface>
class Registry {
 public:
  using Factory = std::function<std::unique_ptr<Interface>(MapReader& params)>;
  struct Entry {
    std::string name;
    std::string summary;  ///< one line for `kvsim list`
    Factory make;
  };

  static Registry& instance() {
    static Registry registry;
    return registry;
  }

  bool add(std::string name, std::string summary, Factory make) {
    entries_[name] = Entry{name, std::move(summary), std::move(make)};
    return true;
  }

  const Entry* find(std::string_view name) const {
    auto it = entries_.find(std::string(name));
    return it == entries_.end() ? nullptr : &it->second;
  }

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& [n, e] : entries_)
      out.push_back(n);
    return out;
  }

  std::vector<const Entry*> entries() const {
    std::vector<const Entry*> out;
    for (const auto& [n, e] : entries_)
      out.push_back(&e);
    return out;
  }

  /// Build from a spec node; `what` is the key path (e.g. "kv.precision") for messages.
  std::unique_ptr<Interface> create(const Doc& spec, const std::string& what) const {
    if (spec.is_scalar()) {
      Doc as_map = Doc::map(spec.loc);
      as_map.entries.emplace_back(Doc::scalar("impl", spec.loc), spec);
      return create(as_map, what);
    }
    MapReader params(spec, what);
    const Doc& impl_node = params.require("impl");
    const std::string impl = read_string(impl_node, params.key_path("impl"));
    const Entry* entry = find(impl);
    if (!entry) {
      fail_at(impl_node.loc,
              fmt::format("{}: unknown {} '{}'{} (known: {})", what, Interface::kQuestion, impl,
                          did_you_mean(impl, names()), join(names())));
    }
    std::unique_ptr<Interface> made = entry->make(params);
    params.finish();
    return made;
  }

 private:
  std::map<std::string, Entry> entries_;
};

}  // namespace kvsim::core

#define KVSIM_CONCAT_INNER(a, b) a##b
#define KVSIM_CONCAT(a, b) KVSIM_CONCAT_INNER(a, b)
/// Register `factory` (MapReader& -> std::unique_ptr<Interface>) under `name`.
#define KVSIM_REGISTER(Interface, name, summary, factory)                        \
  [[maybe_unused]] static const bool KVSIM_CONCAT(kvsim_registered_, __LINE__) = \
      ::kvsim::core::Registry<Interface>::instance().add(name, summary, factory)
