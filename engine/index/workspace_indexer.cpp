#include "engine/index/workspace_indexer.h"

#include <fmt/format.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <unordered_map>

#include "engine/index/index_location.h"
#include "engine/store/sqlite_index_store.h"
#include "engine/support/thread_name.h"

namespace chunkls {

std::string_view to_string(IndexSkip reason) {
  switch (reason) {
    case IndexSkip::kIgnored:
      return "ignored";
    case IndexSkip::kExcluded:
      return "excluded";
    case IndexSkip::kTooLarge:
      return "too large";
    case IndexSkip::kNotAFile:
      return "not a file";
    case IndexSkip::kUnreadable:
      return "unreadable";
    case IndexSkip::kOutsideRoot:
      return "outside the root";
    case IndexSkip::kLoop:
      return "loop";
    case IndexSkip::kFileLimit:
      return "file limit";
    case IndexSkip::kBinary:
      return "binary";
    case IndexSkip::kUnsupported:
      return "unsupported";
    case IndexSkip::kFailed:
      return "failed";
    case IndexSkip::kCount:
      break;
  }
  return "unknown";
}

namespace {

IndexSkip skip_of(WalkSkipReason reason) {
  switch (reason) {
    case WalkSkipReason::kIgnored:
      return IndexSkip::kIgnored;
    case WalkSkipReason::kExcluded:
      return IndexSkip::kExcluded;
    case WalkSkipReason::kTooLarge:
      return IndexSkip::kTooLarge;
    case WalkSkipReason::kNotAFile:
      return IndexSkip::kNotAFile;
    case WalkSkipReason::kUnreadable:
      return IndexSkip::kUnreadable;
    case WalkSkipReason::kOutsideRoot:
      return IndexSkip::kOutsideRoot;
    case WalkSkipReason::kLoop:
      return IndexSkip::kLoop;
    case WalkSkipReason::kFileLimit:
      return IndexSkip::kFileLimit;
  }
  return IndexSkip::kUnreadable;
}

IndexSkip skip_of(SourceProblem problem) {
  switch (problem) {
    case SourceProblem::kTooLarge:
      return IndexSkip::kTooLarge;
    case SourceProblem::kBinary:
      return IndexSkip::kBinary;
    case SourceProblem::kNotAFile:
      return IndexSkip::kNotAFile;
    default:
      return IndexSkip::kUnreadable;
  }
}

// A name with an extension we do not know is not read at all; one without an extension
// may still have a shebang.
bool has_extension(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  return dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
}

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

std::string normal_root(const std::filesystem::path& root) {
  std::error_code error;
  std::string out = std::filesystem::absolute(root, error).lexically_normal().string();
  while (out.size() > 1 && out.ends_with('/'))
    out.pop_back();
  return out;
}

// Git's "racily clean" rule: a stamp from the last seconds may hide a second write with
// the same size and mtime.
bool racy(const FileStamp& stamp) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return now - stamp.mtime_ns < std::chrono::nanoseconds(std::chrono::seconds(2)).count();
}

std::shared_ptr<const StoredChunking> stored_chunking(ChunkedText&& chunked) {
  auto out = std::make_shared<StoredChunking>();
  out->symbols = SymbolIndex::encode(chunked.chunks);
  out->chunks = std::move(chunked.chunks);
  out->folds = std::move(chunked.folds);
  out->omitted_too_deep = chunked.omitted_too_deep;
  out->omitted_over_the_count = chunked.omitted_over_the_count;
  return out;
}

}  // namespace

struct WorkspaceIndexer::Root {
  std::string path;
  bool trusted = false;
  std::atomic<bool> removed{false};
  std::atomic<std::uint64_t> next_seq{1};
  std::mutex mutex;  // store, stored
  std::unique_ptr<IndexStore> store;
  // What the store holds of a file, without its path (the map's key): a copy per file
  // of a large tree adds up.
  struct Known {
    FileStamp stamp;
    ContentKey key;
    const Language* language = nullptr;
    std::uint64_t chunks = 0;
  };
  std::unordered_map<std::string, Known> stored;  // what the store holds, by path
  bool warm = false;                              // warm_start() ran
  std::optional<IgnoreRules> rules;               // for watched-file events; under mutex
};

WorkspaceIndexer::WorkspaceIndexer(IndexerServices services, IndexerOptions options)
    : services_(std::move(services)),
      options_(std::move(options)),
      clock_(services_.clock ? services_.clock : &steady_clock()),
      versions_(store_versions(*services_.languages)),
      stop_raised_(std::make_shared<std::atomic<bool>>(false)) {
  stop_flag_ = stop_raised_;
  const unsigned workers = std::max(1u, options_.workers);
  workers_.reserve(workers);
  for (unsigned i = 0; i < workers; ++i) {
    workers_.emplace_back([this, i](std::stop_token stop) { worker_loop(stop, i); });
  }
  walker_ = std::jthread([this](std::stop_token stop) { walker_loop(stop); });
  if (options_.watch) start_watching();
}

WorkspaceIndexer::~WorkspaceIndexer() {
  stop();
}

void WorkspaceIndexer::stop() {
  watcher_.reset();  // no more events from its thread
  stop_raised_->store(true);
  queue_.stop();
  walker_.request_stop();
  for (std::jthread& worker : workers_)
    worker.request_stop();
  changed_.notify_all();
  if (walker_.joinable()) walker_.join();
  for (std::jthread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
  // The stores commit what is queued when they close.
  const std::lock_guard lock(mutex_);
  for (auto& [path, root] : roots_) {
    const std::lock_guard root_lock(root->mutex);
    if (root->store) root->store->flush();
  }
  changed_.notify_all();
}

std::shared_ptr<WorkspaceIndexer::Root> WorkspaceIndexer::make_root(
    const std::filesystem::path& root, bool trusted) {
  auto out = std::make_shared<Root>();
  out->path = normal_root(root);
  out->trusted = trusted;
  return out;
}

void WorkspaceIndexer::add_root(const std::filesystem::path& root, bool trusted) {
  {
    const std::lock_guard lock(mutex_);
    std::string key = normal_root(root);
    auto it = roots_.find(key);
    if (it == roots_.end()) {
      it = roots_.emplace(key, make_root(root, trusted)).first;
    } else {
      it->second->trusted = it->second->trusted || trusted;
    }
    walks_.push_back({it->second});
    counters_.roots = roots_.size();
    counters_.idle = false;
  }
  changed_.notify_all();
}

void WorkspaceIndexer::remove_root(const std::filesystem::path& root) {
  std::shared_ptr<Root> removed;
  {
    const std::lock_guard lock(mutex_);
    const auto it = roots_.find(normal_root(root));
    if (it == roots_.end()) return;
    removed = it->second;
    roots_.erase(it);
    std::erase_if(walks_, [&](const WalkJob& job) { return job.root == removed; });
    counters_.roots = roots_.size();
  }
  removed->removed = true;
  {
    const std::lock_guard lock(mutex_);
    const std::size_t dropped = queue_.drop_below(removed->path);
    pending_ -= std::min<std::uint64_t>(pending_, dropped);
  }
  std::vector<std::string> paths;
  {
    const std::lock_guard lock(removed->mutex);
    for (const auto& [path, known] : removed->stored)
      paths.push_back(path);
  }
  if (services_.symbols) {
    for (const std::string& path : paths)
      services_.symbols->remove(path);
  }
  changed_.notify_all();
}

void WorkspaceIndexer::reindex() {
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [path, root] : roots_)
      walks_.push_back({root});
    counters_.idle = roots_.empty();
  }
  changed_.notify_all();
}

std::vector<std::string> WorkspaceIndexer::roots() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [path, root] : roots_)
    out.push_back(path);
  return out;
}

std::shared_ptr<WorkspaceIndexer::Root> WorkspaceIndexer::root_of(const std::string& path) const {
  const std::lock_guard lock(mutex_);
  std::shared_ptr<Root> best;
  for (const auto& [root_path, root] : roots_) {
    const bool inside = path.size() > root_path.size() && path.starts_with(root_path) &&
                        (root_path == "/" || path[root_path.size()] == '/');
    if (inside && (!best || root_path.size() > best->path.size())) best = root;
  }
  return best;
}

void WorkspaceIndexer::document_opened(const std::string& path) {
  {
    const std::lock_guard lock(mutex_);
    if (!open_paths_.insert(path).second) return;
    open_directories_.insert(parent_directory(path));
  }
  queue_.raise(path, IndexPriority::kOpen);
}

void WorkspaceIndexer::document_closed(const std::string& path) {
  const std::lock_guard lock(mutex_);
  if (open_paths_.erase(path) == 0) return;
  const auto it = open_directories_.find(parent_directory(path));
  if (it != open_directories_.end()) open_directories_.erase(it);
}

IndexPriority WorkspaceIndexer::priority_for(const std::string& path,
                                             const FileStamp& stamp) const {
  const std::lock_guard lock(mutex_);
  if (open_paths_.contains(path)) return IndexPriority::kOpen;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  if (std::chrono::nanoseconds(now).count() - stamp.mtime_ns <
      std::chrono::nanoseconds(options_.recent).count()) {
    return IndexPriority::kChanged;
  }
  if (open_directories_.contains(parent_directory(path))) return IndexPriority::kNear;
  return IndexPriority::kRest;
}

bool WorkspaceIndexer::left_out(Root& root, const std::string& path, bool is_directory) const {
  if (path.size() <= root.path.size()) return false;  // the root itself
  const std::string relative = path.substr(root.path.size() + 1);
  const std::lock_guard lock(root.mutex);
  if (!root.rules) root.rules.emplace(IgnoreRules::open(root.path, options_.walk.exclude_globs));
  // An ignored directory leaves out everything below it, whatever the rules say of the
  // file itself (git's rule; the walk prunes such directories).
  for (std::size_t slash = relative.find('/'); slash != std::string::npos;
       slash = relative.find('/', slash + 1)) {
    const std::string_view directory(relative.data(), slash);
    if (directory == ".git" || directory.ends_with("/.git")) return true;
    if (root.rules->git_ignored(directory, true) || root.rules->excluded(directory, true)) {
      return true;
    }
  }
  const std::string_view name = std::string_view(relative).substr(relative.rfind('/') + 1);
  if (name == ".git") return true;
  return root.rules->git_ignored(relative, is_directory) ||
         root.rules->excluded(relative, is_directory);
}

void WorkspaceIndexer::start_watching() {
  try {
    watcher_ = std::make_unique<DirectoryWatcher>(
        DirectoryEvents{.changed = [this](const std::string& path) { file_changed(path); },
                        .deleted = [this](const std::string& path) { file_deleted(path); },
                        .wanted =
                            [this](const std::string& directory) {
                              const std::shared_ptr<Root> root = root_of(directory);
                              return root && !left_out(*root, directory, true);
                            },
                        .log =
                            [this](std::string_view message) {
                              if (services_.log) services_.log(message);
                            }});
  } catch (const std::exception& e) {
    if (services_.log) {
      services_.log(
          fmt::format("files cannot be watched ({}): changes are seen at the next walk", e.what()));
    }
  }
}

void WorkspaceIndexer::cancel() {
  std::size_t dropped = 0;
  {
    const std::lock_guard lock(mutex_);
    walks_.clear();
    ++cancels_;
    dropped = queue_.drop_below("/");
    pending_ -= std::min<std::uint64_t>(pending_, dropped);
  }
  changed_.notify_all();
  maybe_report(true);
}

void WorkspaceIndexer::file_changed(const std::string& path) {
  const std::shared_ptr<Root> root = root_of(path);
  if (!root) return;
  if (path.ends_with("/.gitignore") || path.ends_with("/.git/info/exclude")) {
    // Other rules: every file may have come in or gone out. Walk the root again.
    {
      const std::lock_guard lock(root->mutex);
      root->rules.reset();
    }
    {
      const std::lock_guard lock(mutex_);
      walks_.push_back({root});
      counters_.idle = false;
    }
    changed_.notify_all();
    return;
  }
  if (left_out(*root, path, false)) return;
  const std::optional<FileStamp> stamp = stamp_of(path);
  if (!stamp) {
    file_deleted(path);
    return;
  }
  {
    const std::lock_guard lock(root->mutex);
    const auto known = root->stored.find(path);
    if (known != root->stored.end() && known->second.stamp == *stamp && !racy(*stamp)) return;
  }
  {
    const std::lock_guard lock(mutex_);
    if (!queue_.push({.path = path,
                      .priority = IndexPriority::kChanged,
                      .seq = root->next_seq++,
                      .stamp = stamp})) {
      return;
    }
    ++pending_;
    ++counters_.found;
    counters_.idle = false;
  }
}

void WorkspaceIndexer::file_deleted(const std::string& path) {
  const std::shared_ptr<Root> root = root_of(path);
  if (!root) return;
  {
    const std::lock_guard lock(mutex_);
    const std::size_t dropped = (queue_.drop(path) ? 1 : 0) + queue_.drop_below(path);
    pending_ -= std::min<std::uint64_t>(pending_, dropped);
  }
  // A file, or a directory: everything known below it goes.
  std::vector<std::string> gone;
  {
    const std::lock_guard lock(root->mutex);
    if (root->stored.contains(path)) {
      gone.push_back(path);
    } else {
      const std::string prefix = path + '/';
      for (const auto& [known, entry] : root->stored) {
        if (known.starts_with(prefix)) gone.push_back(known);
      }
    }
    for (const std::string& known : gone) {
      root->stored.erase(known);
      if (root->store) root->store->remove(known);
    }
  }
  for (const std::string& known : gone) {
    if (services_.symbols) services_.symbols->remove(known);
  }
  if (!gone.empty()) {
    const std::lock_guard lock(mutex_);
    counters_.removed += gone.size();
  }
  maybe_report(false);
}

void WorkspaceIndexer::hold(std::chrono::milliseconds hold) {
  queue_.hold_until(std::chrono::steady_clock::now() + hold);
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

void WorkspaceIndexer::warm_start(Root& root, std::stop_token stop) {
  std::unique_ptr<IndexStore> store;
  if (options_.cache_directory.empty()) {
    store = open_memory_store(versions_, services_.log);
  } else {
    const std::filesystem::path directory = store_directory(options_.cache_directory, root.path);
    store = open_sqlite_store(directory / kStoreFileName, versions_, services_.log);
    // Which root this store indexes, for `chunkls cache info` (best effort).
    if (std::error_code error; std::filesystem::exists(directory / kStoreFileName, error)) {
      std::ofstream(directory / kStoreRootFileName, std::ios::trunc) << root.path << '\n';
    }
  }
  // The files' stamps and, for search, their symbols straight from the store: search
  // answers before the walk ends. A file whose symbols do not read is not known: the
  // walk indexes it again.
  std::unordered_map<std::string, Root::Known> stored;
  store->scan(
      [&](const StoredFile& file, StoredSummary&& summary) {
        if (stop.stop_requested()) return false;
        if (services_.symbols && !services_.symbols->replace_encoded(file.path, summary.symbols)) {
          return true;
        }
        stored.emplace(file.path,
                       Root::Known{file.stamp, file.key, services_.languages->find(file.language),
                                   summary.chunks});
        return true;
      },
      services_.symbols != nullptr);
  {
    const std::lock_guard lock(root.mutex);
    root.store = std::move(store);
    root.stored = std::move(stored);
    root.warm = true;
  }
  const std::lock_guard lock(mutex_);
  counters_.warm_files += root.stored.size();
}

void WorkspaceIndexer::walk(Root& root, std::stop_token stop) {
  {
    const std::lock_guard lock(root.mutex);
    root.rules.reset();  // events after this walk read the ignore files again
  }
  WalkOptions walk_options = options_.walk;
  walk_options.trusted_root = root.trusted;
  if (watcher_) {
    walk_options.on_directory = [this](const std::string& directory) {
      watcher_->watch(directory);
    };
  }
  std::unordered_map<std::string, bool> seen;  // path -> yielded
  const std::uint64_t cancels = cancels_;
  const auto on_file = [&](WalkedFile&& file) {
    if (root.removed || cancels_ != cancels) return false;
    std::string path = file.path.string();
    const std::uint64_t seq = root.next_seq++;
    seen.emplace(path, true);
    {
      const std::lock_guard lock(mutex_);
      ++counters_.found;
    }
    if (!services_.languages->detect({.path = path}) && has_extension(path)) {
      skip(root.path, seq, std::move(path), IndexSkip::kUnsupported, false, {});
      count_done(0, 0);
      return true;
    }
    std::optional<Root::Known> known;
    {
      const std::lock_guard lock(root.mutex);
      if (const auto it = root.stored.find(path); it != root.stored.end()) known = it->second;
    }
    if (known && known->stamp == file.stamp && !racy(file.stamp)) {
      {
        const std::lock_guard lock(mutex_);
        ++counters_.unchanged;
      }
      count_done(file.stamp.size, known->chunks);
      if (services_.listener) {
        services_.listener->indexed({.seq = seq,
                                     .root = root.path,
                                     .path = path,
                                     .language = known->language,
                                     .stamp = file.stamp,
                                     .key = known->key,
                                     .outcome = IndexOutcome::kUnchanged,
                                     .chunks = known->chunks});
      }
      maybe_report(false);
      return true;
    }
    const IndexPriority priority = priority_for(path, file.stamp);
    {
      const std::lock_guard lock(mutex_);
      if (queue_.push(
              {.path = std::move(path), .priority = priority, .seq = seq, .stamp = file.stamp})) {
        ++pending_;
      } else {
        ++counters_.done;  // already queued (a watched-file event): counted there
      }
    }
    return true;
  };
  const auto on_skip = [&](WalkSkip&& skipped) {
    std::string path = skipped.path.string();
    skip(root.path, 0, std::move(path), skip_of(skipped.reason), skipped.directory,
         std::move(skipped.detail));
    return !root.removed && cancels_ == cancels;
  };
  const WalkSummary summary = WorkspaceWalk(root.path, walk_options).run(on_file, on_skip, stop);
  if (summary.truncated && services_.log) {
    services_.log(fmt::format("{} has no project marker (.git): indexed its first {} files only",
                              root.path, walk_options.max_files_without_marker));
  }
  if (summary.stopped || summary.truncated || root.removed || cancels_ != cancels) return;
  // Files the store holds that the walk did not find any more.
  std::vector<std::string> gone;
  {
    const std::lock_guard lock(root.mutex);
    for (const auto& [path, known] : root.stored) {
      if (!seen.contains(path)) gone.push_back(path);
    }
  }
  for (const std::string& path : gone)
    file_deleted(path);
}

void WorkspaceIndexer::worker_loop(std::stop_token stop, unsigned index) {
  name_this_thread(fmt::format("chunkls-index-{}", index));
  if (options_.nice > 0) {
    // Linux applies a thread id's niceness to that thread alone.
    const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0) ::setpriority(PRIO_PROCESS, tid, current + options_.nice);
  }
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
    if (idle) give_back_memory();
    if (idle) changed_.notify_all();
    maybe_report(idle);
  }
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
  SourceRead read = read_source(std::filesystem::path(path), options_.walk.max_file_bytes);
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
    const Deadline deadline = Deadline::after(options_.time_limit).or_when(stop_flag_);
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
