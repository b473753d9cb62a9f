#include "engine/metrics/monitor.h"

#include <mutex>

namespace chunkls {

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::kParse:
      return "parse";
    case Stage::kCanonicalParse:
      return "canonical_parse";
    case Stage::kChunkWhole:
      return "chunk_whole";
    case Stage::kChunkUpdate:
      return "chunk_update";
    case Stage::kSerialize:
      return "serialize";
    case Stage::kCount:
      break;
  }
  return "unknown";
}

Monitor::Monitor(const Clock& clock) : clock_(&clock), started_(clock.now()) {}

void Monitor::record(Stage stage, std::chrono::nanoseconds duration) {
  stages_[static_cast<std::size_t>(stage)].record(duration);
}

void Monitor::record_request(std::string_view method, std::chrono::nanoseconds duration) {
  request_histogram(method).record(duration);
}

LatencyHistogram& Monitor::request_histogram(std::string_view method) {
  {
    const std::shared_lock lock(requests_mutex_);
    if (const auto it = requests_.find(method); it != requests_.end()) return *it->second;
  }
  const std::unique_lock lock(requests_mutex_);
  auto& slot = requests_[std::string(method)];
  if (!slot) slot = std::make_unique<LatencyHistogram>();
  return *slot;
}

MonitorSnapshot Monitor::snapshot() const {
  MonitorSnapshot out;
  for (std::size_t i = 0; i < stages_.size(); ++i)
    out.stages[i] = stages_[i].summary();
  {
    const std::shared_lock lock(requests_mutex_);
    for (const auto& [method, histogram] : requests_) {
      out.requests.emplace_back(method, histogram->summary());
    }
  }
  out.uptime = clock_->now() - started_;
  return out;
}

ScopedTimer::~ScopedTimer() {
  if (!monitor_) return;
  const auto duration = monitor_->clock().now() - start_;
  monitor_->record(stage_, duration);
  if (TraceSink* sink = monitor_->trace()) {
    sink->complete(stage_name(stage_), "engine", start_, duration, detail_);
  }
}

}  // namespace chunkls
