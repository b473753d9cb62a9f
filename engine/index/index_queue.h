// IndexQueue: the files waiting to be indexed, most urgent first: documents the user has
// open, then files changed recently (a watched-file event, a fresh mtime), then files
// near the open ones (same directory), then the rest, each class in arrival order (the
// walk's order). A path is queued once; queueing it again with a more urgent priority
// raises it.
//
// Thread-safety: every member is safe from any thread (one mutex). pop() blocks until
// an item (and the end of a hold), stop(), or the stop token.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <queue>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/text/source_file.h"

namespace chunkls {

enum class IndexPriority : std::uint8_t { kOpen, kChanged, kNear, kRest };
std::string_view to_string(IndexPriority priority);

struct IndexItem {
  std::string path;
  IndexPriority priority = IndexPriority::kRest;
  std::uint64_t seq = 0;           // the walk's numbering (output order of `chunkls index`)
  std::optional<FileStamp> stamp;  // as the walk saw it
};

class IndexQueue {
 public:
  // Queues `item`, or raises the priority of the same path already queued; true when
  // the path was not queued before.
  bool push(IndexItem item);
  // Raises a queued path to `priority`; false when it is not queued.
  bool raise(const std::string& path, IndexPriority priority);
  // Drops a queued path; false when it was not queued.
  bool drop(const std::string& path);
  // Drops every queued path below `directory` (a root given up); returns how many.
  std::size_t drop_below(const std::string& directory);
  // The most urgent item; empty once stopped or when `stop` is requested.
  std::optional<IndexItem> pop(std::stop_token stop);
  // Non-blocking (ignores a hold).
  std::optional<IndexItem> try_pop();
  // pop() hands out nothing before `until` (the user is typing); a later call moves it,
  // earlier or later.
  void hold_until(std::chrono::steady_clock::time_point until);
  void stop();
  std::size_t size() const;

 private:
  struct Entry {
    IndexPriority priority;
    std::uint64_t order;  // arrival, for FIFO within a priority
    std::string path;
    bool operator<(const Entry& other) const {  // std::priority_queue is a max-heap
      if (priority != other.priority) return priority > other.priority;
      return order > other.order;
    }
  };
  struct Queued {
    IndexItem item;
    std::uint64_t order;
  };
  std::optional<IndexItem> take_locked();

  mutable std::mutex mutex_;
  std::condition_variable_any ready_;
  std::priority_queue<Entry> heap_;  // may hold stale entries (raised or dropped paths)
  std::unordered_map<std::string, Queued> queued_;
  std::uint64_t next_order_ = 0;
  bool stopped_ = false;
  std::chrono::steady_clock::time_point held_until_{};
};

}  // namespace chunkls
