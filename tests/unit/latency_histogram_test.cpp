// LatencyHistogram and Monitor: percentiles within a bucket's width of the true ones,
// memory that does not grow with samples, lock-free records from many threads, and the
// monitor's stages and request methods.
#include "engine/metrics/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <thread>
#include <vector>

#include "engine/metrics/monitor.h"
#include "tests/unit/fake_clock.h"

namespace chunkls {
namespace {

using std::chrono::nanoseconds;

TEST(LatencyHistogram, BucketsAreOrderedAndCoverEveryValue) {
  std::size_t previous = 0;
  for (std::uint64_t v : {0ull, 1ull, 15ull, 16ull, 17ull, 31ull, 32ull, 1000ull, 1'000'000ull,
                          1'000'000'000ull, ~0ull}) {
    const std::size_t bucket = LatencyHistogram::bucket_of(v);
    ASSERT_LT(bucket, LatencyHistogram::kBuckets) << v;
    EXPECT_GE(bucket, previous) << v;
    EXPECT_LE(LatencyHistogram::bucket_floor(bucket), v) << v;
    if (bucket + 1 < LatencyHistogram::kBuckets) {
      EXPECT_GT(LatencyHistogram::bucket_floor(bucket + 1), v) << v;
    }
    previous = bucket;
  }
}

TEST(LatencyHistogram, PercentilesAreWithinABucketOfTheTrueOnes) {
  LatencyHistogram histogram;
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> spread(13.0, 1.5);  // around 0.4 ms, long tail
  std::vector<std::uint64_t> samples;
  for (int i = 0; i < 100000; ++i) {
    const auto ns = static_cast<std::uint64_t>(spread(random));
    samples.push_back(ns);
    histogram.record(nanoseconds(ns));
  }
  std::sort(samples.begin(), samples.end());
  const LatencySummary summary = histogram.summary();
  EXPECT_EQ(summary.count, samples.size());
  EXPECT_EQ(static_cast<std::uint64_t>(summary.max.count()), samples.back());
  auto near = [&](nanoseconds got, double q) {
    const double truth = static_cast<double>(samples[static_cast<std::size_t>(q * 100000) - 1]);
    EXPECT_NEAR(static_cast<double>(got.count()), truth, truth / 16) << "p" << q * 100;
  };
  near(summary.p50, 0.50);
  near(summary.p95, 0.95);
  near(summary.p99, 0.99);
}

TEST(LatencyHistogram, ManyThreadsLoseNoRecord) {
  LatencyHistogram histogram;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram, t] {
      for (int i = 0; i < 20000; ++i)
        histogram.record(nanoseconds(1000 * (t + 1)));
    });
  }
  for (auto& thread : threads)
    thread.join();
  const LatencySummary summary = histogram.summary();
  EXPECT_EQ(summary.count, 80000u);
  EXPECT_EQ(summary.total.count(), 20000 * (1000 + 2000 + 3000 + 4000));
  EXPECT_EQ(summary.max.count(), 4000);
}

TEST(LatencyHistogram, EmptyIsAllZero) {
  const LatencySummary summary = LatencyHistogram().summary();
  EXPECT_EQ(summary.count, 0u);
  EXPECT_EQ(summary.p99.count(), 0);
}

TEST(Monitor, TimesStagesAndRequestMethodsOnItsClock) {
  testing::FakeClock clock;
  Monitor monitor(clock);
  {
    const ScopedTimer timed(&monitor, Stage::kParse);
    clock.advance(std::chrono::milliseconds(3));
  }
  monitor.record_request("textDocument/documentSymbol", std::chrono::milliseconds(5));
  monitor.record_request("textDocument/documentSymbol", std::chrono::milliseconds(7));
  { const ScopedTimer nothing(nullptr, Stage::kParse); }
  clock.advance(std::chrono::seconds(1));
  const MonitorSnapshot snapshot = monitor.snapshot();
  const LatencySummary& parse = snapshot.stages[static_cast<std::size_t>(Stage::kParse)];
  EXPECT_EQ(parse.count, 1u);
  EXPECT_EQ(parse.total, std::chrono::milliseconds(3));
  ASSERT_EQ(snapshot.requests.size(), 1u);
  EXPECT_EQ(snapshot.requests[0].first, "textDocument/documentSymbol");
  EXPECT_EQ(snapshot.requests[0].second.count, 2u);
  EXPECT_EQ(snapshot.uptime, std::chrono::milliseconds(1003));
  EXPECT_EQ(stage_name(Stage::kChunkUpdate), "chunk_update");
}

}  // namespace
}  // namespace chunkls
