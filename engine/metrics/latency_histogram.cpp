#include "engine/metrics/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace chunkls {

std::size_t LatencyHistogram::bucket_of(std::uint64_t ns) {
  if (ns < kSubBuckets) return static_cast<std::size_t>(ns);
  const auto octave = static_cast<std::size_t>(std::bit_width(ns) - 1);  // >= 4
  const auto sub = static_cast<std::size_t>((ns >> (octave - 4)) & (kSubBuckets - 1));
  return (octave - 3) * kSubBuckets + sub;
}

std::uint64_t LatencyHistogram::bucket_floor(std::size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const std::size_t octave = bucket / kSubBuckets + 3;
  const std::size_t sub = bucket % kSubBuckets;
  return (std::uint64_t{kSubBuckets} + sub) << (octave - 4);
}

void LatencyHistogram::record(std::chrono::nanoseconds duration) {
  const auto ns = static_cast<std::uint64_t>(std::max<std::int64_t>(duration.count(), 0));
  buckets_[bucket_of(ns)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  total_ns_.fetch_add(ns, std::memory_order_relaxed);
  std::uint64_t seen = max_ns_.load(std::memory_order_relaxed);
  while (ns > seen && !max_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
}

LatencySummary LatencyHistogram::summary() const {
  std::array<std::uint64_t, kBuckets> counts{};
  std::uint64_t count = 0;
  for (std::size_t i = 0; i < kBuckets; ++i) {
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
    count += counts[i];
  }
  LatencySummary out;
  out.count = count;
  out.total = std::chrono::nanoseconds(total_ns_.load(std::memory_order_relaxed));
  const std::uint64_t max = max_ns_.load(std::memory_order_relaxed);
  out.max = std::chrono::nanoseconds(max);
  if (count == 0) return out;
  // The value at rank ceil(q * count): the middle of its bucket, never above the max.
  auto at = [&](double q) {
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * count)));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts[i];
      if (seen < rank) continue;
      const std::uint64_t low = bucket_floor(i);
      const std::uint64_t high = i + 1 < kBuckets ? bucket_floor(i + 1) : low;
      return std::chrono::nanoseconds(std::min(low + (high - low) / 2, max));
    }
    return std::chrono::nanoseconds(max);
  };
  out.p50 = at(0.50);
  out.p95 = at(0.95);
  out.p99 = at(0.99);
  return out;
}

}  // namespace chunkls
