// ChromeTrace: the TraceSink behind `--trace FILE`. Writes Chrome's trace-event format
// (a JSON array of complete "X" events, plus "thread_name" metadata the first time a
// thread appears) that chrome://tracing and Perfetto (ui.perfetto.dev) open. Timestamps
// are microseconds since the trace began; each thread shows under its OS name
// (pthread_setname_np: "chunkls-reader", "chunkls-worker").
//
// Events are appended to a buffer and written in blocks; the destructor writes the rest
// and closes the array (Perfetto also reads a file cut short by a crash).
//
// Thread-safety: complete() is safe from any thread (one mutex); owned by main, which
// keeps it alive until every thread that traces has stopped.
#pragma once

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>

#include "engine/metrics/trace_sink.h"
#include "engine/support/thread_name.h"  // name_this_thread: named threads in traces

namespace chunkls {

class ChromeTrace final : public TraceSink {
 public:
  // Throws std::runtime_error when the file cannot be created.
  explicit ChromeTrace(const std::string& path, const Clock& clock = steady_clock());
  ~ChromeTrace() override;

  void complete(std::string_view name, std::string_view category, Clock::time_point start,
                std::chrono::nanoseconds duration, std::string_view detail) override;

 private:
  void write_locked(std::string_view event);

  struct FileCloser {
    void operator()(std::FILE* f) const {
      // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): the deleter of the unique_ptr owning f
      std::fclose(f);
    }
  };
  std::mutex mutex_;
  std::unique_ptr<std::FILE, FileCloser> file_;
  Clock::time_point origin_;
  std::string buffer_;
  bool first_ = true;
  std::unordered_set<long> named_threads_;
  long pid_;
};

}  // namespace chunkls
