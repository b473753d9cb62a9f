// TraceSink: where timed spans go when tracing is on (`--trace FILE`): the server's
// Chrome trace writer implements it (server/support/chrome_trace.h), the engine only
// calls it through Monitor's ScopedTimer. Spans are complete events: a name, a
// category, when they started and how long they took, on the calling thread.
//
// Implementations are safe from any thread.
#pragma once

#include <chrono>
#include <string_view>

#include "engine/support/clock.h"

namespace chunkls {

class TraceSink {
 public:
  TraceSink() = default;
  TraceSink(const TraceSink&) = delete;
  TraceSink& operator=(const TraceSink&) = delete;
  virtual ~TraceSink() = default;
  // `detail` is free text shown with the span (a file, a method, a size).
  virtual void complete(std::string_view name, std::string_view category, Clock::time_point start,
                        std::chrono::nanoseconds duration, std::string_view detail) = 0;
};

}  // namespace chunkls
