// LruCache: budgets by entries and bytes, LRU order, time to live, invalidation by
// file, counters, and concurrent use.
#include "engine/cache/lru_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "tests/unit/fake_clock.h"

namespace chunkls {
namespace {

using Cache = LruCache<int, std::string>;
using testing::FakeClock;

std::shared_ptr<const std::string> value(std::string s) {
  return std::make_shared<const std::string>(std::move(s));
}

// What one entry of `value_bytes` costs the cache, measured through the cache itself.
std::uint64_t entry_cost(std::uint64_t value_bytes) {
  Cache probe(CacheLimits{});
  probe.put(0, value("x"), value_bytes);
  return probe.memory_usage();
}

TEST(LruCache, HitsMissesAndTheLeastRecentlyUsedGoesFirst) {
  Cache cache(CacheLimits{.max_entries = 2, .max_bytes = 1 << 20});
  EXPECT_EQ(cache.get(1), nullptr);
  cache.put(1, value("one"), 10);
  cache.put(2, value("two"), 10);
  ASSERT_NE(cache.get(1), nullptr);  // 1 is now the most recent
  cache.put(3, value("three"), 10);  // evicts 2
  EXPECT_EQ(cache.get(2), nullptr);
  EXPECT_EQ(*cache.get(1), "one");
  EXPECT_EQ(*cache.get(3), "three");
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.counters.hits, 3u);
  EXPECT_EQ(stats.counters.misses, 2u);
  EXPECT_EQ(stats.counters.insertions, 3u);
  EXPECT_EQ(stats.counters.evictions, 1u);
  EXPECT_EQ(stats.entries, 2u);
}

TEST(LruCache, TheByteBudgetEvictsAndAnOversizedValueIsNotKept) {
  const std::uint64_t cost = entry_cost(1000);
  Cache cache(CacheLimits{.max_entries = 100, .max_bytes = 3 * cost});
  for (int i = 0; i < 5; ++i)
    cache.put(i, value("v"), 1000);
  CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 3u);
  EXPECT_EQ(stats.bytes, 3 * cost);
  EXPECT_LE(stats.bytes, stats.limits.max_bytes);
  EXPECT_EQ(stats.counters.evictions, 2u);
  EXPECT_EQ(cache.get(0), nullptr);
  EXPECT_NE(cache.get(4), nullptr);

  EXPECT_FALSE(cache.put(9, value("huge"), 4 * cost));
  stats = cache.stats();
  EXPECT_EQ(stats.counters.rejections, 1u);
  EXPECT_EQ(stats.entries, 3u) << "a rejected value evicts nothing";
}

TEST(LruCache, ReplacingAKeyKeepsOneEntryAndItsNewSize) {
  Cache cache(CacheLimits{});
  cache.put(1, value("a"), 100);
  cache.put(1, value("b"), 5000);
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.memory_usage(), entry_cost(5000));
  EXPECT_EQ(*cache.get(1), "b");
}

TEST(LruCache, EntriesUnusedForTheirTimeToLiveExpire) {
  FakeClock clock;
  Cache cache(CacheLimits{.ttl = std::chrono::seconds(10)}, clock);
  cache.put(1, value("a"), 1);
  cache.put(2, value("b"), 1);
  cache.put(3, value("c"), 1);
  clock.advance(std::chrono::seconds(9));
  EXPECT_NE(cache.get(1), nullptr);        // used at 9 s: it lives on until 19 s
  clock.advance(std::chrono::seconds(2));  // 11 s: 2 and 3 unused for 11 s
  EXPECT_EQ(cache.get(2), nullptr);
  EXPECT_EQ(cache.evict_expired(), 1u) << "3; get() already dropped 2";
  EXPECT_NE(cache.get(1), nullptr) << "used 2 s ago";
  clock.advance(std::chrono::seconds(10));
  EXPECT_EQ(cache.evict_expired(), 1u);
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.counters.expirations, 3u);
  EXPECT_EQ(stats.bytes, 0u);
}

// Nobody asks for what a long session left behind again: a later put() sweeps it out, at
// most every eighth of the time to live.
TEST(LruCache, PutSweepsOutEntriesNobodyAsksForAgain) {
  FakeClock clock;
  Cache cache(CacheLimits{.ttl = std::chrono::seconds(80)}, clock);
  for (int i = 0; i < 10; ++i)
    cache.put(i, value("old"), 1);  // the first put swept (nothing) and set the next sweep
  clock.advance(std::chrono::seconds(81));
  cache.put(100, value("new"), 1);  // a sweep is due: the ten go
  EXPECT_EQ(cache.stats().entries, 1u);
  EXPECT_EQ(cache.stats().counters.expirations, 10u);
  cache.put(101, value("new"), 1);
  clock.advance(std::chrono::seconds(81));
  cache.put(102, value("newer"), 1);
  EXPECT_EQ(cache.stats().entries, 1u) << "100 and 101 swept";
  clock.advance(std::chrono::seconds(81));
  cache.put(103, value("x"), 1);  // a sweep (102 goes); the next one is due in 10 s
  EXPECT_EQ(cache.stats().entries, 1u);
  clock.advance(std::chrono::seconds(79));
  cache.put(104, value("y"), 1);  // a sweep: 103 is 79 s unused, it stays
  clock.advance(std::chrono::seconds(2));
  cache.put(105, value("z"), 1);  // 103 has expired, but no sweep is due for 8 s
  EXPECT_EQ(cache.stats().entries, 3u);
  EXPECT_EQ(cache.get(103), nullptr);  // the get() that meets it drops it
  EXPECT_EQ(cache.stats().counters.expirations, 14u);
}

// A shorter time to live applies from the next put(), not from the sweep the old one
// planned (75 s away for the default 10 minutes).
TEST(LruCache, AShorterTimeToLiveIsSweptByTheNextPut) {
  FakeClock clock;
  Cache cache(CacheLimits{.ttl = std::chrono::minutes(10)}, clock);
  cache.put(1, value("a"), 1);  // sweeps (nothing); the next sweep is 75 s away
  clock.advance(std::chrono::seconds(3));
  cache.set_limits(CacheLimits{.ttl = std::chrono::seconds(2)});
  cache.put(2, value("b"), 1);
  EXPECT_EQ(cache.stats().entries, 1u) << "1, unused for 3 s, went";
  EXPECT_EQ(cache.stats().counters.expirations, 1u);
}

TEST(LruCache, NoTimeToLiveMeansNoExpiry) {
  FakeClock clock;
  Cache cache(CacheLimits{}, clock);
  cache.put(1, value("a"), 1);
  clock.advance(std::chrono::hours(24 * 365));
  EXPECT_EQ(cache.evict_expired(), 0u);
  EXPECT_NE(cache.get(1), nullptr);
}

TEST(LruCache, InvalidateDropsWhatAFileLeftAndClearDropsAll) {
  Cache cache(CacheLimits{});
  cache.put(1, value("a"), 1, "/src/a.py");
  cache.put(2, value("b"), 1, "/src/b.py");
  cache.put(3, value("a2"), 1, "/src/a.py");
  EXPECT_EQ(cache.invalidate("/src/a.py"), 2u);
  EXPECT_EQ(cache.get(1), nullptr);
  EXPECT_NE(cache.get(2), nullptr);
  EXPECT_TRUE(cache.erase(2));
  EXPECT_FALSE(cache.erase(2));
  cache.put(4, value("c"), 1);
  cache.clear();
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 0u);
  EXPECT_EQ(stats.bytes, 0u);
  EXPECT_EQ(stats.counters.invalidations, 4u);
}

TEST(LruCache, AStaleEntryIsAMissAndIsDropped) {
  Cache cache(CacheLimits{});
  cache.put(1, value("stamp 1"), 1);
  EXPECT_EQ(cache.get_if(1, [](const std::string& v) { return v == "stamp 2"; }), nullptr);
  EXPECT_EQ(cache.get(1), nullptr) << "dropped";
  cache.put(1, value("stamp 2"), 1);
  EXPECT_NE(cache.get_if(1, [](const std::string& v) { return v == "stamp 2"; }), nullptr);
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.counters.hits, 1u);
  EXPECT_EQ(stats.counters.misses, 2u);
  EXPECT_EQ(stats.counters.invalidations, 1u);
}

TEST(LruCache, AReaderKeepsItsValueAfterEviction) {
  Cache cache(CacheLimits{.max_entries = 1});
  cache.put(1, value("kept by the reader"), 1);
  const auto held = cache.get(1);
  cache.put(2, value("b"), 1);
  EXPECT_EQ(cache.get(1), nullptr);
  EXPECT_EQ(*held, "kept by the reader");
}

TEST(LruCache, LoweringTheLimitsEvictsAtOnce) {
  Cache cache(CacheLimits{.max_entries = 10});
  for (int i = 0; i < 10; ++i)
    cache.put(i, value("v"), 1);
  cache.set_limits(CacheLimits{.max_entries = 4});
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.entries, 4u);
  EXPECT_EQ(stats.limits.max_entries, 4u);
  for (int i = 6; i < 10; ++i)
    EXPECT_NE(cache.get(i), nullptr) << i;
}

TEST(LruCache, TheBudgetsAreTheWholeCachesWhateverItsShards) {
  // Enough entries for eight shards; one value of three quarters of the byte budget
  // still fits, and the oldest entries of any shard make room for it.
  FakeClock clock;
  Cache cache(CacheLimits{.max_entries = 1024, .max_bytes = 1 << 20}, clock);
  for (int i = 0; i < 64; ++i) {
    cache.put(i, value("small"), 4096);
    clock.advance(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(cache.put(1000, value("large"), 3 << 18));
  const CacheStats stats = cache.stats();
  EXPECT_LE(stats.bytes, std::uint64_t{1} << 20);
  EXPECT_NE(cache.get(1000), nullptr);
  EXPECT_GT(stats.counters.evictions, 0u);
  EXPECT_EQ(cache.get(0), nullptr) << "the oldest went first";
  EXPECT_NE(cache.get(63), nullptr) << "the newest stayed";
  cache.set_limits(CacheLimits{.max_entries = 1024, .max_bytes = 1 << 19});
  EXPECT_EQ(cache.get(1000), nullptr) << "over the lower budget alone: evicted";
  EXPECT_LE(cache.memory_usage(), std::uint64_t{1} << 19);
}

TEST(LruCache, ManyThreadsKeepTheCountersAndBudgetsConsistent) {
  // A budget large enough for several shards.
  Cache cache(CacheLimits{.max_entries = 512, .max_bytes = std::uint64_t{128} << 20});
  constexpr int kThreads = 4;
  constexpr int kOps = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < kOps; ++i) {
        const int key = (i * 7 + t) % 1024;
        if (auto v = cache.get(key)) {
          EXPECT_EQ(*v, std::to_string(key));
        } else {
          cache.put(key, value(std::to_string(key)), 64);
        }
      }
    });
  }
  for (std::thread& thread : threads)
    thread.join();
  const CacheStats stats = cache.stats();
  EXPECT_EQ(stats.counters.hits + stats.counters.misses, std::uint64_t{kThreads} * kOps);
  EXPECT_LE(stats.entries, 512u);
  EXPECT_GT(stats.counters.evictions, 0u) << "more keys than the budget";
  // Two threads may both miss a key and both put it: the second replaces the first.
  EXPECT_GE(stats.counters.insertions - stats.counters.evictions, stats.entries);
  EXPECT_GT(stats.counters.hits, 0u);
}

}  // namespace
}  // namespace chunkls
