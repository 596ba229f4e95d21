#pragma once
// Requests to replay: arrival time, prompt and output lengths, and the prompt's prefix structure as
// a chain of block hashes (each hash names a block of `hash_block_tokens` tokens *and everything
// before it*, so two requests share a cached prefix exactly as long as their hash lists agree).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace kvsim::workload {

/// Largest prompt or output length of one request, in tokens (2^40, about 1.1e12: far beyond any
/// model's context). Trace readers reject longer rows and generators never produce them, so the
/// sums the engine forms (prompt + output, a session's turns, tokens x bytes in doubles) stay far
/// from 64-bit overflow.
inline constexpr int64_t kMaxRequestTokens = int64_t{1} << 40;

struct Request {
  int64_t id = 0;                 ///< position in arrival order (assigned by RequestSet::finalize)
  double arrival_s = 0;           ///< seconds after the first arrival
  int64_t input_tokens = 0;       ///< prompt tokens, > 0
  int64_t output_tokens = 0;      ///< tokens to generate, > 0
  uint64_t hash_offset = 0;       ///< first prefix hash in RequestSet::hashes
  uint32_t hash_count = 0;        ///< number of prefix hashes (0 = no prefix information)
  int32_t hash_block_tokens = 0;  ///< tokens per hash (Mooncake 512, Qwen-Bailian 16; 0 = none)
  int64_t session = -1;           ///< conversation id for multi-turn traces, -1 = none
  int32_t line = 0;               ///< source line (0 for generated requests)
};

/// A row a reader could not use, and why.
struct RejectedRow {
  int64_t line = 0;
  std::string reason;
};

/// All requests of a trace or generator, plus what happened while reading them.
class RequestSet {
 public:
  std::vector<Request> requests;
  std::vector<uint64_t> hashes;  ///< pool of prefix hashes; requests index into it
  std::string source;            ///< file path or generator description
  std::string format;            ///< registered trace format or generator name

  int64_t rows_read = 0;              ///< data rows seen (accepted + rejected)
  int64_t rejected_count = 0;         ///< rows rejected (all of them)
  std::vector<RejectedRow> rejected;  ///< the first kMaxRejectedKept rejections, with reasons
  int64_t out_of_order = 0;           ///< rows whose timestamp was earlier than the previous row's
  std::vector<std::string> notes;     ///< what the reader did that a user should know

  static constexpr size_t kMaxRejectedKept = 1000;

  /// Append a request (id and arrival rebasing happen in finalize) with its prefix hashes.
  void add(Request r, std::span<const uint64_t> prefix_hashes = {});
  /// Record a rejected row (counted always; kept with its reason up to kMaxRejectedKept).
  void reject(int64_t line, std::string reason);
  std::span<const uint64_t> hashes_of(const Request& r) const {
    return {hashes.data() + r.hash_offset, r.hash_count};
  }
  /// Sort by arrival (stable: equal stamps keep file order), note it when the input was unsorted,
  /// shift times so the first arrival is at 0, and assign ids in arrival order.
  void finalize();
};

}  // namespace kvsim::workload
