#pragma once
// Cached KV blocks of one replica, keyed by hash-chained block hashes (a block's hash names its
// tokens and every token before them), across tiers: HBM first, then offload tiers (host, NVMe).
// A block referenced by a running sequence stays in HBM; an unreferenced block is kept for future
// hits until space is needed, then evicted least-recently-used first: from HBM down to the next
// tier with room, and from the last tier out of the cache.
//
// Units: blocks of `block_tokens` tokens. The pool owner turns blocks into bytes.

#include <cstdint>
#include <list>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace kvsim::serve {

struct CacheTier {
  std::string name;
  int64_t capacity_blocks = 0;   ///< HBM: 0 = limited only by the pool (the owner evicts by need)
  double bandwidth_bytes_s = 0;  ///< to HBM, for hits served from this tier
};

class PrefixCache {
 public:
  /// tiers[0] is HBM. `block_bytes`: bytes of one block (per GPU), for transfer times.
  PrefixCache(std::vector<CacheTier> tiers, double block_bytes);

  struct Match {
    int64_t blocks = 0;             ///< leading blocks found in any tier
    std::vector<int64_t> per_tier;  ///< of those, found in each tier
    double transfer_s = 0;          ///< time to bring non-HBM hits into HBM
  };
  /// Leading blocks of `hashes` present in the cache, without changing it.
  Match peek(std::span<const uint64_t> hashes) const;
  /// Reference the leading `blocks` of `hashes` (all must be present): they move to HBM (the
  /// caller has made room for those that were in lower tiers) and become unevictable.
  void acquire(std::span<const uint64_t> hashes, int64_t blocks);
  /// Insert blocks a sequence has just filled, referenced by it. Hashes already cached are
  /// acquired instead. Returns how many were new.
  int64_t insert(std::span<const uint64_t> hashes);
  /// Drop one reference to each of `hashes`; blocks reaching zero become evictable (most recently
  /// used end of the LRU).
  void release(std::span<const uint64_t> hashes);

  /// Evict up to `blocks` unreferenced HBM blocks (LRU first), demoting them to lower tiers when
  /// those have room. Returns the number of HBM blocks freed.
  int64_t evict_hbm(int64_t blocks);
  /// Drop everything (end of run); returns blocks that were still referenced (should be 0).
  int64_t clear();

  int64_t hbm_blocks() const { return tier_blocks_[0]; }  ///< cached blocks in HBM
  int64_t hbm_referenced() const { return referenced_; }  ///< of those, in use
  int64_t hbm_evictable() const { return tier_blocks_[0] - referenced_; }
  int64_t tier_blocks(size_t tier) const { return tier_blocks_.at(tier); }
  const std::vector<CacheTier>& tiers() const { return tiers_; }
  int64_t evictions() const { return evictions_; }

 private:
  struct Entry {
    uint64_t hash = 0;
    int32_t refs = 0;
    uint8_t tier = 0;
    std::list<uint64_t>::iterator lru;  ///< position in its tier's LRU (unreferenced only)
  };
  void make_room(size_t tier);  ///< evict LRU of `tier` (cascading) until it has a free slot

  std::vector<CacheTier> tiers_;
  double block_bytes_;
  std::unordered_map<uint64_t, Entry> entries_;
  std::vector<std::list<uint64_t>> lru_;  ///< per tier, front = least recently used
  std::vector<int64_t> tier_blocks_;
  int64_t referenced_ = 0;
  int64_t evictions_ = 0;
};

}  // namespace kvsim::serve
