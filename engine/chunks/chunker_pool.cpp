#include "engine/chunks/chunker_pool.h"

#include <fmt/format.h>

#include <algorithm>

namespace chunkls {

namespace {

std::unique_ptr<Chunker> make_chunker(const Language& language, const ChunkLimits& limits) {
  auto chunker = std::make_unique<Chunker>(Chunker::Walk::kPlanned, limits);
  if (!chunker->parser().set_language(language.grammar())) {
    throw ChunkError(fmt::format("tree-sitter refused the grammar of '{}' (ABI version {})",
                                 language.name(), ts_language_abi_version(language.grammar())));
  }
  return chunker;
}

}  // namespace

ChunkerPool::Lease::~Lease() {
  if (pool_ && chunker_) pool_->give_back(language_, std::move(chunker_));
}

ChunkerPool::ChunkerPool(ChunkLimits limits, std::size_t max_idle)
    : limits_(limits), max_idle_(max_idle) {
  stats_.max_idle = max_idle;
}

ChunkerPool::Lease ChunkerPool::acquire(const Language& language) {
  const std::thread::id me = std::this_thread::get_id();
  {
    const std::lock_guard lock(mutex_);
    ++stats_.acquired;
    ++stats_.in_use;
    if (auto it = idle_.find(&language); it != idle_.end() && !it->second.empty()) {
      auto& waiting = it->second;
      // This thread's own, else the one given back last.
      auto pick = std::find_if(waiting.rbegin(), waiting.rend(),
                               [&](const auto& entry) { return entry.first == me; });
      if (pick == waiting.rend()) pick = waiting.rbegin();
      std::unique_ptr<Chunker> chunker = std::move(pick->second);
      waiting.erase(std::next(pick).base());
      --stats_.idle;
      ++stats_.reused;
      return Lease(this, &language, std::move(chunker));
    }
    ++stats_.created;
  }
  try {
    return Lease(this, &language, make_chunker(language, limits_));
  } catch (...) {
    const std::lock_guard lock(mutex_);
    --stats_.in_use;
    throw;
  }
}

void ChunkerPool::give_back(const Language* language, std::unique_ptr<Chunker> chunker) {
  std::unique_ptr<Chunker> freed;  // outside the lock
  const std::lock_guard lock(mutex_);
  --stats_.in_use;
  if (stats_.idle >= max_idle_) {
    ++stats_.dropped;
    // cppcheck-suppress unreadVariable ; its destructor frees it, after the lock's
    freed = std::move(chunker);
    return;
  }
  idle_[language].emplace_back(std::this_thread::get_id(), std::move(chunker));
  ++stats_.idle;
}

std::vector<WarmUpFailure> ChunkerPool::warm_up(std::span<const Language* const> languages,
                                                std::stop_token stop) {
  std::vector<WarmUpFailure> failures;
  for (const Language* language : languages) {
    if (stop.stop_requested()) break;
    try {
      (void)language->queries();
      std::unique_ptr<Chunker> chunker = make_chunker(*language, limits_);
      const std::lock_guard lock(mutex_);
      ++stats_.created;
      if (stats_.idle >= max_idle_) continue;
      idle_[language].emplace_back(std::this_thread::get_id(), std::move(chunker));
      ++stats_.idle;
    } catch (const std::exception& e) {
      failures.push_back({language->name(), e.what()});
    }
  }
  return failures;
}

ChunkerPoolStats ChunkerPool::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace chunkls
