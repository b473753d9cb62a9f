#include "engine/store/sqlite_index_store.h"

#include <sqlite3.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <fstream>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "engine/store/memory_index_store.h"
#include "engine/store/sqlite_handles.h"
#include "engine/store/sqlite_statement.h"
#include "engine/store/store_opening.h"
#include "engine/store/store_schema.h"
#include "engine/store/store_writes.h"
#include "engine/support/thread_name.h"

namespace chunkls {

// The statements, schema and opening this store is built on.
using namespace sqlite_store;

namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// A write transaction takes what is queued up to this many operations or this long, then
// commits: batching saves the per-commit WAL writes, the bounds keep a flush (or what a
// crash loses) small.
constexpr std::size_t kBatchOps = 500;
constexpr std::chrono::milliseconds kBatchTime{64};
// scan() reads this many files (or about this many bytes of symbols) under the read
// lock, then hands them to the visitor without it, so the visitor may use the store.
constexpr std::size_t kScanPageFiles = 1024;
constexpr std::size_t kScanPageBytes = std::size_t{1} << 20;

std::uint64_t file_size_or_zero(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

// ---- The store -------------------------------------------------------------------------

// A connection and the mutex its users take.
struct Database {
  explicit Database(sqlite::Connection connection) : db(std::move(connection)) {}
  sqlite::Connection db;
  std::mutex mutex;
};

class SqliteIndexStore final : public IndexStore {
 public:
  // cppcheck-suppress passedByValue ; a sink: its connections are moved out
  SqliteIndexStore(Opened opened, std::string location, std::string note, StoreLog log)
      : location_(std::move(location)),
        note_(std::move(note)),
        log_(std::move(log)),
        writer_db_(std::move(opened.writer)),
        reader_db_(std::move(opened.reader)),
        writes_(writer_db_.db.get()),
        reads_(reader_db_.db.get()) {
    writer_ = std::thread([this] { write_loop(); });
  }

  SqliteIndexStore(const SqliteIndexStore&) = delete;
  SqliteIndexStore& operator=(const SqliteIndexStore&) = delete;

  ~SqliteIndexStore() override {
    {
      const std::lock_guard lock(queue_mutex_);
      stopping_ = true;
    }
    work_.notify_all();
    writer_.join();  // after it committed the queue
  }

  std::vector<StoredFile> files() override {
    return reading("the files", [&] {
      std::vector<StoredFile> out;
      const auto reset = reads_.files.use();
      while (reads_.files.step())
        out.push_back(file_row(reads_.files));
      return out;
    });
  }

  std::optional<StoredFile> file(const std::string& path) override {
    return reading("a file", [&]() -> std::optional<StoredFile> {
      const auto reset = reads_.file.use();
      reads_.file.bind_text(1, path);
      if (!reads_.file.step()) return std::nullopt;
      return file_row(reads_.file);
    });
  }

  std::optional<StoredChunking> chunking(const ContentKey& key) override {
    {
      // Read your writes: a content queued and not committed yet (a copy of a file met
      // a moment ago) is not chunked a second time.
      const std::lock_guard lock(queue_mutex_);
      if (const auto it = pending_contents_.find(key); it != pending_contents_.end()) {
        return *it->second.chunking;
      }
    }
    return reading("a chunking", [&]() -> std::optional<StoredChunking> {
      Statement& content = reads_.content;
      // Kept stepping while the chunks are read: one read transaction, one snapshot.
      const auto reset = content.use();
      const std::string hash = encode_key(key);
      content.bind_blob(1, hash);
      if (!content.step()) return std::nullopt;
      StoredChunking out;
      out.folds = decode_folds(content.blob(1));
      out.omitted_too_deep = content.u64(2);
      out.omitted_over_the_count = content.u64(3);
      out.symbols = content.blob(4);
      out.chunks = read_chunks(content.i64(0), true);
      return out;
    });
  }

  void scan(const std::function<bool(const StoredFile&, StoredSummary&&)>& visit,
            bool with_symbols) override {
    std::optional<std::string> after;
    for (;;) {
      std::vector<ScannedFile> page =
          reading("the index", [&] { return scan_page(after, with_symbols); });
      if (page.empty()) return;
      after = page.back().file.path;
      for (ScannedFile& scanned : page) {
        if (!visit(scanned.file, std::move(scanned.summary))) return release_read_memory();
      }
    }
    release_read_memory();
  }

  void put(StoredFile file, std::shared_ptr<const StoredChunking> chunking) override {
    if (chunking) {
      const std::lock_guard lock(queue_mutex_);
      Pending& pending = pending_contents_[file.key];
      pending.chunking = chunking;
      ++pending.puts;
    }
    enqueue(PutOp{std::move(file), std::move(chunking)});
  }
  void touch(StoredFile file) override { enqueue(TouchOp{std::move(file)}); }
  void remove(std::string path) override { enqueue(RemoveOp{std::move(path)}); }
  void clear() override { enqueue(ClearOp{}); }

  void flush() override {
    std::unique_lock lock(queue_mutex_);
    const std::uint64_t target = queued_total_;
    if (completed_total_ >= target) return;
    ++flushes_waiting_;  // the writer commits now instead of waiting for more
    work_.notify_all();
    done_.wait(lock, [&] { return completed_total_ >= target; });
    --flushes_waiting_;
  }

  StoreInfo info() override {
    StoreInfo out{.location = location_, .note = note_};
    // Counting reads two tables: done again only after a commit (chunkls/stats is polled).
    const std::uint64_t transactions = transactions_.load();
    std::array<std::uint64_t, 3> counts{};
    {
      const std::lock_guard lock(counts_mutex_);
      if (!counted_ || counted_at_ != transactions) {
        counts = reading("the counts", [&] {
          const auto reset = reads_.counts.use();
          std::array<std::uint64_t, 3> n{};
          if (reads_.counts.step())
            n = {reads_.counts.u64(0), reads_.counts.u64(1), reads_.counts.u64(2)};
          return n;
        });
        release_read_memory();
        counts_ = counts;
        counted_ = true;
        counted_at_ = transactions;
      }
      counts = counts_;
    }
    out.files = counts[0];
    out.contents = counts[1];
    out.chunks = counts[2];
    out.bytes_on_disk = file_size_or_zero(location_) + file_size_or_zero(location_ + "-wal");
    {
      const std::lock_guard lock(queue_mutex_);
      out.writes_queued = queued_total_ - completed_total_;
    }
    out.transactions = transactions_.load();
    return out;
  }

 private:
  struct ScannedFile {
    StoredFile file;  // cppcheck-suppress unusedStructMember ; scan() reads it
    StoredSummary summary;
  };

  // Gives the pages a scan cached back (an indexed server keeps no more than it needs).
  void release_read_memory() {
    const std::lock_guard lock(reader_db_.mutex);
    sqlite3_db_release_memory(reader_db_.db.get());
  }

  void say(const std::string& message) const noexcept {
    try {
      if (log_) log_("index store " + location_ + ": " + message);
    } catch (...) {  // a log that fails must not take the writer thread down
    }
  }

  // Runs `read` under the read connection's lock. A failed read is logged and reads as
  // nothing (the indexer then indexes again): the server keeps serving.
  template <typename Read>
  auto reading(std::string_view what, Read&& read) -> decltype(read()) {
    try {
      const std::lock_guard lock(reader_db_.mutex);
      return read();
    } catch (const std::exception& e) {
      say("reading " + std::string(what) + " failed: " + e.what());
      note_damage(e);
      return {};
    }
  }

  // Damage found in use (SQLite's, or rows that make no sense): the store goes on with
  // what still reads, and the next open rebuilds it.
  void note_damage(const std::exception& e) noexcept {
    const auto* error = dynamic_cast<const SqliteError*>(&e);
    if (error == nullptr || (error->code() != SQLITE_CORRUPT && error->code() != SQLITE_NOTADB) ||
        damaged_.exchange(true)) {
      return;
    }
    try {
      std::ofstream(damage_marker(location_)) << "damaged: " << e.what() << '\n';
      say("it is damaged and is rebuilt at the next start");
    } catch (...) {  // cannot even say so: the damage is found again next time
    }
  }

  // Under the read lock: one query, one snapshot per page.
  std::vector<ScannedFile> scan_page(const std::optional<std::string>& after, bool with_symbols) {
    Statement& files = with_symbols ? (after ? reads_.symbols_after : reads_.symbols)
                                    : (after ? reads_.scan_after : reads_.files);
    const auto reset = files.use();
    if (after) files.bind_text(1, *after);
    std::vector<ScannedFile> page;
    std::size_t bytes = 0;
    while (page.size() < kScanPageFiles && bytes < kScanPageBytes && files.step()) {
      ScannedFile scanned{file_row(files), {.chunks = files.u64(kChunkCountColumn)}};
      // Each page starts after the last path of the one before: rows out of path order (a
      // damaged b-tree) would bring a page back again and again, a scan without end.
      const std::string* previous =
          page.empty() ? (after ? &*after : nullptr) : &page.back().file.path;
      if (previous != nullptr && scanned.file.path <= *previous) {
        corrupt("the files are not in path order");
      }
      if (with_symbols) scanned.summary.symbols = files.blob(kSymbolsColumn);
      bytes += scanned.summary.symbols.size();
      page.push_back(std::move(scanned));
    }
    return page;
  }

  std::vector<Chunk> read_chunks(std::int64_t content, bool with_details) {
    Statement& s = with_details ? reads_.chunks_with_details : reads_.chunks;
    const auto reset = s.use();
    s.bind(1, content);
    std::vector<Chunk> out;
    while (s.step())
      out.push_back(chunk_row(s, out.size(), with_details));
    return out;
  }

  // ---- The writer thread ----

  bool queue_empty() {
    const std::lock_guard lock(queue_mutex_);
    return queue_.empty();
  }

  void enqueue(WriteOp op) {
    {
      const std::lock_guard lock(queue_mutex_);
      queue_.push_back(std::move(op));
      ++queued_total_;
    }
    work_.notify_all();
  }

  void write_loop() {
    name_this_thread("chunkls-store");
    std::unique_lock lock(queue_mutex_);
    for (;;) {
      work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is committed
      lock.unlock();
      std::vector<ContentKey> written;
      const std::uint64_t handled = write_batch(written);
      if (queue_empty()) {
        // The queue drained (indexing is done or pauses): the batch's pages go back.
        const std::lock_guard db_lock(writer_db_.mutex);
        sqlite3_db_release_memory(writer_db_.db.get());
      }
      lock.lock();
      settle(written);
      completed_total_ += handled;
      done_.notify_all();
    }
  }

  // Up to `most` queued operations; waits for some until `deadline` unless a flush or
  // the destructor wants the batch committed now.
  std::vector<WriteOp> take(std::size_t most, SteadyClock::time_point deadline) {
    std::unique_lock lock(queue_mutex_);
    work_.wait_until(lock, deadline,
                     [&] { return !queue_.empty() || stopping_ || flushes_waiting_ > 0; });
    std::vector<WriteOp> ops;
    while (!queue_.empty() && ops.size() < most) {
      ops.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return ops;
  }

  // One transaction; returns how many operations it took (committed, or lost with it).
  // Never throws: a failed batch is rolled back and logged, and the store goes on.
  // The puts of a batch are committed (or lost): their contents are read from the
  // database from now on. Under queue_mutex_.
  void settle(const std::vector<ContentKey>& written) {
    for (const ContentKey& key : written) {
      const auto it = pending_contents_.find(key);
      if (it != pending_contents_.end() && --it->second.puts == 0) pending_contents_.erase(it);
    }
  }

  std::uint64_t write_batch(std::vector<ContentKey>& written) {
    Database& db = writer_db_;
    const std::lock_guard lock(db.mutex);
    const SteadyClock::time_point deadline = SteadyClock::now() + kBatchTime;
    std::uint64_t taken = 0;
    try {
      writes_.begin();
      do {
        const std::vector<WriteOp> ops = take(kBatchOps - taken, deadline);
        if (ops.empty()) break;
        taken += ops.size();
        for (const WriteOp& op : ops) {
          if (const auto* put = std::get_if<PutOp>(&op); put && put->chunking) {
            written.push_back(put->file.key);
          }
        }
        for (const WriteOp& op : ops)
          writes_.apply(op);
      } while (taken < kBatchOps && SteadyClock::now() < deadline);
      writes_.commit();
      ++transactions_;
    } catch (const std::exception& e) {
      roll_back(db.db.get());
      note_damage(e);
      // A transaction that could not begin (a lock held past the busy timeout) still
      // consumes operations, so neither flush() nor the destructor waits for ever.
      if (taken == 0) taken = drop(kBatchOps, written);
      batch_failed(e.what(), taken);
      return taken;
    }
    batch_succeeded();
    return taken;
  }

  // Drops up to `most` queued operations (a batch that could not begin); how many.
  std::uint64_t drop(std::size_t most, std::vector<ContentKey>& written) noexcept {
    const std::lock_guard lock(queue_mutex_);
    std::uint64_t dropped = 0;
    for (; dropped < most && !queue_.empty(); ++dropped) {
      if (const auto* put = std::get_if<PutOp>(&queue_.front()); put && put->chunking) {
        written.push_back(put->file.key);
      }
      queue_.pop_front();
    }
    return dropped;
  }

  // Said once per run of failed batches (a full disk fails every one of them).
  void batch_failed(const char* what, std::uint64_t lost) noexcept {
    if (failed_batches_++ > 0) return;
    try {
      say("a write batch failed and was rolled back (" + std::string(what) + "); " +
          std::to_string(lost) + " writes lost, their files are indexed again next start");
    } catch (...) {  // out of memory for the message: the batch is rolled back anyway
    }
  }

  void batch_succeeded() noexcept {
    if (failed_batches_ == 0) return;
    try {
      say("writes work again after " + std::to_string(failed_batches_) + " failed batches");
    } catch (...) {
    }
    failed_batches_ = 0;
  }

  const std::string location_;
  const std::string note_;
  const StoreLog log_;

  // Declared before the statements, so the statements are finalized first.
  Database writer_db_;
  Database reader_db_;
  TableWrites writes_;  // the writer thread's, under writer_db_.mutex
  Reads reads_;         // under reader_db_.mutex

  std::mutex queue_mutex_;        // guards the queue and the counters below
  std::condition_variable work_;  // the writer waits: operations, a flush, or stopping
  std::condition_variable done_;  // flushes wait: completed_total_ moved
  std::deque<WriteOp> queue_;
  std::uint64_t queued_total_ = 0;     // operations ever queued
  std::uint64_t completed_total_ = 0;  // operations committed or lost with a failed batch
  int flushes_waiting_ = 0;
  bool stopping_ = false;
  // Contents put and not committed yet, for chunking() (read your writes).
  struct Pending {
    std::shared_ptr<const StoredChunking> chunking;
    std::uint32_t puts = 0;  // queued puts of this key
  };
  std::unordered_map<ContentKey, Pending, ContentKeyHash> pending_contents_;

  std::atomic<std::uint64_t> transactions_{0};
  std::atomic<bool> damaged_{false};  // the damage marker is written
  std::mutex counts_mutex_;           // the counts info() read last, and when
  std::array<std::uint64_t, 3> counts_{};
  std::uint64_t counted_at_ = 0;  // transactions_ then
  bool counted_ = false;
  std::uint64_t failed_batches_ = 0;  // in a row; the writer thread's
  std::thread writer_;                // last: started once everything above exists
};

}  // namespace

std::unique_ptr<IndexStore> open_sqlite_store(const std::filesystem::path& database,
                                              const std::string& versions, const StoreLog& log,
                                              std::chrono::milliseconds busy_timeout) {
  std::string note;
  try {
    std::error_code ec;
    const fs::path directory = database.parent_path();
    if (!directory.empty()) fs::create_directories(directory, ec);
    std::variant<Opened, OpenFailure> opened = OpenFailure{
        Trouble::kUnavailable, "cannot create " + directory.string() + ": " + ec.message()};
    if (ec) {
    } else if (file_exists(damage_marker(database))) {
      opened = OpenFailure{Trouble::kCorrupt, "damage was found while it was in use"};
    } else {
      fs::path wal = database;
      wal += "-wal";
      opened = open_on_disk(database, versions, busy_timeout, file_exists(wal));
    }
    if (const auto* failure = std::get_if<OpenFailure>(&opened);
        failure != nullptr && failure->trouble == Trouble::kCorrupt) {
      note = "rebuilt: the database was corrupt (" + failure->what + ")";
      if (auto left = remove_database(database)) {
        opened = OpenFailure{Trouble::kUnavailable, *left};
      } else {
        opened = open_on_disk(database, versions, busy_timeout, false);
      }
    }
    if (auto* ok = std::get_if<Opened>(&opened)) {
      if (!ok->rebuilt.empty()) note = "rebuilt: " + ok->rebuilt;
      auto store = std::make_unique<SqliteIndexStore>(std::move(*ok), database.string(), note, log);
      if (!note.empty() && log) log("index store " + database.string() + ": " + note);
      return store;
    }
    const OpenFailure& failure = std::get<OpenFailure>(opened);
    const std::string why =
        failure.trouble == Trouble::kLocked
            ? "the database stays locked by another process (" + failure.what + ")"
            : failure.what;
    note = (note.empty() ? "" : note + "; then ") + "running in memory: " + why;
  } catch (const std::exception& e) {  // preparing the statements; memory for a path
    note = "running in memory: " + std::string(e.what());
  }
  if (log) log("index store " + database.string() + ": " + note);
  return open_memory_store(std::move(note));
}

}  // namespace chunkls
