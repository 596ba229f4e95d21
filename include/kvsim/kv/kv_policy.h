#pragma once
// A KV strategy: one plug-in per question (DESIGN.md section 3). Questions a scenario leaves open
// take the model's own behaviour: attention `model`, precision = the model's kv_dtype, retention
// `model`, no sharing, `paged` blocks of 16, and the `hbm` tier only.

#include <memory>
#include <string>
#include <vector>

#include "kvsim/core/doc.h"
#include "kvsim/kv/allocation.h"
#include "kvsim/kv/attention_layout.h"
#include "kvsim/kv/precision.h"
#include "kvsim/kv/retention.h"
#include "kvsim/kv/sharing.h"
#include "kvsim/kv/tier.h"
#include "kvsim/model/model_spec.h"

namespace kvsim::kv {

struct KvPolicy {
  std::shared_ptr<const AttentionLayout> attention;
  std::shared_ptr<const Precision> precision;
  std::shared_ptr<const Retention> retention;
  std::vector<std::shared_ptr<const Sharing>> sharing;
  std::shared_ptr<const Allocation> allocation;
  std::vector<std::shared_ptr<const Tier>> tiers;  ///< hbm first, then offload tiers in order
  core::SourceLoc loc;

  /// Fill every open question with the model's behaviour. Call before use.
  void fill_defaults(const model::ModelSpec& m);
  /// Reject combinations that cannot work (prefix sharing without blocks, duplicate plug-ins).
  void validate() const;
  /// "attention=model precision=bf16 retention=model allocation=paged(block_tokens=16) ...".
  std::string describe() const;
  const Sharing* find_sharing(std::string_view name) const;
};

/// Read a `kv:` map (keys: attention, precision, retention, sharing, allocation, tiers) where
/// each value is a plug-in spec (sharing and tiers: a list of them). `node` may be null.
KvPolicy parse_kv_policy(const core::Doc* node, const std::string& path = "kv");

/// Build one plug-in from a spec node for question `key` (attention, precision, ...); used by
/// parse_kv_policy and by command-line flags.
void set_kv_question(KvPolicy& policy, std::string_view key, const core::Doc& spec,
                     const std::string& path);

/// The six question keys, in order.
const std::vector<std::string>& kv_question_keys();

}  // namespace kvsim::kv
