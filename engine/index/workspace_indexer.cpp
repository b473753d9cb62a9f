// WorkspaceIndexer: its life (construction, stop), its threads (the walker's loop, the
// workers' loops and index_file), progress and idleness. A root's warm start and walk are
// in workspace_indexer_walk.cpp, the events from outside in workspace_indexer_events.cpp.
#include "engine/index/workspace_indexer.h"

#include <fmt/format.h>
#include <malloc.h>

#include "engine/index/index_location.h"
#include "engine/index/workspace_indexer_root.h"
#include "engine/support/thread_name.h"
#include "engine/support/thread_priority.h"

namespace chunkls {

using indexer_detail::normal_root;

namespace {

std::shared_ptr<const StoredChunking> stored_chunking(ChunkedText&& chunked) {
  auto out = std::make_shared<StoredChunking>();
  out->symbols = SymbolIndex::encode(chunked.chunks);
  out->chunks = std::move(chunked.chunks);
  out->folds = std::move(chunked.folds);
  // A memory store keeps this for the process: not the slack of the vectors' growth.
  out->chunks.shrink_to_fit();
  out->folds.shrink_to_fit();
  out->omitted_too_deep = chunked.omitted_too_deep;
  out->omitted_over_the_count = chunked.omitted_over_the_count;
  return out;
}

}  // namespace

WorkspaceIndexer::WorkspaceIndexer(IndexerServices services, IndexerOptions options)
    : services_(std::move(services)),
      options_(std::move(options)),
      clock_(services_.clock ? services_.clock : &steady_clock()),
      versions_(store_versions(*services_.languages)),
      typing_(services_.typing ? services_.typing : std::make_shared<WorkHold>()),
      stop_raised_(std::make_shared<std::atomic<bool>>(false)) {
  stop_flag_ = stop_raised_;
  // Before the walker starts: its walks read watcher_ (each directory entered is watched).
  if (options_.watch) start_watching();
  const unsigned workers = std::max(1u, options_.workers);
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) {
    workers_.emplace_back([this, i](std::stop_token stop) { worker_loop(stop, i); });
  }
  walker_ = std::jthread([this](std::stop_token stop) { walker_loop(stop); });
}

WorkspaceIndexer::~WorkspaceIndexer() {
  stop();
}

void WorkspaceIndexer::stop() {
  stop_raised_->store(true);
  typing_->close();  // a paused file gives up now
  queue_.stop();
  walker_.request_stop();
  for (std::jthread& worker : workers_)
    worker.request_stop();
  changed_.notify_all();
  if (walker_.joinable()) walker_.join();
  for (std::jthread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  // No more events from its thread. Only now: a walk in progress calls watch() on it for
  // each directory it enters (reset before the join, that was a null dereference).
  watcher_.reset();
  // The stores commit what is queued when they close.
  const std::lock_guard lock(mutex_);
  for (auto& [path, root] : roots_) {
    const std::lock_guard root_lock(root->mutex);
    if (root->store) root->store->flush();
  }
  changed_.notify_all();
}

bool WorkspaceIndexer::busy_locked() const {
  return walking_ || !walks_.empty() || pending_ > 0;
}

IndexProgress WorkspaceIndexer::progress() const {
  const std::lock_guard lock(mutex_);
  IndexProgress out = counters_;
  out.walking = walking_ || !walks_.empty();
  out.idle = !busy_locked();
  return out;
}

bool WorkspaceIndexer::wait_idle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const auto idle = [&] { return !busy_locked() || stop_raised_->load(); };
  if (timeout == std::chrono::milliseconds::max()) {
    changed_.wait(lock, idle);
    return !busy_locked();
  }
  return changed_.wait_for(lock, timeout, idle) && !busy_locked();
}

IndexStore* WorkspaceIndexer::store_of(const std::string& root) {
  std::shared_ptr<Root> found;
  {
    const std::lock_guard lock(mutex_);
    const auto it = roots_.find(normal_root(root));
    if (it == roots_.end()) return nullptr;
    found = it->second;
  }
  const std::lock_guard lock(found->mutex);
  return found->store.get();
}

void WorkspaceIndexer::maybe_report(bool force) {
  if (!services_.listener) return;
  IndexProgress snapshot;
  {
    const std::lock_guard lock(mutex_);
    const auto now = clock_->now();
    if (!force && now - last_report_ < options_.progress_interval) return;
    last_report_ = now;
    snapshot = counters_;
    snapshot.walking = walking_ || !walks_.empty();
    snapshot.idle = !busy_locked();
  }
  services_.listener->progress(snapshot);
}

void WorkspaceIndexer::skip(const std::string& root, std::uint64_t seq, std::string path,
                            IndexSkip reason, bool directory, std::string detail) {
  {
    const std::lock_guard lock(mutex_);
    ++counters_.skipped[static_cast<std::size_t>(reason)];
    if (directory) ++counters_.skipped_directories;
  }
  if (services_.listener) {
    services_.listener->skipped({.seq = seq,
                                 .root = root,
                                 .path = std::move(path),
                                 .reason = reason,
                                 .directory = directory,
                                 .detail = std::move(detail)});
  }
}

void WorkspaceIndexer::count_done(std::uint64_t bytes, std::uint64_t chunks) {
  const std::lock_guard lock(mutex_);
  ++counters_.done;
  counters_.bytes += bytes;
  counters_.chunks += chunks;
}

// Parsing a batch leaves malloc holding the freed trees and texts (tens of MB after a
// large tree); an idle indexer gives them back to the OS, so an indexed server costs what
// it keeps (the symbols) and not what it went through.
void WorkspaceIndexer::give_back_memory() {
  if (services_.symbols) services_.symbols->shrink_to_fit();
  ::malloc_trim(0);
}

void WorkspaceIndexer::walker_loop(std::stop_token stop) {
  name_this_thread("chunkls-walk");
  // Walks and warm starts are background work too, and the stores' writer threads
  // (started from here) inherit the niceness.
  lower_this_thread_priority(options_.nice);
  while (!stop.stop_requested()) {
    std::shared_ptr<Root> root;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, stop, [&] { return !walks_.empty(); });
      if (stop.stop_requested()) return;
      root = walks_.front().root;
      walks_.erase(walks_.begin());
      walking_ = true;
    }
    try {
      if (!root->warm) warm_start(*root, stop);
      if (!root->removed) walk(*root, stop);
    } catch (const std::exception& e) {
      if (services_.log) services_.log(fmt::format("indexing {}: {}", root->path, e.what()));
    }
    bool idle = false;
    {
      const std::lock_guard lock(mutex_);
      walking_ = false;
      idle = !busy_locked();
    }
    if (idle) give_back_memory();
    changed_.notify_all();
    maybe_report(true);
  }
}

void WorkspaceIndexer::worker_loop(std::stop_token stop, unsigned index) {
  name_this_thread(fmt::format("chunkls-index-{}", index));
  lower_this_thread_priority(options_.nice);
  while (!stop.stop_requested()) {
    std::optional<IndexItem> item = queue_.pop(stop);
    if (!item) return;
    try {
      index_file(*item, stop);
    } catch (const std::exception& e) {
      if (services_.log) services_.log(fmt::format("indexing {}: {}", item->path, e.what()));
    }
    bool idle = false;
    {
      const std::lock_guard lock(mutex_);
      --pending_;
      idle = !busy_locked();
    }
    if (idle) {
      give_back_memory();
      changed_.notify_all();
    }
    maybe_report(idle);
  }
}

// Touched, or written with the same bytes: its symbols and stored chunks stand; only the
// stamp is new, and no chunk is read back.
bool WorkspaceIndexer::touched(Root& root, const IndexItem& item, const SourceRead& read,
                               const ContentKey& key, const Language* language) {
  Root::Known known;
  {
    const std::lock_guard lock(root.mutex);
    const auto it = root.stored.find(item.path);
    if (it == root.stored.end() || it->second.key != key || it->second.language != language) {
      return false;
    }
    it->second.stamp = read.stamp.value_or(FileStamp{});
    known = it->second;
    if (root.store) {
      root.store->touch({.path = item.path,
                         .stamp = known.stamp,
                         .key = key,
                         .language = std::string(language->name())});
    }
  }
  {
    const std::lock_guard lock(mutex_);
    ++counters_.stored;
  }
  count_done(read.bytes.size(), known.chunks);
  if (services_.listener) {
    services_.listener->indexed({.seq = item.seq,
                                 .root = root.path,
                                 .path = item.path,
                                 .language = known.language,
                                 .stamp = known.stamp,
                                 .key = known.key,
                                 .outcome = IndexOutcome::kStored,
                                 .chunks = known.chunks});
  }
  return true;
}

void WorkspaceIndexer::index_file(const IndexItem& item, std::stop_token stop) {
  const std::shared_ptr<Root> root = root_of(item.path);
  if (!root || root->removed) {
    count_done(0, 0);
    return;
  }
  const std::string& path = item.path;
  const auto forget = [&] {  // a file that is no longer indexable leaves the index
    bool known = false;
    {
      const std::lock_guard lock(root->mutex);
      known = root->stored.erase(path) > 0;
      if (known && root->store) root->store->remove(path);
    }
    if (known && services_.symbols) services_.symbols->remove(path);
  };
  std::string within;  // the root's real path: what the file must resolve inside
  {
    const std::lock_guard lock(root->mutex);
    if (root->resolved.empty()) {
      std::error_code error;
      root->resolved = std::filesystem::canonical(root->path, error).string();
    }
    within = root->resolved;
  }
  if (within.empty()) {
    skip(root->path, item.seq, path, IndexSkip::kUnreadable, false,
         "the workspace folder cannot be resolved");
    count_done(0, 0);
    return;
  }
  SourceRead read = read_source(std::filesystem::path(path), options_.walk.max_file_bytes,
                                std::span<const std::string>(&within, 1));
  if (!read) {
    if (!stamp_of(path)) {  // deleted meanwhile
      forget();
      count_done(0, 0);
      return;
    }
    forget();
    skip(root->path, item.seq, path, skip_of(read.problem), false, read.reason);
    count_done(0, 0);
    return;
  }
  const Language* language = services_.languages->detect({.path = path, .content = read.bytes});
  if (!language) {
    forget();
    skip(root->path, item.seq, path, IndexSkip::kUnsupported, false, {});
    count_done(0, 0);
    return;
  }
  const std::string_view text = read.bytes;
  // Hashed here, not through the caches' file level: the store is this file's metadata,
  // and a copy of every indexed path in that level would cost megabytes.
  const ContentKey key = content_key(*language, read.bytes);
  if (touched(*root, item, read, key, language)) return;
  IndexStore* store = nullptr;
  {
    const std::lock_guard lock(root->mutex);
    store = root->store.get();
  }
  std::shared_ptr<const StoredChunking> chunking;
  IndexOutcome outcome = IndexOutcome::kStored;
  if (store) {
    if (std::optional<StoredChunking> stored = store->chunking(key)) {
      chunking = std::make_shared<const StoredChunking>(std::move(*stored));
    }
  }
  if (!chunking) {
    outcome = IndexOutcome::kParsed;
    const Deadline deadline =
        Deadline::after(options_.time_limit).or_when(stop_flag_).yielding_to(typing_);
    try {
      const ChunkerPool::Lease chunker = services_.chunkers->acquire(*language);
      Tree tree;
      {
        const ScopedTimer timed(services_.monitor, Stage::kParse, path);
        tree = chunker->parser().parse(text, nullptr, deadline);
      }
      if (!tree) {
        if (deadline.expired()) deadline.give_up(fmt::format("parsing {} bytes", text.size()));
        throw ChunkError(fmt::format("parsing failed for language '{}'", language->name()));
      }
      const ScopedTimer timed(services_.monitor, Stage::kChunkWhole, path);
      chunking =
          // A whole tree, not by constructs: a batch of new files rarely shares them, and
          // filling the constructs level would cost 5 % and evict what the open
          // documents reuse.
          stored_chunking(chunker->chunk_tree(*language, std::move(tree), text, path, deadline));
    } catch (const WorkStopped& e) {
      if (stop.stop_requested()) return;  // shutting down: nothing written
      skip(root->path, item.seq, path, IndexSkip::kFailed, false, e.what());
      count_done(0, 0);
      return;
    } catch (const std::exception& e) {
      skip(root->path, item.seq, path, IndexSkip::kFailed, false, e.what());
      count_done(0, 0);
      return;
    }
  }
  StoredFile file{.path = path,
                  .stamp = read.stamp.value_or(FileStamp{}),
                  .key = key,
                  .language = language->name()};
  if (services_.symbols && !services_.symbols->replace_encoded(path, chunking->symbols)) {
    services_.symbols->replace(path, chunking->chunks);  // a content stored with bad symbols
  }
  {
    const std::lock_guard lock(root->mutex);
    if (root->store) root->store->put(file, chunking);
    root->stored.insert_or_assign(path,
                                  Root::Known{file.stamp, key, language, chunking->chunks.size()});
  }
  {
    const std::lock_guard lock(mutex_);
    ++(outcome == IndexOutcome::kParsed ? counters_.parsed : counters_.stored);
  }
  count_done(text.size(), chunking->chunks.size());
  if (services_.listener) {
    services_.listener->indexed({.seq = item.seq,
                                 .root = root->path,
                                 .path = path,
                                 .language = language,
                                 .stamp = file.stamp,
                                 .key = key,
                                 .outcome = outcome,
                                 .chunks = chunking->chunks.size(),
                                 .chunking = chunking,
                                 .text = text});
  }
}

}  // namespace chunkls
