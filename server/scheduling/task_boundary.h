// TaskBoundary: where every task posted to the worker pool ends, whatever it throws.
// asio's thread pool calls std::terminate when a handler throws, and a server that dies
// loses the user's work, so the scheduler runs each task through run_guarded() and
// decides what a failure means (an error answer, a document out of sync, a message).
//
// A free function with no state; safe from any thread.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <string>

namespace chunkls {

// Runs `task`; returns what it threw, in words (nullopt when it returned normally).
// Never throws: not for std::bad_alloc, not for something that is not a std::exception,
// not when describing the failure itself runs out of memory.
inline std::optional<std::string> run_guarded(const std::function<void()>& task) noexcept {
  try {
    try {
      task();
      return std::nullopt;
    } catch (const std::bad_alloc&) {
      return std::string("out of memory");
    } catch (const std::exception& e) {
      return std::string(e.what());
    } catch (...) {
      return std::string("an exception that is not a std::exception");
    }
  } catch (...) {
    // Building the description failed (out of memory): the empty text still says
    // "failed", and nothing escapes.
    return std::optional<std::string>(std::in_place);
  }
}

}  // namespace chunkls
