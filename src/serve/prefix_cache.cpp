#include "kvsim/serve/prefix_cache.h"

#include <stdexcept>

namespace kvsim::serve {

PrefixCache::PrefixCache(std::vector<CacheTier> tiers, double block_bytes)
    : tiers_(std::move(tiers)),
      block_bytes_(block_bytes),
      lru_(tiers_.size()),
      tier_blocks_(tiers_.size(), 0) {
  if (tiers_.empty()) throw std::invalid_argument("a prefix cache needs the HBM tier");
}

PrefixCache::Match PrefixCache::peek(std::span<const uint64_t> hashes) const {
  Match m;
  m.per_tier.assign(tiers_.size(), 0);
  for (uint64_t h : hashes) {
    auto it = entries_.find(h);
    if (it == entries_.end()) break;
    ++m.blocks;
    ++m.per_tier[it->second.tier];
    if (it->second.tier > 0)
      m.transfer_s += block_bytes_ / tiers_[it->second.tier].bandwidth_bytes_s;
  }
  return m;
}

void PrefixCache::acquire(std::span<const uint64_t> hashes, int64_t blocks) {
  for (int64_t i = 0; i < blocks; ++i) {
    Entry& e = entries_.at(hashes[static_cast<size_t>(i)]);
    if (e.refs == 0) lru_[e.tier].erase(e.lru);
    if (e.tier != 0) {  // promoted back into HBM
      --tier_blocks_[e.tier];
      e.tier = 0;
      ++tier_blocks_[0];
    }
    if (e.refs++ == 0) ++referenced_;
  }
}

int64_t PrefixCache::insert(std::span<const uint64_t> hashes) {
  int64_t added = 0;
  for (uint64_t h : hashes) {
    auto it = entries_.find(h);
    if (it != entries_.end()) {
      acquire(std::span<const uint64_t>(&h, 1), 1);
      continue;
    }
    Entry e;
    e.hash = h;
    e.refs = 1;
    entries_.emplace(h, e);
    ++tier_blocks_[0];
    ++referenced_;
    ++added;
  }
  return added;
}

void PrefixCache::release(std::span<const uint64_t> hashes) {
  for (uint64_t h : hashes) {
    auto it = entries_.find(h);
    if (it == entries_.end() || it->second.refs <= 0)
      throw std::logic_error("releasing an unreferenced block");
    Entry& e = it->second;
    if (--e.refs == 0) {
      --referenced_;
      lru_[e.tier].push_back(h);
      e.lru = std::prev(lru_[e.tier].end());
    }
  }
}

void PrefixCache::make_room(size_t tier) {
  if (tier == 0 || tiers_[tier].capacity_blocks <= 0) return;
  while (tier_blocks_[tier] >= tiers_[tier].capacity_blocks && !lru_[tier].empty()) {
    const uint64_t victim = lru_[tier].front();
    lru_[tier].pop_front();
    --tier_blocks_[tier];
    if (tier + 1 < tiers_.size() && tiers_[tier + 1].capacity_blocks > 0) {
      make_room(tier + 1);
      Entry& e = entries_.at(victim);
      e.tier = static_cast<uint8_t>(tier + 1);
      lru_[tier + 1].push_back(victim);
      e.lru = std::prev(lru_[tier + 1].end());
      ++tier_blocks_[tier + 1];
    } else {
      entries_.erase(victim);
      ++evictions_;
    }
  }
}

int64_t PrefixCache::evict_hbm(int64_t blocks) {
  int64_t freed = 0;
  while (freed < blocks && !lru_[0].empty()) {
    const uint64_t victim = lru_[0].front();
    lru_[0].pop_front();
    --tier_blocks_[0];
    ++freed;
    if (tiers_.size() > 1 && tiers_[1].capacity_blocks > 0) {
      make_room(1);
      Entry& e = entries_.at(victim);
      e.tier = 1;
      lru_[1].push_back(victim);
      e.lru = std::prev(lru_[1].end());
      ++tier_blocks_[1];
    } else {
      entries_.erase(victim);
      ++evictions_;
    }
  }
  return freed;
}

int64_t PrefixCache::clear() {
  const int64_t still = referenced_;
  entries_.clear();
  for (auto& l : lru_)
    l.clear();
  std::fill(tier_blocks_.begin(), tier_blocks_.end(), 0);
  referenced_ = 0;
  return still;
}

}  // namespace kvsim::serve
