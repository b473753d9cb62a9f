// WorkHold: lets background work step aside while the user types. Its owner (the
// workspace indexer) raises it until a point in time at each keystroke; work whose
// Deadline carries it (Deadline::yielding_to) blocks inside its next deadline check until
// the hold has passed, then goes on from where it was. A parse under way is paused, not
// thrown away and started again, so typing costs the indexer nothing but the wait, and
// the user's own work gets the cores at once instead of after the file in progress.
//
// Shared (std::shared_ptr) by the owner and the work it holds. Every member is safe from
// any thread. close() releases every waiter for good (shutdown); a waiter also gives up
// waiting when its own stop condition turns true, within kStopPoll.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace chunkls {

class WorkHold {
 public:
  using Clock = std::chrono::steady_clock;
  // How often a waiter looks at its stop condition (flags are raised without a notify).
  static constexpr std::chrono::milliseconds kStopPoll{20};

  // Work passing a check before `until` waits; a later call moves the point either way
  // (an earlier one releases waiters at once).
  void hold_until(Clock::time_point until);
  void release() { hold_until(Clock::time_point::min()); }
  // Releases every waiter now and ignores later holds.
  void close();

  // The fast path of every deadline check: one relaxed load and a clock read.
  bool held() const {
    const Clock::rep until = until_.load(std::memory_order_relaxed);
    return until > Clock::now().time_since_epoch().count() && !closed_.load();
  }
  // Blocks while held, or until `stop` returns true; returns how long it waited.
  Clock::duration pass(const std::function<bool()>& stop) const;

  // Threads blocked in pass() now, and waits so far (tests and stats).
  std::uint64_t waiting() const;
  std::uint64_t pauses() const { return pauses_.load(); }

 private:
  std::atomic<Clock::rep> until_{Clock::time_point::min().time_since_epoch().count()};
  std::atomic<bool> closed_{false};
  mutable std::atomic<std::uint64_t> pauses_{0};
  mutable std::mutex mutex_;  // waiting_, and the condition's waits
  mutable std::condition_variable moved_;
  mutable std::uint64_t waiting_ = 0;
};

}  // namespace chunkls
