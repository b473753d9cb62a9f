// LatencyHistogram: a bounded histogram of durations for p50/p95/p99. Log-linear
// buckets (16 per power of two, exact below 16 ns) cover every 64-bit nanosecond count in
// 976 counters, so a percentile is within 1/16 (6.25 %) of the true sample and memory
// never grows with the number of samples (the seed's monitor kept every sample).
//
// Thread-safety: record() is lock-free (relaxed atomics) and safe from any thread;
// summary() reads a consistent-enough view while records continue (each counter is
// read once; a summary taken during records may miss the newest ones).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace chunkls {

struct LatencySummary {
  std::uint64_t count = 0;
  std::chrono::nanoseconds total{0};
  std::chrono::nanoseconds max{0};
  std::chrono::nanoseconds p50{0};
  std::chrono::nanoseconds p95{0};
  std::chrono::nanoseconds p99{0};
};

class LatencyHistogram {
 public:
  static constexpr std::size_t kSubBuckets = 16;
  static constexpr std::size_t kBuckets = 61 * kSubBuckets;  // octaves 4..63, and 0..15

  void record(std::chrono::nanoseconds duration);
  LatencySummary summary() const;
  // The bucket holding `ns`, and the smallest value of a bucket (for tests).
  static std::size_t bucket_of(std::uint64_t ns);
  static std::uint64_t bucket_floor(std::size_t bucket);

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> total_ns_{0};
  std::atomic<std::uint64_t> max_ns_{0};
};

}  // namespace chunkls
