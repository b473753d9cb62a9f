// Clock: the time seam. Caches (TTL) and the monitor read the time through it, so tests
// move time by hand (a fake clock) instead of sleeping.
//
// Implementations are immutable or internally synchronized: now() is safe from any
// thread. steady_clock() is a stateless process-wide instance.
#pragma once

#include <chrono>

namespace chunkls {

class Clock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;
  virtual time_point now() const = 0;
};

// std::chrono::steady_clock behind the seam.
const Clock& steady_clock();

}  // namespace chunkls
