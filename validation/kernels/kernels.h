#pragma once
// Host-side entry points of the validation kernels (the .cu files beside this header). Every
// function launches asynchronously on `stream` and throws std::runtime_error (naming the call,
// file and line) when a CUDA or cuBLAS call fails. Pointers are device pointers unless named
// host_*.

#include <cuda_runtime_api.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/attention.h"
#include "common/kv_layout.h"

namespace kvbench::cuda {

[[noreturn]] void fail(const char* what, const char* call, const char* file, int line);

#define KVB_CHECK(call)                                                               \
  do {                                                                                \
    const cudaError_t kvb_err_ = (call);                                              \
    if (kvb_err_ != cudaSuccess)                                                      \
      ::kvbench::cuda::fail(cudaGetErrorString(kvb_err_), #call, __FILE__, __LINE__); \
  } while (0)

/// Checks the last launch.
#define KVB_CHECK_LAUNCH() KVB_CHECK(cudaGetLastError())

// ---- util.cu: inputs, poisoning, L2 flushing, holding the stream ----

void fill_f32(float* p, int64_t n, uint64_t seed, bool positive, cudaStream_t stream);
void fill_bf16(uint16_t* p, int64_t n, uint64_t seed, float amp, cudaStream_t stream);
void fill_e4m3(uint8_t* p, int64_t n, uint64_t seed, cudaStream_t stream);
/// Generated contents of `rows` rows of a cache (cache_byte / cache_group of kv_layout.h).
void fill_cache(const KvCache& c, int64_t rows, uint64_t seed, cudaStream_t stream);
/// Adds to *counter the number of 16-bit (or 32-bit) words equal to the poison pattern 0xFFFF...
void count_poison_16(const uint16_t* p, int64_t n, unsigned long long* counter, cudaStream_t s);
void count_poison_32(const float* p, int64_t n, unsigned long long* counter, cudaStream_t s);
/// Writes `bytes` of `buffer` (at least twice the L2 size) so that no input stays in L2.
void flush_l2(void* buffer, size_t bytes, cudaStream_t stream);
/// Spins until *host_flag (mapped pinned memory) reaches `target` or `timeout_ms` passes, so the
/// work queued behind it starts back to back with no launch gaps (nvbandwidth's technique).
void hold_stream(volatile int* host_flag, int target, int timeout_ms, cudaStream_t stream);

// ---- stream.cu ----

/// Grid of the stream kernels: enough resident threads for bytes in flight on every SM.
int stream_grid(int sm_count);
/// One STREAM kernel: a (read, write, copy, triad: a = b + scalar * c), partial: per-block sums
/// of the read kernel (stream_grid floats).
void stream_kernel(const StreamShape& s, float* a, const float* b, const float* c, float scalar,
                   float* partial, int grid, cudaStream_t stream);
/// Reads `ws_bytes` of `buf` `passes` times through L2 (ld.global.cg), per-block sums to partial.
void l2_read(const float* buf, int64_t ws_bytes, int32_t passes, float* partial, int grid,
             cudaStream_t stream);
void empty_kernel(cudaStream_t stream);

// ---- gemm.cu (cuBLASLt) ----

/// C[m][n] (bf16) = A[m][k] x W[n][k]^T with bf16 or fp8 (e4m3) A and W, fp32 accumulation.
class Gemm {
 public:
  Gemm();
  ~Gemm();
  Gemm(const Gemm&) = delete;
  Gemm& operator=(const Gemm&) = delete;
  /// Picks cuBLASLt's first heuristic algorithm; false (with the reason) when none exists, which
  /// the harness reports as waived.
  bool prepare(const GemmShape& g, void* workspace, size_t workspace_bytes, std::string* why);
  void run(const void* a, const void* w, uint16_t* c, cudaStream_t stream);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// ---- decode_attention.cu ----

struct DecodeArgs {
  const uint16_t* q = nullptr;  ///< [batch][q_heads][dk] bf16
  KvCache k, v;                 ///< v unused for MLA
  KvPaging paging;
  uint16_t* out = nullptr;   ///< [batch][q_heads][dv] bf16
  float* part_o = nullptr;   ///< [batch][q_heads][splits][dv] when splits > 1
  float* part_ml = nullptr;  ///< [batch][q_heads][splits][2] (m, l)
};

/// Dynamic shared memory of one decode CTA; 0 when the shape is not supported (head dims not a
/// multiple of 32, or over 576).
size_t decode_smem_bytes(const DecodeShape& s, const DecodePlan& p);
/// Resident decode CTAs per SM for this shape (occupancy calculator), for plan_decode.
int decode_ctas_per_sm(const DecodeShape& s, const DecodePlan& p);
/// The decode kernel, then the combine kernel when p.splits > 1.
void decode_attention(const DecodeShape& s, const DecodePlan& p, const DecodeArgs& a,
                      cudaStream_t stream);

// ---- prefill_attention.cu ----

/// Supported head dims: 64, 128, 256.
bool prefill_supported(const PrefillShape& s);
/// q, out: [batch][q_len][q_heads][d]; k, v: [batch][kv_len][kv_heads][d]; all bf16.
void prefill_attention(const PrefillShape& s, const uint16_t* q, const uint16_t* k,
                       const uint16_t* v, uint16_t* out, cudaStream_t stream);

// ---- kv_append.cu ----

/// k_in, v_in: [tokens][cache_heads][dim] bf16; slots: [tokens] pool slots.
void kv_append(const AppendShape& s, const uint16_t* k_in, const uint16_t* v_in,
               const int32_t* slots, const KvCache& k, const KvCache& v, cudaStream_t stream);

}  // namespace kvbench::cuda
