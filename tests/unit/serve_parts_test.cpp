// The engine's incremental bookkeeping against brute force: the decode tracker's sums and heaps,
// and the prefix cache's LRU, tiers and references.

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>

#include "kvsim/serve/decode_tracker.h"
#include "kvsim/serve/prefix_cache.h"
#include "kvsim/serve/replay_result.h"
#include "kvsim/serve/timeline.h"

namespace kvsim::serve {
namespace {

struct Brute {
  int64_t tokens0, join, finish;
};

TEST(DecodeTracker, SumsMatchBruteForceUnderRandomChurn) {
  const std::vector<int64_t> bounds = {0, 37, 100};
  const int64_t bt = 16;
  DecodeTracker t(bounds, bt, 64);
  std::map<int64_t, Brute> live;
  std::mt19937_64 rng(7);
  int64_t step = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    const int op = static_cast<int>(rng() % 3);
    if (op == 0 && live.size() < 64) {
      int64_t id = static_cast<int64_t>(rng() % 64);
      while (live.count(id))
        id = (id + 1) % 64;
      const int64_t tokens = 1 + static_cast<int64_t>(rng() % 150),
                    remaining = 1 + static_cast<int64_t>(rng() % 200);
      t.add(id, tokens, remaining, step);
      live[id] = {tokens, step, step + remaining};
    } else if (op == 1 && !live.empty()) {
      auto it = live.begin();
      std::advance(it, static_cast<long>(rng() % live.size()));
      EXPECT_EQ(t.remove(it->first, step), it->second.tokens0 + step - it->second.join);
      live.erase(it);
    } else {
      step += 1 + static_cast<int64_t>(rng() % 5);
      t.advance(step);
    }
    double sum = 0;
    int64_t blocks = 0;
    std::vector<double> capped(bounds.size(), 0);
    int64_t first_finish = std::numeric_limits<int64_t>::max(), first_sat = first_finish;
    for (const auto& [id, b] : live) {
      const int64_t c = b.tokens0 + step - b.join;
      sum += static_cast<double>(c);
      blocks += (c + bt - 1) / bt;
      for (size_t r = 0; r < bounds.size(); ++r) {
        capped[r] += static_cast<double>(bounds[r] ? std::min(c, bounds[r]) : c);
        if (bounds[r] && c < bounds[r])
          first_sat = std::min(first_sat, b.join + bounds[r] - b.tokens0);
      }
      first_finish = std::min(first_finish, b.finish);
    }
    ASSERT_EQ(t.count(), static_cast<int64_t>(live.size()));
    ASSERT_DOUBLE_EQ(t.sum_tokens(step), sum);
    ASSERT_EQ(t.sum_blocks(step), blocks);
    for (int64_t k : {1, 5, 15, 16, 17, 40}) {  // the residue wrap-around at every offset class
      int64_t later = 0;
      for (const auto& [id, b] : live)
        later += (b.tokens0 + step + k - b.join + bt - 1) / bt;
      ASSERT_EQ(t.sum_blocks(step + k), later) << "k " << k;
    }
    for (size_t r = 0; r < bounds.size(); ++r)
      ASSERT_DOUBLE_EQ(t.sum_capped(r, step), capped[r]) << "rule " << r;
    ASSERT_EQ(t.next_finish(), first_finish);
    ASSERT_EQ(t.next_saturation(), first_sat);
    // Sums at a future step (before any saturation) follow the same formula.
    if (first_sat > step + 3) {
      double ahead = 0;
      for (const auto& [id, b] : live)
        ahead += static_cast<double>(std::min(b.tokens0 + step + 3 - b.join, bounds[1]));
      ASSERT_DOUBLE_EQ(t.sum_capped(1, step + 3), ahead);
    }
  }
}

TEST(Distribution, QuantilesEqualThoseOfAFullSort) {
  std::mt19937_64 rng(11);
  for (size_t n : {1u, 2u, 3u, 10u, 101u, 1000u, 4097u}) {
    std::vector<double> v(n);
    for (double& x : v)
      x = static_cast<double>(rng() % 1000) / 7.0;  // ties included
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    auto q = [&sorted](double p) {
      const double pos = p * static_cast<double>(sorted.size() - 1);
      const auto lo = static_cast<size_t>(pos);
      const size_t hi = std::min(lo + 1, sorted.size() - 1);
      return sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
    };
    const kvsim::serve::Distribution d = kvsim::serve::distribution_of(v);
    EXPECT_EQ(d.n, n);
    EXPECT_EQ(d.p50, q(0.5));
    EXPECT_EQ(d.p90, q(0.9));
    EXPECT_EQ(d.p99, q(0.99));
    EXPECT_EQ(d.max, sorted.back());
    ASSERT_EQ(d.cdf.size(), kvsim::serve::cdf_fractions().size());
    for (const auto& [value, fraction] : d.cdf)
      EXPECT_EQ(value, q(fraction)) << "n " << n << " fraction " << fraction;
    EXPECT_EQ(d.cdf.front().first, sorted.front());
  }
}

TEST(DecodeTracker, PopFinishedReportsAResumedSequenceOnce) {
  // Removed (preempted) and re-added at the same step with the same finish step: two equal heap
  // entries, one finish. (A 1M-token replay with long outputs crashed on the duplicate.)
  DecodeTracker t({0}, 16, 4);
  t.add(2, 100, 10, 0);
  t.remove(2, 0);
  t.add(2, 100, 10, 0);
  EXPECT_EQ(t.pop_finished(10), std::vector<int64_t>{2});
}

TEST(DecodeTracker, PopFinishedSkipsRemovedSequences) {
  DecodeTracker t({0}, 16, 8);
  t.add(0, 10, 5, 0);
  t.add(1, 10, 5, 0);
  t.add(2, 10, 9, 0);
  t.remove(1, 2);
  EXPECT_EQ(t.next_finish(), 5);
  EXPECT_EQ(t.pop_finished(5), std::vector<int64_t>{0});
  EXPECT_TRUE(t.pop_finished(8).empty());
  EXPECT_EQ(t.pop_finished(9), std::vector<int64_t>{2});
}

std::vector<uint64_t> hashes(std::initializer_list<uint64_t> v) {
  return v;
}

TEST(PrefixCache, LruEvictionSparesReferencedBlocks) {
  PrefixCache c({CacheTier{"hbm", 0, 0}}, 1024);
  c.insert(hashes({1, 2, 3}));  // sequence A
  c.insert(hashes({1, 2, 7}));  // sequence B shares 1, 2
  EXPECT_EQ(c.hbm_blocks(), 4);
  EXPECT_EQ(c.hbm_referenced(), 4);
  c.release(hashes({1, 2, 3}));  // A done: 3 is free, 1 and 2 still used by B
  EXPECT_EQ(c.hbm_evictable(), 1);
  EXPECT_EQ(c.evict_hbm(5), 1);
  EXPECT_EQ(c.peek(hashes({1, 2, 3})).blocks, 2);
  c.release(hashes({1, 2, 7}));
  // LRU order: 1, 2, 7 released together (1 first).
  EXPECT_EQ(c.evict_hbm(1), 1);
  EXPECT_EQ(c.peek(hashes({1, 2})).blocks, 0);  // the chain breaks at its first block
  EXPECT_EQ(c.peek(hashes({2})).blocks, 1);
  EXPECT_EQ(c.clear(), 0);
}

TEST(PrefixCache, DemotesToLowerTiersAndPromotesOnHit) {
  PrefixCache c({CacheTier{"hbm", 0, 0}, CacheTier{"host", 2, 1e9}}, 1e6);
  c.insert(hashes({1, 2, 3}));
  c.release(hashes({1, 2, 3}));
  EXPECT_EQ(c.evict_hbm(3), 3);
  // Host holds 2 blocks: the oldest demoted one (1) fell out of the cache.
  EXPECT_EQ(c.tier_blocks(1), 2);
  EXPECT_EQ(c.evictions(), 1);
  const auto m = c.peek(hashes({2, 3}));
  EXPECT_EQ(m.blocks, 2);
  EXPECT_EQ(m.per_tier[1], 2);
  EXPECT_NEAR(m.transfer_s, 2 * 1e6 / 1e9, 1e-15);
  c.acquire(hashes({2, 3}), 2);
  EXPECT_EQ(c.hbm_blocks(), 2);
  EXPECT_EQ(c.tier_blocks(1), 0);
  EXPECT_EQ(c.clear(), 2);
}

TEST(Timeline, MergesBucketsAndKeepsPeaksAndMeans) {
  Timeline tl(4, 1.0);
  KvLevels a;
  a.used_bytes = 10;
  KvLevels b;
  b.used_bytes = 30;
  tl.sample(0, 2, a);
  tl.sample(2, 4, b);
  tl.sample(4, 8, a);  // needs 8 one-second buckets: merges to 2-second buckets
  const auto used = tl.used();
  ASSERT_LE(used.size(), 4u);
  double peak = 0;
  for (const auto& u : used)
    peak = std::max(peak, u.peak.used_bytes);
  EXPECT_EQ(peak, 30);
  EXPECT_NEAR(used[0].mean.used_bytes, 10, 1e-12);
  EXPECT_NEAR(used[1].mean.used_bytes, 30, 1e-12);
}

}  // namespace
}  // namespace kvsim::serve
