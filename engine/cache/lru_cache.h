// LruCache: one level of the engine's caches (engine/cache/source_caches.h). Values are
// shared as std::shared_ptr<const V>, so a reader keeps what it got alive after the
// entry is evicted. Bounded by entries and by bytes (what each value holds on the heap,
// as the caller measures it with heap_bytes.h, plus the cache's own bookkeeping per
// entry), least recently used evicted first, optional time to live, and counters that
// tests and `chunkls/stats` read.
//
// Each entry may name the file it came from, so invalidate(file) drops what a file
// left behind; content-addressed entries shared by several files name the last one.
//
// Thread-safety: every method is safe from any thread. Keys are spread over shards,
// each with its own mutex, so lookups of different keys rarely wait on each other (a
// hit holds one shard's lock for a hash lookup and a list splice). The budgets are
// split evenly over the shards; a value larger than its shard's budget is not kept
// (counted as rejected). The clock is the time seam (a fake one in tests).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/cache/heap_bytes.h"
#include "engine/support/clock.h"

namespace chunkls {

struct CacheLimits {
  std::uint64_t max_entries = 1024;
  std::uint64_t max_bytes = std::uint64_t{64} << 20;
  std::chrono::milliseconds ttl{0};  // 0: entries do not expire
  friend bool operator==(const CacheLimits&, const CacheLimits&) = default;
};

struct CacheCounters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t insertions = 0;
  std::uint64_t evictions = 0;      // pushed out by the budgets
  std::uint64_t expirations = 0;    // outlived the time to live
  std::uint64_t invalidations = 0;  // dropped by invalidate(), erase() or clear()
  std::uint64_t rejections = 0;     // larger than a shard's budget: not kept
  CacheCounters& operator+=(const CacheCounters& o) {
    hits += o.hits;
    misses += o.misses;
    insertions += o.insertions;
    evictions += o.evictions;
    expirations += o.expirations;
    invalidations += o.invalidations;
    rejections += o.rejections;
    return *this;
  }
};

struct CacheStats {
  CacheCounters counters;
  std::uint64_t entries = 0;
  std::uint64_t bytes = 0;  // memory_usage()
  CacheLimits limits;
};

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class LruCache {
 public:
  using Pointer = std::shared_ptr<const Value>;

  explicit LruCache(CacheLimits limits, const Clock& clock = steady_clock())
      : clock_(&clock),
        shard_count_(shards_for(limits)),
        shards_(std::make_unique<Shard[]>(shard_count_)) {
    set_limits(limits);
  }

  // The value under `key`, made the most recently used; null on a miss (an expired
  // entry is dropped and is a miss).
  Pointer get(const Key& key) {
    return get_if(key, [](const Value&) { return true; });
  }

  // Like get(), when `still_valid(value)` holds; otherwise the entry is stale: dropped,
  // and counted as a miss (an invalidation).
  template <typename Valid>
  Pointer get_if(const Key& key, Valid&& still_valid) {
    Shard& shard = shard_for(key);
    Released released;
    const std::lock_guard lock(shard.mutex);
    const auto it = shard.index.find(key);
    if (it == shard.index.end()) {
      ++shard.counters.misses;
      return nullptr;
    }
    const bool expiry = expired(shard, *it->second, clock_->now());
    if (expiry || !still_valid(*it->second->value)) {
      drop(shard, it->second, released);
      ++(expiry ? shard.counters.expirations : shard.counters.invalidations);
      ++shard.counters.misses;
      return nullptr;
    }
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    ++shard.counters.hits;
    return it->second->value;
  }

  // Keeps `value` under `key` (replacing what was there), then evicts the least
  // recently used entries until the shard is within its budgets. `value_bytes` is what
  // the value holds on the heap beyond its own object (heap_bytes.h); the object is
  // assumed made by std::make_shared. Returns false when it is larger than a shard's
  // whole budget and was not kept.
  bool put(const Key& key, Pointer value, std::uint64_t value_bytes, std::string file = {}) {
    Shard& shard = shard_for(key);
    const std::uint64_t bytes = value_bytes + entry_overhead(file);
    Released released;
    const std::lock_guard lock(shard.mutex);
    if (const auto it = shard.index.find(key); it != shard.index.end()) {
      drop(shard, it->second, released);
    }
    if (bytes > shard.limits.max_bytes || shard.limits.max_entries == 0) {
      ++shard.counters.rejections;
      return false;
    }
    shard.order.push_front(Entry{key, std::move(value), bytes, std::move(file), clock_->now()});
    shard.index.emplace(key, shard.order.begin());
    shard.bytes += bytes;
    ++shard.counters.insertions;
    trim(shard, released);
    return true;
  }

  // Drops the entry under `key`; false when there was none.
  bool erase(const Key& key) {
    Shard& shard = shard_for(key);
    Released released;
    const std::lock_guard lock(shard.mutex);
    const auto it = shard.index.find(key);
    if (it == shard.index.end()) return false;
    drop(shard, it->second, released);
    ++shard.counters.invalidations;
    return true;
  }

  // Drops every entry that names `file`; returns how many.
  std::uint64_t invalidate(std::string_view file) {
    return drop_where([&](const Entry& e) { return e.file == file; },
                      &CacheCounters::invalidations);
  }

  void clear() {
    drop_where([](const Entry&) { return true; }, &CacheCounters::invalidations);
  }

  // Drops the entries that outlived the time to live; returns how many.
  std::uint64_t evict_expired() {
    const Clock::time_point now = clock_->now();
    std::uint64_t dropped = 0;
    Released released;
    for_each_shard([&](Shard& shard) {
      if (shard.limits.ttl.count() <= 0) return;
      for (auto it = shard.order.begin(); it != shard.order.end();) {
        const auto next = std::next(it);
        if (expired(shard, *it, now)) {
          drop(shard, it, released);
          ++shard.counters.expirations;
          ++dropped;
        }
        it = next;
      }
    });
    return dropped;
  }

  // New budgets apply at once: entries beyond them are evicted.
  void set_limits(const CacheLimits& limits) {
    const CacheLimits each{.max_entries = (limits.max_entries + shard_count_ - 1) / shard_count_,
                           .max_bytes = limits.max_bytes / shard_count_,
                           .ttl = limits.ttl};
    {
      const std::lock_guard lock(limits_mutex_);
      limits_ = limits;
    }
    Released released;
    for_each_shard([&](Shard& shard) {
      shard.limits = each;
      trim(shard, released);
    });
  }

  CacheLimits limits() const {
    const std::lock_guard lock(limits_mutex_);
    return limits_;
  }

  CacheStats stats() const {
    CacheStats out;
    out.limits = limits();
    for (std::size_t i = 0; i < shard_count_; ++i) {
      const Shard& shard = shards_[i];
      const std::lock_guard lock(shard.mutex);
      out.counters += shard.counters;
      out.entries += shard.index.size();
      out.bytes += shard.bytes;
    }
    return out;
  }

  // The bytes the entries hold, bookkeeping included.
  std::uint64_t memory_usage() const { return stats().bytes; }

 private:
  struct Entry {
    Key key;
    Pointer value;
    std::uint64_t bytes;
    std::string file;
    Clock::time_point inserted;
  };
  using Order = std::list<Entry>;
  struct Shard {
    mutable std::mutex mutex;
    Order order;  // most recently used first
    std::unordered_map<Key, typename Order::iterator, Hash> index;
    std::uint64_t bytes = 0;
    CacheLimits limits;
    CacheCounters counters;
  };

  // Up to 8 shards, each with at least 16 MiB and 64 entries, so one large file still
  // fits a shard and small caches (one shard) evict in exact LRU order. Fixed at
  // construction: set_limits() rescales the shards' shares.
  static std::size_t shards_for(const CacheLimits& limits) {
    const std::uint64_t most =
        std::min(limits.max_bytes / (std::uint64_t{16} << 20), limits.max_entries / 64);
    std::size_t n = 1;
    while (n < 8 && n * 2 <= most)
      n *= 2;
    return n;
  }

  // The list node, the index node and bucket, the shared object's control block, the
  // file name.
  static std::uint64_t entry_overhead(const std::string& file) {
    return heap_block_bytes(sizeof(Entry) + 2 * sizeof(void*)) +
           heap_block_bytes(sizeof(Key) + 3 * sizeof(void*)) + sizeof(void*) +
           heap_block_bytes(sizeof(Value) + 16) + heap_bytes(file);
  }

  Shard& shard_for(const Key& key) { return shards_[(Hash{}(key) >> 7) % shard_count_]; }

  static bool expired(const Shard& shard, const Entry& entry, Clock::time_point now) {
    return shard.limits.ttl.count() > 0 && now - entry.inserted >= shard.limits.ttl;
  }

  // Values dropped under a shard's lock are released after it (a tree's nodes take a
  // while to free): each caller keeps a Released declared before its lock.
  using Released = std::vector<Pointer>;

  static void drop(Shard& shard, typename Order::iterator it, Released& released) {
    released.push_back(std::move(it->value));
    shard.bytes -= it->bytes;
    shard.index.erase(it->key);
    shard.order.erase(it);
  }

  static void trim(Shard& shard, Released& released) {
    while (!shard.order.empty() && (shard.index.size() > shard.limits.max_entries ||
                                    shard.bytes > shard.limits.max_bytes)) {
      drop(shard, std::prev(shard.order.end()), released);
      ++shard.counters.evictions;
    }
  }

  template <typename Visit>
  void for_each_shard(Visit&& visit) {
    for (std::size_t i = 0; i < shard_count_; ++i) {
      const std::lock_guard lock(shards_[i].mutex);
      visit(shards_[i]);
    }
  }

  template <typename Predicate>
  std::uint64_t drop_where(Predicate&& doomed, std::uint64_t CacheCounters::*counter) {
    std::uint64_t dropped = 0;
    Released released;
    for_each_shard([&](Shard& shard) {
      for (auto it = shard.order.begin(); it != shard.order.end();) {
        const auto next = std::next(it);
        if (doomed(*it)) {
          drop(shard, it, released);
          ++(shard.counters.*counter);
          ++dropped;
        }
        it = next;
      }
    });
    return dropped;
  }

  const Clock* clock_;
  std::size_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
  mutable std::mutex limits_mutex_;  // guards limits_ (not on the hot path)
  CacheLimits limits_;
};

}  // namespace chunkls
