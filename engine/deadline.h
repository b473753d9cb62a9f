// Deadline: the point in time after which long engine work (parsing, query matching)
// gives up instead of hanging on pathological input (tree-sitter's error recovery is
// superlinear on huge invalid files).
//
// A plain value; reading it is safe from any thread. Tests pass a deadline that has
// already passed to exercise the give-up path deterministically.
#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

namespace chunkls {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  static Deadline never() { return Deadline(Clock::time_point::max()); }
  static Deadline after(std::chrono::milliseconds budget) {
    return budget.count() <= 0 ? never() : Deadline(Clock::now() + budget);
  }
  static Deadline at(Clock::time_point when) { return Deadline(when); }

  bool is_never() const { return when_ == Clock::time_point::max(); }
  bool expired() const { return !is_never() && Clock::now() >= when_; }

 private:
  explicit Deadline(Clock::time_point when) : when_(when) {}
  Clock::time_point when_;
};

// Thrown by engine work that gave up at its deadline; says what it was doing.
class DeadlineExceeded : public std::runtime_error {
 public:
  explicit DeadlineExceeded(const std::string& during)
      : std::runtime_error("gave up at the time limit while " + during) {}
};

}  // namespace chunkls
