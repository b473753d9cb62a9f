#include "engine/syntax/work_hold.h"

#include <algorithm>

namespace chunkls {

void WorkHold::hold_until(Clock::time_point until) {
  {
    const std::lock_guard lock(mutex_);
    until_.store(until.time_since_epoch().count());
  }
  moved_.notify_all();
}

void WorkHold::close() {
  {
    const std::lock_guard lock(mutex_);
    closed_.store(true);
  }
  moved_.notify_all();
}

WorkHold::Clock::duration WorkHold::pass(const std::function<bool()>& stop) const {
  const Clock::time_point start = Clock::now();
  std::unique_lock lock(mutex_);
  if (!held()) return Clock::duration::zero();
  ++waiting_;
  ++pauses_;
  while (held() && !stop()) {
    const Clock::time_point until{Clock::duration(until_.load())};
    moved_.wait_until(lock, std::min(until, Clock::now() + kStopPoll));
  }
  --waiting_;
  return Clock::now() - start;
}

std::uint64_t WorkHold::waiting() const {
  const std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace chunkls
