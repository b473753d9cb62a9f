#include "bench/lsp_latency/latency_summary.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <numeric>

namespace chunkls::bench {

LatencySummary summarize(std::vector<double> samples_ms) {
  LatencySummary out;
  out.count = samples_ms.size();
  if (samples_ms.empty()) return out;
  std::sort(samples_ms.begin(), samples_ms.end());
  const auto rank = [&](double percent) {
    const auto n = static_cast<double>(samples_ms.size());
    const auto index = static_cast<std::size_t>(std::ceil(percent / 100.0 * n));
    return samples_ms[std::clamp<std::size_t>(index, 1, samples_ms.size()) - 1];
  };
  out.p50 = rank(50);
  out.p95 = rank(95);
  out.p99 = rank(99);
  out.max = samples_ms.back();
  out.mean = std::accumulate(samples_ms.begin(), samples_ms.end(), 0.0) /
             static_cast<double>(samples_ms.size());
  return out;
}

nlohmann::json to_json(const LatencySummary& s) {
  return {{"count", s.count}, {"p50", s.p50}, {"p95", s.p95},
          {"p99", s.p99},     {"max", s.max}, {"mean", s.mean}};
}

}  // namespace chunkls::bench
