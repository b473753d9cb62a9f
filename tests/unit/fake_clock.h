// FakeClock: the Clock seam moved by hand, so time-to-live tests never sleep.
#pragma once

#include <atomic>
#include <chrono>

#include "engine/support/clock.h"

namespace chunkls::testing {

class FakeClock final : public Clock {
 public:
  time_point now() const override { return time_point(std::chrono::nanoseconds(ns_.load())); }
  void advance(std::chrono::nanoseconds by) { ns_ += by.count(); }

 private:
  std::atomic<std::int64_t> ns_{1'000'000'000};
};

}  // namespace chunkls::testing
