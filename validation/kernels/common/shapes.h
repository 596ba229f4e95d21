#pragma once
// The problems the validation kernels solve, in the terms of the operator CSV (DESIGN.md
// section 6), with the derived dimensions the kernels, mirrors and byte counts share.

#include "numerics.h"

namespace kvbench {

enum class StreamKind : int { read = 0, write = 1, copy = 2, triad = 3 };
inline const char* to_string(StreamKind k) {
  return k == StreamKind::read    ? "read"
         : k == StreamKind::write ? "write"
         : k == StreamKind::copy  ? "copy"
                                  : "triad";
}

/// STREAM-style kernel over fp32 arrays of `elements` values, with 4- or 16-byte accesses.
struct StreamShape {
  StreamKind kind = StreamKind::copy;
  int64_t elements = 0;
  int32_t vector_bytes = 16;
};

/// Reads a working set of `working_set_bytes` `passes` times (L2-resident when it fits).
struct L2Shape {
  int64_t working_set_bytes = 0;
  int32_t passes = 1;
};

/// `kernels` empty kernels back to back, launched one by one on a stream or as one CUDA graph.
struct LaunchShape {
  int32_t kernels = 1;
  bool graph = false;
};

enum class GemmType : int { bf16 = 0, fp8 = 1 };
inline const char* to_string(GemmType t) {
  return t == GemmType::bf16 ? "bf16" : "fp8";
}

/// C[m][n] (bf16) = A[m][k] x W[n][k]^T: activations times a weight stored [n][k] (nn.Linear).
struct GemmShape {
  int64_t m = 1, n = 1, k = 1;
  GemmType type = GemmType::bf16;
};

enum class CopyKind : int { h2d = 0, d2h = 1, d2d = 2 };
inline const char* to_string(CopyKind c) {
  return c == CopyKind::h2d ? "h2d" : c == CopyKind::d2h ? "d2h" : "d2d";
}

struct MemcpyShape {
  int64_t bytes = 0;
  CopyKind kind = CopyKind::h2d;
  bool pinned = true;  ///< host side page-locked (cudaMallocHost) or pageable (malloc)
};

/// Decode attention, one new token per sequence: `q_heads` query heads attend over the last
/// attended() of `kv_len` cached tokens. MLA when latent_dim > 0: one cached row of latent +
/// rope values per token, K = the whole row, V = its first latent_dim values.
struct DecodeShape {
  int32_t batch = 1;
  int32_t kv_len = 1;
  int32_t q_heads = 1;
  int32_t kv_heads = 1;
  int32_t head_dim = 128;
  int32_t window = 0;  ///< 0 = full
  int32_t latent_dim = 0;
  int32_t rope_dim = 0;
  KvDtype dtype = KvDtype::bf16;
  int32_t block_tokens = 0;  ///< 0 = contiguous cache
  bool random_blocks = false;

  KVB_HD bool mla() const { return latent_dim > 0; }
  KVB_HD int32_t cache_heads() const { return mla() ? 1 : kv_heads; }
  KVB_HD int32_t dk() const { return mla() ? latent_dim + rope_dim : head_dim; }
  KVB_HD int32_t dv() const { return mla() ? latent_dim : head_dim; }
  KVB_HD int32_t group() const { return q_heads / cache_heads(); }
  KVB_HD int32_t attended() const { return window > 0 && window < kv_len ? window : kv_len; }
  KVB_HD int32_t first_token() const { return kv_len - attended(); }
};

/// Prefill attention: q_len new tokens per sequence attend over kv_len tokens (a cached prefix of
/// kv_len - q_len, then themselves), causal by default. Q, K, V and O in bf16.
struct PrefillShape {
  int32_t batch = 1;
  int32_t q_len = 1;
  int32_t kv_len = 1;
  int32_t q_heads = 1;
  int32_t kv_heads = 1;
  int32_t head_dim = 128;
  bool causal = true;

  KVB_HD int32_t prefix() const { return kv_len - q_len; }
  KVB_HD int32_t group() const { return q_heads / kv_heads; }
  /// Keys query row `i` (0-based among the new tokens) attends to: [0, visible(i)).
  KVB_HD int32_t visible(int32_t i) const { return causal ? prefix() + i + 1 : kv_len; }
};

/// KV append: `tokens` new tokens' K and V (bf16) quantised into a paged cache through a slot
/// mapping (one int32 slot per token, as vLLM's reshape_and_cache). MLA appends one latent row.
struct AppendShape {
  int32_t tokens = 1;
  int32_t kv_heads = 1;
  int32_t head_dim = 128;
  int32_t latent_dim = 0;
  int32_t rope_dim = 0;
  KvDtype dtype = KvDtype::bf16;
  int32_t block_tokens = 16;

  KVB_HD bool mla() const { return latent_dim > 0; }
  KVB_HD int32_t cache_heads() const { return mla() ? 1 : kv_heads; }
  KVB_HD int32_t k_dim() const { return mla() ? latent_dim + rope_dim : head_dim; }
  KVB_HD int32_t caches() const { return mla() ? 1 : 2; }  ///< K and V, or the latent alone
};

}  // namespace kvbench
