#include "engine/index/index_queue.h"

namespace chunkls {

std::string_view to_string(IndexPriority priority) {
  switch (priority) {
    case IndexPriority::kOpen:
      return "open";
    case IndexPriority::kChanged:
      return "changed";
    case IndexPriority::kNear:
      return "near";
    case IndexPriority::kRest:
      return "rest";
  }
  return "rest";
}

bool IndexQueue::push(IndexItem item) {
  {
    const std::lock_guard lock(mutex_);
    const auto it = queued_.find(item.path);
    if (it != queued_.end()) {
      if (item.priority < it->second.item.priority) {
        it->second.item.priority = item.priority;
        heap_.push({item.priority, it->second.order, item.path});
      }
      if (item.stamp) it->second.item.stamp = item.stamp;
      return false;
    }
    const std::uint64_t order = next_order_++;
    heap_.push({item.priority, order, item.path});
    std::string path = item.path;
    queued_.emplace(std::move(path), Queued{std::move(item), order});
  }
  ready_.notify_one();
  return true;
}

bool IndexQueue::raise(const std::string& path, IndexPriority priority) {
  const std::lock_guard lock(mutex_);
  const auto it = queued_.find(path);
  if (it == queued_.end()) return false;
  if (priority < it->second.item.priority) {
    it->second.item.priority = priority;
    heap_.push({priority, it->second.order, path});
  }
  return true;
}

bool IndexQueue::drop(const std::string& path) {
  const std::lock_guard lock(mutex_);
  return queued_.erase(path) > 0;  // its heap entries go stale
}

std::size_t IndexQueue::drop_below(const std::string& directory) {
  const std::lock_guard lock(mutex_);
  const std::string prefix = directory.ends_with('/') ? directory : directory + '/';
  return std::erase_if(queued_, [&](const auto& entry) { return entry.first.starts_with(prefix); });
}

std::optional<IndexItem> IndexQueue::take_locked() {
  while (!heap_.empty()) {
    const Entry top = heap_.top();
    heap_.pop();
    const auto it = queued_.find(top.path);
    // Stale: dropped, or raised (a newer entry with the same order stands above it).
    if (it == queued_.end() || it->second.order != top.order ||
        it->second.item.priority != top.priority) {
      continue;
    }
    IndexItem item = std::move(it->second.item);
    queued_.erase(it);
    return item;
  }
  return std::nullopt;
}

std::optional<IndexItem> IndexQueue::pop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  while (true) {
    if (stopped_ || stop.stop_requested()) return std::nullopt;
    const auto held_until = held_until_;
    if (std::chrono::steady_clock::now() < held_until) {
      // Woken early when the hold moves or the queue stops.
      ready_.wait_until(lock, stop, held_until,
                        [&] { return stopped_ || held_until_ != held_until; });
      continue;
    }
    if (std::optional<IndexItem> item = take_locked()) return item;
    ready_.wait(lock, stop,
                [&] { return stopped_ || !queued_.empty() || held_until_ != held_until; });
  }
}

void IndexQueue::hold_until(std::chrono::steady_clock::time_point until) {
  {
    const std::lock_guard lock(mutex_);
    held_until_ = until;
  }
  ready_.notify_all();
}

std::optional<IndexItem> IndexQueue::try_pop() {
  const std::lock_guard lock(mutex_);
  if (stopped_) return std::nullopt;
  return take_locked();
}

void IndexQueue::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  ready_.notify_all();
}

std::size_t IndexQueue::size() const {
  const std::lock_guard lock(mutex_);
  return queued_.size();
}

}  // namespace chunkls
