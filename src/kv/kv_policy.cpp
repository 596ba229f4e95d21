#include "kvsim/kv/kv_policy.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "kvsim/core/reader.h"

namespace kvsim::kv {

const std::vector<std::string>& kv_question_keys() {
  static const std::vector<std::string> keys = {"attention", "precision",  "retention",
                                                "sharing",   "allocation", "tiers"};
  return keys;
}

namespace {

template <class T>
std::shared_ptr<const T> build(const core::Doc& spec, const std::string& path) {
  return core::Registry<T>::instance().create(spec, path);
}

core::Doc name_spec(const std::string& name) {
  return core::Doc::scalar(name, core::SourceLoc::of("<default>"));
}

}  // namespace

void set_kv_question(KvPolicy& policy, std::string_view key, const core::Doc& spec,
                     const std::string& path) {
  if (key == "attention") {
    policy.attention = build<AttentionLayout>(spec, path);
  } else if (key == "precision") {
    policy.precision = build<Precision>(spec, path);
  } else if (key == "retention") {
    policy.retention = build<Retention>(spec, path);
  } else if (key == "allocation") {
    policy.allocation = build<Allocation>(spec, path);
  } else if (key == "sharing" || key == "tiers") {
    // A single spec or a list of them.
    std::vector<const core::Doc*> items;
    if (spec.is_sequence()) {
      for (const auto& item : spec.items)
        items.push_back(&item);
    } else {
      items.push_back(&spec);
    }
    for (size_t i = 0; i < items.size(); ++i) {
      const std::string item_path = spec.is_sequence() ? fmt::format("{}[{}]", path, i) : path;
      if (key == "sharing") {
        policy.sharing.push_back(build<Sharing>(*items[i], item_path));
      } else {
        policy.tiers.push_back(build<Tier>(*items[i], item_path));
      }
    }
  } else {
    core::fail_at(spec.loc, fmt::format("unknown KV question '{}'", key));
  }
}

KvPolicy parse_kv_policy(const core::Doc* node, const std::string& path) {
  KvPolicy p;
  if (!node || node->is_null()) return p;
  p.loc = node->loc;
  core::MapReader m(*node, path);
  for (const auto& key : kv_question_keys()) {
    if (const core::Doc* spec = m.find(key)) set_kv_question(p, key, *spec, m.key_path(key));
  }
  m.finish();
  p.validate();
  return p;
}

void KvPolicy::fill_defaults(const model::ModelSpec& m) {
  if (!attention) attention = build<AttentionLayout>(name_spec("model"), "kv.attention");
  if (!precision) precision = build<Precision>(name_spec(m.kv_dtype), "kv.precision");
  if (!retention) retention = build<Retention>(name_spec("model"), "kv.retention");
  if (!allocation) allocation = build<Allocation>(name_spec("paged"), "kv.allocation");
  if (tiers.empty() || tiers.front()->name() != "hbm") {
    tiers.insert(tiers.begin(), build<Tier>(name_spec("hbm"), "kv.tiers"));
  }
  validate();
}

void KvPolicy::validate() const {
  auto fail = [&](const std::string& msg) {
    core::fail_at(loc.file ? loc : core::SourceLoc::of("kv"), msg);
  };
  for (size_t i = 0; i < sharing.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (sharing[i]->name() == sharing[j]->name()) {
        fail(fmt::format("kv.sharing: '{}' is listed twice", sharing[i]->name()));
      }
    }
    if (sharing[i]->needs_blocks() && allocation && allocation->block_tokens() == 0) {
      fail(fmt::format("kv.sharing: '{}' shares whole blocks and needs 'paged' allocation, not {}",
                       sharing[i]->name(), allocation->describe()));
    }
  }
  for (size_t i = 0; i < tiers.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (tiers[i]->name() == tiers[j]->name()) {
        fail(fmt::format("kv.tiers: '{}' is listed twice", tiers[i]->name()));
      }
    }
    if (i > 0 && tiers[i]->name() == "hbm") fail("kv.tiers: 'hbm' must come first");
  }
}

std::string KvPolicy::describe() const {
  auto list = [](const auto& items) {
    if (items.empty()) return std::string("none");
    std::vector<std::string> parts;
    for (const auto& s : items)
      parts.push_back(s->describe());
    return fmt::format("{}", fmt::join(parts, "+"));
  };
  return fmt::format("attention={} precision={} retention={} sharing={} allocation={} tiers={}",
                     attention ? attention->describe() : "model",
                     precision ? precision->describe() : "model",
                     retention ? retention->describe() : "model", list(sharing),
                     allocation ? allocation->describe() : "paged", list(tiers));
}

const Sharing* KvPolicy::find_sharing(std::string_view name) const {
  for (const auto& s : sharing) {
    if (s->name() == name) return s.get();
  }
  return nullptr;
}

}  // namespace kvsim::kv
