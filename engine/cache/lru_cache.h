// LruCache: one level of the engine's caches (engine/cache/source_caches.h). Values are
// shared as std::shared_ptr<const V>, so a reader keeps what it got alive after the
// entry is evicted. Bounded by entries and by bytes (what each value holds on the heap,
// as the caller measures it with heap_bytes.h, plus the cache's own bookkeeping per
// entry), least recently used evicted first, optional time to live (an entry unused for
// that long is dropped: by the get() that meets it, by evict_expired(), and by a sweep
// that put() runs at most every eighth of the time to live, so a long session's leftovers
// go even when nobody asks for them again; a cache nobody writes to keeps them until one
// of those runs), and counters that tests and `chunkls/stats` read.
//
// Each entry may name the file it came from, so invalidate(file) drops what a file
// left behind; content-addressed entries shared by several files name the last one.
//
// Thread-safety: every method is safe from any thread. Keys are spread over shards,
// each with its own mutex, so lookups of different keys rarely wait on each other (a
// hit holds one shard's lock for a hash lookup and a list splice). The budgets are the
// whole cache's (atomic totals); over them, the least recently used entry of all shards
// goes first, found one shard lock at a time. A value larger than the whole byte budget
// is not kept (counted as rejected). The clock is the time seam (a fake one in tests).
#pragma once

#include <algorithm>
#include <atomic>
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
  std::chrono::milliseconds ttl{0};  // how long an entry may go unused; 0: no expiry
  friend bool operator==(const CacheLimits&, const CacheLimits&) = default;
};

struct CacheCounters {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t insertions = 0;
  std::uint64_t evictions = 0;      // pushed out by the budgets
  std::uint64_t expirations = 0;    // outlived the time to live
  std::uint64_t invalidations = 0;  // dropped by invalidate(), erase() or clear()
  std::uint64_t rejections = 0;     // larger than the byte budget: not kept
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
    const Clock::time_point now = clock_->now();
    const bool expiry = expired(*it->second, now);
    if (expiry || !still_valid(*it->second->value)) {
      drop(shard, it->second, released);
      ++(expiry ? shard.counters.expirations : shard.counters.invalidations);
      ++shard.counters.misses;
      return nullptr;
    }
    it->second->used = now;
    shard.order.splice(shard.order.begin(), shard.order, it->second);
    ++shard.counters.hits;
    return it->second->value;
  }

  // Keeps `value` under `key` (replacing what was there), then evicts the least
  // recently used entries (of any shard) until the cache is within its budgets.
  // `value_bytes` is what the value holds on the heap beyond its own object
  // (heap_bytes.h); the object is assumed made by std::make_shared. Returns false when
  // it is larger than the whole byte budget and was not kept.
  bool put(const Key& key, Pointer value, std::uint64_t value_bytes, std::string file = {}) {
    Shard& shard = shard_for(key);
    const std::uint64_t bytes = value_bytes + entry_overhead(file);
    {
      Released released;
      const std::lock_guard lock(shard.mutex);
      if (const auto it = shard.index.find(key); it != shard.index.end()) {
        drop(shard, it->second, released);
      }
      if (bytes > max_bytes_.load() || max_entries_.load() == 0) {
        ++shard.counters.rejections;
        return false;
      }
      const Clock::time_point now = clock_->now();
      shard.order.push_front(Entry{key, std::move(value), bytes, std::move(file), now});
      shard.index.emplace(key, shard.order.begin());
      shard.bytes += bytes;
      bytes_ += bytes;
      ++entries_;
      ++shard.counters.insertions;
    }
    shrink();
    sweep_when_due();
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

  // Drops the entries unused for the time to live; returns how many.
  std::uint64_t evict_expired() {
    if (ttl_ns_.load() <= 0) return 0;
    const Clock::time_point now = clock_->now();
    return drop_where([&](const Entry& e) { return expired(e, now); }, &CacheCounters::expirations);
  }

  // New budgets apply at once: entries beyond them are evicted.
  void set_limits(const CacheLimits& limits) {
    {
      const std::lock_guard lock(limits_mutex_);
      limits_ = limits;
    }
    max_entries_ = limits.max_entries;
    max_bytes_ = limits.max_bytes;
    ttl_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(limits.ttl).count();
    next_sweep_ns_ = 0;  // a shorter time to live is swept by the next put()
    shrink();
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
  std::uint64_t memory_usage() const { return bytes_.load(); }

 private:
  struct Entry {
    Key key;
    Pointer value;
    std::uint64_t bytes;
    std::string file;
    Clock::time_point used;  // for the time to live and eviction across shards
  };
  using Order = std::list<Entry>;
  struct Shard {
    mutable std::mutex mutex;
    Order order;  // most recently used first
    std::unordered_map<Key, typename Order::iterator, Hash> index;
    std::uint64_t bytes = 0;
    CacheCounters counters;
  };

  // Values dropped under a shard's lock are released after it (a tree's nodes take a
  // while to free): each caller keeps a Released declared before its lock.
  using Released = std::vector<Pointer>;

  // Up to 8 shards, each with at least 64 entries' worth of budget, so small caches (one
  // shard) keep exact LRU order. The budgets are the whole cache's, whatever the count.
  static std::size_t shards_for(const CacheLimits& limits) {
    const std::uint64_t most = limits.max_entries / 64;
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

  bool expired(const Entry& entry, Clock::time_point now) const {
    const std::int64_t ttl = ttl_ns_.load();
    return ttl > 0 && now - entry.used >= std::chrono::nanoseconds(ttl);
  }

  // One thread at a time sweeps, at most every eighth of the time to live (at least a
  // second apart): while insertions come, an entry outlives its time to live by at most
  // that much.
  void sweep_when_due() {
    const std::int64_t ttl = ttl_ns_.load();
    if (ttl <= 0) return;
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_->now().time_since_epoch())
            .count();
    std::int64_t due = next_sweep_ns_.load();
    if (now < due) return;
    const std::int64_t every =
        std::max<std::int64_t>(ttl / 8, std::chrono::nanoseconds(std::chrono::seconds(1)).count());
    if (!next_sweep_ns_.compare_exchange_strong(due, now + every)) return;  // another sweeps
    evict_expired();
  }

  bool over_budget() const {
    return entries_.load() > max_entries_.load() || bytes_.load() > max_bytes_.load();
  }

  void drop(Shard& shard, typename Order::iterator it, Released& released) {
    released.push_back(std::move(it->value));
    shard.bytes -= it->bytes;
    bytes_ -= it->bytes;
    --entries_;
    shard.index.erase(it->key);
    shard.order.erase(it);
  }

  // Evicts the least recently used entry of all shards until within the budgets; one
  // shard's lock at a time (never two: no lock order to keep).
  void shrink() {
    while (over_budget()) {
      std::size_t oldest = shard_count_;
      Clock::time_point when = Clock::time_point::max();
      for (std::size_t i = 0; i < shard_count_; ++i) {
        const std::lock_guard lock(shards_[i].mutex);
        if (!shards_[i].order.empty() && shards_[i].order.back().used < when) {
          when = shards_[i].order.back().used;
          oldest = i;
        }
      }
      if (oldest == shard_count_) return;  // nothing left to evict
      Shard& shard = shards_[oldest];
      Released released;
      const std::lock_guard lock(shard.mutex);
      if (shard.order.empty() || !over_budget()) continue;
      drop(shard, std::prev(shard.order.end()), released);
      ++shard.counters.evictions;
    }
  }

  template <typename Predicate>
  std::uint64_t drop_where(Predicate&& doomed, std::uint64_t CacheCounters::*counter) {
    std::uint64_t dropped = 0;
    for (std::size_t i = 0; i < shard_count_; ++i) {
      Shard& shard = shards_[i];
      Released released;
      const std::lock_guard lock(shard.mutex);
      for (auto it = shard.order.begin(); it != shard.order.end();) {
        const auto next = std::next(it);
        if (doomed(*it)) {
          drop(shard, it, released);
          ++(shard.counters.*counter);
          ++dropped;
        }
        it = next;
      }
    }
    return dropped;
  }

  const Clock* clock_;
  std::size_t shard_count_;
  std::unique_ptr<Shard[]> shards_;
  // The budgets and totals of the whole cache (the shards' sums).
  std::atomic<std::uint64_t> max_entries_{0};
  std::atomic<std::uint64_t> max_bytes_{0};
  std::atomic<std::int64_t> ttl_ns_{0};
  std::atomic<std::int64_t> next_sweep_ns_{0};  // on clock_'s epoch
  std::atomic<std::uint64_t> entries_{0};
  std::atomic<std::uint64_t> bytes_{0};
  mutable std::mutex limits_mutex_;  // guards limits_ (not on the hot path)
  CacheLimits limits_;
};

}  // namespace chunkls
