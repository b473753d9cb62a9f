// WorkspaceIndexer: the background batch indexer (clangd's BackgroundIndex). For each
// workspace root it loads the root's persistent store (a warm start: stored files'
// symbols go straight into the SymbolIndex), walks the root (WorkspaceWalk), skips
// files whose stamp matches the store, queues the rest by priority (IndexQueue) and
// indexes them on worker threads: read, detect the language, look the content up (the
// store holds each content once), else parse and chunk it (ChunkerPool); then the symbols go to the
// SymbolIndex and the file to the store. Files the store holds that the walk no longer finds are
// dropped once a walk completes.
//
// The same engine serves the server (roots are the client's workspace folders; open
// documents first, workers yield while the user types) and `chunkls index` (roots from
// the command line; an IndexListener prints chunks and progress).
//
// Threads: one walker thread (warm starts and walks, one root at a time) and `workers`
// worker threads, all at a lower OS priority (nice), the stores' writer threads (started
// by the walker, so niced too), and with
// `watch` a DirectoryWatcher thread that reports changes under the walked directories. Every
// public member is safe from any thread. stop() (and the destructor) returns once every
// thread has ended: a parse in progress gives up at its next deadline check (a few
// milliseconds), queued store writes are committed, nothing is half-written. Listener
// calls come from the walker and the workers, never under the indexer's locks.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "engine/chunks/chunker_pool.h"
#include "engine/index/directory_watcher.h"
#include "engine/index/ignore/git_work_tree.h"
#include "engine/index/index_queue.h"
#include "engine/index/index_skip.h"
#include "engine/index/symbols/symbol_index.h"
#include "engine/index/workspace_walk.h"
#include "engine/metrics/monitor.h"
#include "engine/store/index_store.h"
#include "engine/store/sqlite_index_store.h"
#include "engine/support/clock.h"
#include "engine/syntax/language_registry.h"
#include "engine/syntax/work_hold.h"

namespace chunkls {

enum class IndexOutcome : std::uint8_t {
  kUnchanged,  // its stamp matched the store: not even read
  kStored,     // read and hashed; its content's chunks were in the store
  kParsed,     // parsed and chunked
};

struct IndexedFile {
  std::uint64_t seq = 0;  // the walk's numbering within its root
  std::string root;
  std::string path;
  const Language* language = nullptr;
  FileStamp stamp;
  ContentKey key;
  IndexOutcome outcome = IndexOutcome::kParsed;
  std::uint64_t chunks = 0;
  // The chunks (ids as stored: see IndexStore) and the text read; null / empty for
  // kUnchanged files and for files read again with the content the store already names
  // for them; a listener may read those chunks from store_of(root).
  std::shared_ptr<const StoredChunking> chunking;
  std::string_view text;
};

struct SkippedFile {
  std::uint64_t seq = 0;  // numbered like IndexedFile for files; 0 for directories
  std::string root;
  std::string path;
  IndexSkip reason = IndexSkip::kIgnored;
  bool directory = false;
  std::string detail;
};

struct IndexProgress {
  std::uint64_t found = 0;      // files the walks yielded (and changed files queued)
  std::uint64_t done = 0;       // of those, finished (indexed or skipped by the reader)
  std::uint64_t unchanged = 0;  // done from the store's stamps
  std::uint64_t stored = 0;     // done from the store's contents
  std::uint64_t parsed = 0;
  std::uint64_t removed = 0;  // dropped: deleted, or no longer found by a walk
  std::uint64_t bytes = 0;    // of the files done
  std::uint64_t chunks = 0;   // of the files done
  std::array<std::uint64_t, static_cast<std::size_t>(IndexSkip::kCount)> skipped{};
  std::uint64_t skipped_directories = 0;
  bool walking = false;
  bool idle = true;  // no walk, nothing queued or in progress
  std::uint64_t roots = 0;
  std::uint64_t warm_files = 0;  // loaded from stores at warm starts
};

// What the indexer tells its owner. Called from the walker and worker threads (and
// the thread that reports a watched-file event).
//
// Every number a root hands out (IndexedFile::seq, SkippedFile::seq != 0) is settled
// exactly once: by indexed(), skipped() or withdrawn(), so a listener that prints in
// the walk's order never waits for a number that will not come. (Not after the root
// is removed, the indexing cancelled or the indexer stopped: what was queued is
// dropped unreported.)
class IndexListener {
 public:
  virtual ~IndexListener() = default;
  virtual void indexed(const IndexedFile&) {}
  virtual void skipped(const SkippedFile&) {}
  // `seq` will not be reported: its file was queued already (a walk while an event's
  // change waits, or an event while the walk's waits); it is reported under the
  // number it was queued with.
  virtual void withdrawn(const std::string& /*root*/, std::uint64_t /*seq*/) {}
  // At most every `progress_interval`, and once each time the indexer becomes idle.
  virtual void progress(const IndexProgress&) {}
};

struct IndexerOptions {
  WalkOptions walk;  // trusted_root is set per root by add_root()
  unsigned workers = 1;
  int nice = 10;  // added to the walker's and the workers' niceness; 0: none
  std::chrono::milliseconds time_limit{10000};  // per file
  std::chrono::milliseconds progress_interval{250};
  // Files modified this recently are queued as "changed" (before the rest).
  std::chrono::seconds recent{600};
  // Stores: under this cache directory (index_location.h); empty: in memory.
  std::filesystem::path cache_directory;
  // Or this one store file, for every root (`chunkls index --out`: one root).
  std::filesystem::path store_file;
  // Watch the walked directories (inotify) and index what changes: for clients that
  // cannot send workspace/didChangeWatchedFiles.
  bool watch = false;
};

// What the indexer borrows; all outlive it.
struct IndexerServices {
  const LanguageRegistry* languages = nullptr;
  ChunkerPool* chunkers = nullptr;
  Monitor* monitor = nullptr;         // may be null
  SymbolIndex* symbols = nullptr;     // may be null (`chunkls index` without search)
  IndexListener* listener = nullptr;  // may be null
  StoreLog log;                       // store problems, walk problems; may be empty
  const Clock* clock = nullptr;       // null: steady_clock()
  // What hold() raises: parses and chunk walks in progress pause at their next deadline
  // check. Null: the indexer makes its own (a test raises one directly to catch a worker
  // inside a file).
  std::shared_ptr<WorkHold> typing;
};

class WorkspaceIndexer {
 public:
  WorkspaceIndexer(IndexerServices services, IndexerOptions options);
  ~WorkspaceIndexer();
  WorkspaceIndexer(const WorkspaceIndexer&) = delete;
  WorkspaceIndexer& operator=(const WorkspaceIndexer&) = delete;

  // Indexes `root` (a directory) in the background: a warm start from its store, then
  // a walk. `trusted`: the client or the user named it (no file limit without a marker).
  // Adding a root already indexed walks it again.
  void add_root(const std::filesystem::path& root, bool trusted);
  // Stops indexing `root` and drops its files' symbols (its store stays on disk).
  void remove_root(const std::filesystem::path& root);
  // Every root again: a fresh walk each (`chunkls reindex`).
  void reindex();
  std::vector<std::string> roots() const;

  // Open documents go first; their directories' files come before the rest.
  void document_opened(const std::string& path);
  void document_closed(const std::string& path);
  // A file created or changed (watched-file events): queued as changed. A deleted file
  // is dropped from the store and the symbols.
  void file_changed(const std::string& path);
  void file_deleted(const std::string& path);
  // The user is typing: until `hold` has passed since the last call, workers start no new
  // file and a file in progress pauses at its next deadline check (within a
  // millisecond), then goes on where it was; hold(0) releases at once.
  void hold(std::chrono::milliseconds hold);

  // Drops what is queued and stops the walks in progress (the user cancelled the
  // progress); roots stay, and later events and reindex() index again.
  void cancel();

  IndexProgress progress() const;
  // Blocks until idle or stopped; false when `timeout` passed first.
  bool wait_idle(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());
  // The store of `root` (as given to add_root); null when unknown.
  IndexStore* store_of(const std::string& root);
  void stop();

 private:
  struct Root;  // workspace_indexer_root.h
  struct WalkJob {
    std::shared_ptr<Root> root;
  };
  void walker_loop(std::stop_token stop);
  void worker_loop(std::stop_token stop, unsigned index);
  void warm_start(Root& root, std::stop_token stop);
  void walk(Root& root, std::stop_token stop);
  void index_file(const IndexItem& item, std::stop_token stop);
  // A file read again whose content the store already names for it: stamp refreshed,
  // counted and reported; false (nothing done) otherwise.
  bool touched(Root& root, const IndexItem& item, const SourceRead& read, const ContentKey& key,
               const Language* language);
  std::shared_ptr<Root> root_of(const std::string& path) const;
  // Whether the walk of `root` would leave `path` out (ignore rules, user globs, .git).
  bool left_out(Root& root, const std::string& path, bool is_directory) const;
  void start_watching();
  IndexPriority priority_for(const std::string& path, const FileStamp& stamp) const;
  void skip(const std::string& root, std::uint64_t seq, std::string path, IndexSkip reason,
            bool directory, std::string detail);
  void count_done(std::uint64_t bytes, std::uint64_t chunks);
  void maybe_report(bool force);
  void give_back_memory();
  bool busy_locked() const;
  std::shared_ptr<Root> make_root(const std::filesystem::path& root, bool trusted);

  // First, so released last: libgit2 stays initialised until the threads that read
  // ignore rules are joined (see LibGit2Hold).
  ignore::LibGit2Hold libgit2_;
  IndexerServices services_;
  IndexerOptions options_;
  const Clock* clock_;
  std::string versions_;
  IndexQueue queue_;
  std::shared_ptr<WorkHold> typing_;
  StopFlag stop_flag_;
  std::shared_ptr<std::atomic<bool>> stop_raised_;

  mutable std::mutex mutex_;  // roots_, walks_, open_, counters, in_progress_
  std::condition_variable_any changed_;
  std::map<std::string, std::shared_ptr<Root>> roots_;  // by root path
  std::vector<WalkJob> walks_;
  std::multiset<std::string> open_directories_;
  std::set<std::string> open_paths_;
  IndexProgress counters_;
  std::uint64_t pending_ = 0;  // queued or being indexed
  bool walking_ = false;
  Clock::time_point last_report_{};
  std::atomic<std::uint64_t> cancels_{0};  // walks started before a cancel() stop

  std::vector<std::jthread> workers_;
  std::jthread walker_;
  std::unique_ptr<DirectoryWatcher> watcher_;  // options_.watch; its thread calls file_*()
};

}  // namespace chunkls
