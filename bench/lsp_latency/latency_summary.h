// LatencySummary: percentiles, maximum and mean of a set of latencies in milliseconds.
// Percentiles are nearest-rank (the smallest sample with at least p % at or below it),
// so every reported number is a latency that really happened.
//
// A plain value; summarize is a pure function. Thread-safe.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <vector>

namespace chunkls::bench {

struct LatencySummary {
  std::size_t count = 0;
  double p50 = 0, p95 = 0, p99 = 0, max = 0, mean = 0;
};

LatencySummary summarize(std::vector<double> samples_ms);

nlohmann::json to_json(const LatencySummary& summary);

}  // namespace chunkls::bench
