#pragma once
// Question 1: which values are cached per token per layer (MHA / GQA / MQA / MLA latent).

#include <memory>
#include <string>

#include "kvsim/core/registry.h"
#include "kvsim/model/model_spec.h"

namespace kvsim::kv {

class AttentionLayout {
 public:
  static constexpr const char* kQuestion = "attention layout";
  virtual ~AttentionLayout() = default;
  /// "gqa(kv_heads=4)", for reports.
  virtual std::string describe() const = 0;
  /// The attention as cached, for a layer whose own attention is `model`. May change the kind
  /// (what-if layouts); errors (e.g. kv_heads not dividing q_heads) are InputErrors.
  virtual model::AttentionSpec apply(const model::AttentionSpec& model) const = 0;
};

/// Values cached per token for one layer, and how tensor parallelism splits them.
struct KvValues {
  int64_t per_token = 0;      ///< K+V (or latent+rope) values of the whole layer
  int64_t per_token_gpu = 0;  ///< values one TP rank stores
  int64_t heads_gpu = 0;      ///< KV heads one rank stores (MLA: 1 latent)
  int64_t dim_per_head = 0;   ///< values per head per token (K+V dims, or latent+rope)
  int64_t replication = 1;    ///< TP ranks that store identical copies (1 = no replication)
};

/// GQA/MQA heads fewer than `tp` are replicated (tp % kv_heads == 0 required); more are split
/// (kv_heads % tp == 0 required). An MLA latent is replicated on every rank.
KvValues cached_values(const model::AttentionSpec& a, int64_t tp);

}  // namespace kvsim::kv
