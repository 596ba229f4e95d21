#include "kvsim/report/json_parts.h"

namespace kvsim::report {

core::Json kv_policy_json(const kv::KvPolicy& p) {
  core::Json sharing = core::Json::array();
  for (const auto& s : p.sharing)
    sharing.push(s->describe());
  core::Json tiers = core::Json::array();
  for (const auto& t : p.tiers)
    tiers.push(t->describe());
  return core::Json::object()
      .set("attention", p.attention->describe())
      .set("precision", p.precision->describe())
      .set("retention", p.retention->describe())
      .set("sharing", std::move(sharing))
      .set("allocation", p.allocation->describe())
      .set("tiers", std::move(tiers));
}

}  // namespace kvsim::report
