// Deadline: when long engine work (parsing, query matching, chunk extraction) gives up
// instead of running on: at a point in time (tree-sitter's error recovery is
// superlinear on huge invalid files), or as soon as another thread raises a StopFlag (a
// request the client cancelled, a server that is exiting). Work checks it often enough
// that giving up takes milliseconds, and leaves its inputs as they were.
//
// A deadline may also yield to a WorkHold (background indexing while the user types): its
// checks then block while the hold is raised, and the time spent so is added to the time
// limit, so a paused file is not given up for having waited.
//
// A plain value; copies share the flags, the hold and the paused time (they are checks
// of the same work). expired() is safe from any thread; the flags are raised from any
// thread. Tests pass a deadline that has already passed, or a flag
// already raised, to exercise the give-up paths deterministically.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>

#include "engine/syntax/work_hold.h"

namespace chunkls {

// Raised (set to true) by whoever wants the work to stop; never lowered again.
using StopFlag = std::shared_ptr<const std::atomic<bool>>;

// Long work stopped before it finished; what it was given is unchanged (or, where a
// call says so, consistent with a pending retry).
class WorkStopped : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stopped at the time limit; says what it was doing.
class DeadlineExceeded : public WorkStopped {
 public:
  explicit DeadlineExceeded(const std::string& during)
      : WorkStopped("gave up at the time limit while " + during) {}
};

// Stopped because a StopFlag was raised.
class Cancelled : public WorkStopped {
 public:
  explicit Cancelled(const std::string& during) : WorkStopped("cancelled while " + during) {}
};

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline never() { return Deadline(Clock::time_point::max()); }
  static Deadline after(std::chrono::milliseconds budget) {
    return budget.count() <= 0 ? never() : Deadline(Clock::now() + budget);
  }
  static Deadline at(Clock::time_point when) { return Deadline(when); }

  // This deadline, and also passed as soon as `flag` is raised. Holds two flags (a
  // request's and the server's); a third replaces the second.
  Deadline or_when(StopFlag flag) const {
    Deadline out = *this;
    out.flags_[out.flags_[0] ? 1 : 0] = std::move(flag);
    return out;
  }

  // This deadline, whose checks also wait while `hold` is raised (see above).
  Deadline yielding_to(std::shared_ptr<const WorkHold> hold) const {
    Deadline out = *this;
    out.hold_ = std::move(hold);
    out.paused_ = std::make_shared<std::atomic<Clock::rep>>(0);
    return out;
  }

  // No time limit, no flag and no hold: nothing can stop or pause the work.
  bool is_never() const { return when_ == Clock::time_point::max() && !flags_[0] && !hold_; }
  bool stopped() const {
    for (const StopFlag& flag : flags_) {
      if (flag && flag->load(std::memory_order_relaxed)) return true;
    }
    return false;
  }
  // Waits first while a hold is raised (the only check that may block).
  bool expired() const {
    if (hold_ && hold_->held()) {
      paused_->fetch_add(hold_->pass([this] { return stopped(); }).count());
    }
    if (stopped()) return true;
    if (when_ == Clock::time_point::max()) return false;
    return Clock::now() >= when_ + paused();
  }
  // Time spent waiting on the hold so far.
  Clock::duration paused() const {
    return Clock::duration(paused_ ? paused_->load(std::memory_order_relaxed) : 0);
  }
  // The exception for work that found expired() true: Cancelled when a flag was
  // raised, else DeadlineExceeded.
  [[noreturn]] void give_up(const std::string& during) const {
    if (stopped()) throw Cancelled(during);
    throw DeadlineExceeded(during);
  }
  // Throws like give_up() when expired().
  void check(const char* during) const {
    if (expired()) give_up(during);
  }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  Clock::time_point when_;
  std::array<StopFlag, 2> flags_;
  std::shared_ptr<const WorkHold> hold_;
  std::shared_ptr<std::atomic<Clock::rep>> paused_;
};

}  // namespace chunkls
