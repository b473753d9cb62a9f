// Monitor: what the server and the CLI measure about their own work. Durations of each
// engine stage (parse, canonical re-parse, whole chunking, chunk update, answer
// serialization) and of each request method go into bounded histograms (p50/p95/p99);
// when a TraceSink is attached, every timed span is also a trace event. A ScopedTimer
// with no monitor costs one branch, with a monitor and no sink two clock reads.
//
// Owned by whoever serves (the server's main, the CLI command); documents and views hold
// a pointer to it. Thread-safety: every method is safe from any thread; recording is
// lock-free, and a method's histogram is created once under a lock and then found
// under a shared lock.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/metrics/latency_histogram.h"
#include "engine/metrics/trace_sink.h"
#include "engine/support/clock.h"

namespace chunkls {

enum class Stage : std::uint8_t {
  kParse,           // every parser run: fresh, incremental, or of constructs with errors
  kCanonicalParse,  // re-parsing constructs with errors as a fresh parse would
  kChunkWhole,      // chunking a whole tree
  kChunkUpdate,     // updating chunks from the changed window
  kSerialize,       // writing an answer's JSON
  kCount,
};
// Stable names ("parse", "canonical_parse", "chunk_whole", "chunk_update", "serialize").
std::string_view stage_name(Stage stage);

struct MonitorSnapshot {
  std::array<LatencySummary, static_cast<std::size_t>(Stage::kCount)> stages;
  std::vector<std::pair<std::string, LatencySummary>> requests;  // by method name
  std::chrono::nanoseconds uptime{0};
};

class Monitor {
 public:
  explicit Monitor(const Clock& clock = steady_clock());

  const Clock& clock() const { return *clock_; }
  void record(Stage stage, std::chrono::nanoseconds duration);
  void record_request(std::string_view method, std::chrono::nanoseconds duration);
  // Spans go to `sink` from now on (null: none); the sink must outlive its use.
  void set_trace(TraceSink* sink) { trace_ = sink; }
  TraceSink* trace() const { return trace_; }
  MonitorSnapshot snapshot() const;

 private:
  LatencyHistogram& request_histogram(std::string_view method);

  const Clock* clock_;
  Clock::time_point started_;
  TraceSink* trace_ = nullptr;  // set before the threads that record start
  std::array<LatencyHistogram, static_cast<std::size_t>(Stage::kCount)> stages_;
  mutable std::shared_mutex requests_mutex_;
  std::map<std::string, std::unique_ptr<LatencyHistogram>, std::less<>> requests_;
};

// Times a scope into a stage of `monitor` (and traces it); nothing when it is null.
class ScopedTimer {
 public:
  ScopedTimer(Monitor* monitor, Stage stage, std::string_view detail = {})
      : monitor_(monitor), stage_(stage), detail_(detail) {
    if (monitor_) start_ = monitor_->clock().now();
  }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;
  ~ScopedTimer();

 private:
  Monitor* monitor_;
  Stage stage_;
  std::string_view detail_;  // must outlive the timer
  Clock::time_point start_{};
};

}  // namespace chunkls
