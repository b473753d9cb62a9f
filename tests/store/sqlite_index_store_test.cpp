// SqliteIndexStore against real databases in temporary directories, and the IndexStore
// contract on it and on MemoryIndexStore: round trips through a reopen, content sharing and garbage
// collection, discarding and rebuilding (versions, schema, corruption), running in memory
// (unwritable directory, locked database), and the writer's flush, destructor and concurrency. No
// test waits on time: flush() and the destructor are the synchronization points.
#include "engine/store/sqlite_index_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/memory_index_store.h"
#include "engine/store/sqlite_handles.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kVersions = "json:abi14:0123456789abcdef;python:abi14:fedcba9876543210";

using testing::TempDir;

// What the store logged (from any thread).
class Log {
 public:
  StoreLog sink() {
    return [this](std::string_view line) {
      const std::lock_guard lock(mutex_);
      lines_.emplace_back(line);
    };
  }
  std::vector<std::string> lines() const {
    const std::lock_guard lock(mutex_);
    return lines_;
  }
  void clear() {
    const std::lock_guard lock(mutex_);
    lines_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TextRange range_at(std::uint32_t byte, std::uint32_t length, std::uint32_t row) {
  return TextRange{.start_byte = byte,
                   .end_byte = byte + length,
                   .start = {.row = row, .column = byte % 7},
                   .end = {.row = row + length / 10, .column = (byte + length) % 11}};
}

Chunk make_chunk(std::uint64_t id, ChunkKind kind, std::string name, std::int32_t parent,
                 std::uint32_t depth, std::uint32_t at) {
  Chunk c;
  c.id = id;
  c.kind = kind;
  c.name = std::move(name);
  c.detail = "def " + c.name + "(self, x: int) -> float";
  c.range = range_at(at, 120, at / 40);
  c.definition = range_at(at + 10, 110, at / 40 + 1);
  c.selection = range_at(at + 14, 4, at / 40 + 1);
  c.parent = parent;
  c.depth = depth;
  c.content_hash = 0xF000000000000000ull | (id * 31);
  return c;
}

// A chunking with nesting, UTF-8 names, ids and hashes with the top bit set, every fold
// kind and omitted counts; `seed` makes distinct ones.
StoredChunking sample_chunking(std::uint32_t seed) {
  StoredChunking out;
  const std::uint64_t base = 0x8000000000000000ull + seed * 1000ull;
  out.chunks.push_back(make_chunk(base + 1, ChunkKind::kClass, "Shape", -1, 0, 0));
  out.chunks.push_back(make_chunk(base + 2, ChunkKind::kMethod, "périmètre", 0, 1, 40));
  out.chunks.push_back(make_chunk(base + 3, ChunkKind::kMethod, "面积", 0, 1, 200));
  out.chunks.push_back(make_chunk(base + 4, ChunkKind::kFunction, "inner_λ", 2, 2, 240));
  out.chunks.push_back(
      make_chunk(base + 5, ChunkKind::kKey, "k" + std::to_string(seed), -1, 0, 400 + seed));
  out.chunks[4].detail.clear();  // a chunk without a signature
  out.folds = {
      Fold{
          .start_row = 0, .end_row = 9, .start_byte = 0, .end_byte = 120, .kind = FoldKind::kBlock},
      Fold{.start_row = 2,
           .end_row = 4,
           .start_byte = 50,
           .end_byte = 90,
           .start_column = 3,
           .end_column = 0xFFFFFFFFu,
           .kind = FoldKind::kComment},
      Fold{.start_row = 11, .end_row = 12, .kind = FoldKind::kImports},
      Fold{.start_row = 20, .end_row = 30 + seed, .kind = FoldKind::kRegion}};
  out.omitted_too_deep = seed;
  out.omitted_over_the_count = 0xFFFFFFFFFFFFFFFFull - seed;
  out.symbols = "symbols " + std::to_string(seed) + std::string("\0\xff", 2);  // opaque bytes
  return out;
}

ContentKey key_of(std::uint32_t n) {
  return ContentKey{.low = 0x9E3779B97F4A7C15ull * (n + 1),
                    .high = ~std::uint64_t{n},
                    .language = 0xC0FFEE0000000000ull | n % 3};
}

StoredFile stored_file(std::string path, const ContentKey& key, std::uint64_t size = 4096) {
  return StoredFile{.path = std::move(path),
                    .stamp = {.size = size,
                              .mtime_ns = -1234567890123456789ll + static_cast<std::int64_t>(size),
                              .inode = 0xFFFFFFFF00000000ull + size},
                    .key = key,
                    .language = "python"};
}

std::shared_ptr<const StoredChunking> shared(StoredChunking chunking) {
  return std::make_shared<const StoredChunking>(std::move(chunking));
}

struct Scanned {
  StoredFile file;
  StoredSummary summary;
};

std::vector<Scanned> scan_all(IndexStore& store, bool with_symbols) {
  std::vector<Scanned> out;
  store.scan(
      [&](const StoredFile& f, StoredSummary&& summary) {
        out.push_back({f, std::move(summary)});
        return true;
      },
      with_symbols);
  return out;
}

// ---- Raw SQLite, to lock, count and damage databases behind the store's back ----

sqlite::Connection raw_open(const fs::path& path) {
  sqlite::Connection db;
  EXPECT_EQ(sqlite::open(path.c_str(), SQLITE_OPEN_READWRITE, db), SQLITE_OK);
  return db;
}

void raw_exec(sqlite3* db, const std::string& sql) {
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sql << ": " << sqlite3_errmsg(db);
}

std::int64_t raw_count(const fs::path& path, const std::string& table) {
  sqlite::Connection db = raw_open(path);
  sqlite::Statement count;
  EXPECT_EQ(sqlite::prepare(db.get(), "SELECT count(*) FROM " + table, count), SQLITE_OK);
  EXPECT_EQ(sqlite3_step(count.get()), SQLITE_ROW);
  return sqlite3_column_int64(count.get(), 0);
}

void write_bytes(const fs::path& path, std::uint64_t offset, std::uint64_t count,
                 std::uint32_t seed) {
  std::fstream out(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(out) << path;
  out.seekp(static_cast<std::streamoff>(offset));
  std::mt19937 random(seed);
  for (std::uint64_t i = 0; i < count; ++i)
    out.put(static_cast<char>(random() & 0xff));
}

class StoreTest : public ::testing::Test {
 protected:
  fs::path db_path() const { return dir_.path() / "index" / "chunkls.db"; }

  std::unique_ptr<IndexStore> open(std::string versions = kVersions,
                                   milliseconds busy_timeout = kStoreBusyTimeout) {
    return open_sqlite_store(db_path(), std::move(versions), log_.sink(), busy_timeout);
  }

  // A store on disk holding `files` files (two sharing each content), then closed.
  void fill(std::uint32_t files) {
    auto store = open();
    for (std::uint32_t i = 0; i < files; ++i)
      store->put(stored_file("/w/f" + std::to_string(i), key_of(i / 2)),
                 shared(sample_chunking(i / 2)));
  }

  // Opens the damaged or locked store and checks it is empty, said why once, and works.
  void expect_fresh_and_working(IndexStore& store, std::string_view note_part, bool in_memory) {
    const StoreInfo info = store.info();
    EXPECT_TRUE(contains(info.note, note_part)) << info.note;
    EXPECT_EQ(info.in_memory, in_memory);
    EXPECT_EQ(info.files, 0u);
    EXPECT_EQ(info.chunks, 0u);
    ASSERT_EQ(log_.lines().size(), 1u);
    EXPECT_TRUE(contains(log_.lines()[0], note_part)) << log_.lines()[0];
    store.put(stored_file("/w/new", key_of(77)), shared(sample_chunking(77)));
    store.flush();
    ASSERT_TRUE(store.file("/w/new"));
    EXPECT_EQ(store.chunking(key_of(77)), sample_chunking(77));
  }

  TempDir dir_;
  Log log_;
};

// The IndexStore contract, on both stores: what the indexer relies on whichever it has.
enum class StoreKind : std::uint8_t { kSqlite, kMemory };

class StoreContractTest : public StoreTest, public ::testing::WithParamInterface<StoreKind> {
 protected:
  std::unique_ptr<IndexStore> make() {
    return GetParam() == StoreKind::kSqlite ? open() : open_memory_store();
  }
};

INSTANTIATE_TEST_SUITE_P(Stores, StoreContractTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kMemory),
                         [](const ::testing::TestParamInfo<StoreKind>& param) {
                           return param.param == StoreKind::kSqlite ? "Sqlite" : "Memory";
                         });

TEST_F(StoreTest, RoundTripThroughAReopen) {
  const std::vector<StoredFile> written = {stored_file("/w/b/shape.py", key_of(1), 100),
                                           stored_file("/w/a/ünïcode.py", key_of(2), 200),
                                           stored_file("/w/c/empty.py", key_of(3), 0)};
  {
    auto store = open();
    store->put(written[0], shared(sample_chunking(1)));
    store->put(written[1], shared(sample_chunking(2)));
    store->put(written[2], nullptr);  // no chunks, no folds
  }                                   // the destructor commits

  auto store = open();
  EXPECT_TRUE(log_.lines().empty());
  EXPECT_EQ(store->info().note, "");
  std::vector<StoredFile> expected = written;
  std::ranges::sort(expected, {}, &StoredFile::path);
  EXPECT_EQ(store->files(), expected);
  for (const StoredFile& f : written)
    EXPECT_EQ(store->file(f.path), f);
  EXPECT_FALSE(store->file("/w/missing.py"));
  EXPECT_EQ(store->chunking(key_of(1)), sample_chunking(1));
  EXPECT_EQ(store->chunking(key_of(2)), sample_chunking(2));
  EXPECT_EQ(store->chunking(key_of(3)), StoredChunking{});
  EXPECT_FALSE(store->chunking(key_of(4)));

  const std::vector<StoredChunking> chunkings = {sample_chunking(2), sample_chunking(1), {}};
  for (const bool with_symbols : {true, false}) {
    const std::vector<Scanned> scanned = scan_all(*store, with_symbols);
    ASSERT_EQ(scanned.size(), 3u);
    for (std::size_t i = 0; i < scanned.size(); ++i) {
      EXPECT_EQ(scanned[i].file, expected[i]);
      EXPECT_EQ(scanned[i].summary.chunks, chunkings[i].chunks.size());
      EXPECT_EQ(scanned[i].summary.symbols, with_symbols ? chunkings[i].symbols : "");
    }
  }
  const StoreInfo info = store->info();
  EXPECT_EQ(info.location, db_path().string());
  EXPECT_FALSE(info.in_memory);
  EXPECT_EQ(info.files, 3u);
  EXPECT_EQ(info.contents, 3u);
  EXPECT_EQ(info.chunks, 10u);
  EXPECT_GT(info.bytes_on_disk, 0u);
}

TEST_P(StoreContractTest, ScanPagesInPathOrderStopsOnRequestAndLetsTheVisitorUseTheStore) {
  auto store = make();
  std::vector<std::string> paths;
  for (std::uint32_t i = 0; i < 700; ++i) {  // more than one page of files
    paths.push_back("/w/" + std::to_string(i * 7919 % 1000));
    store->put(stored_file(paths.back(), key_of(i % 5)), shared(sample_chunking(i % 5)));
  }
  store->flush();
  std::ranges::sort(paths);

  std::vector<std::string> seen;
  store->scan(
      [&](const StoredFile& f, StoredSummary&& summary) {
        EXPECT_EQ(store->file(f.path), f);  // reentrant: no lock held while visiting
        EXPECT_EQ(summary.chunks, 5u);
        EXPECT_EQ(summary.symbols, store->chunking(f.key)->symbols);
        seen.push_back(f.path);
        return true;
      },
      true);
  EXPECT_EQ(seen, paths);

  int visits = 0;
  store->scan([&](const StoredFile&, StoredSummary&&) { return ++visits < 3; }, false);
  EXPECT_EQ(visits, 3);
}

TEST_P(StoreContractTest, TouchMovesTheStampOnlyWhileTheRowNamesThatContent) {
  auto store = make();
  store->put(stored_file("/w/a.py", key_of(1)), shared(sample_chunking(1)));
  StoredFile touched = stored_file("/w/a.py", key_of(1), 8192);
  store->touch(touched);
  store->touch(stored_file("/w/a.py", key_of(2), 9999));  // another content: no change
  store->touch(stored_file("/w/missing.py", key_of(1)));  // no row: none made
  store->flush();
  EXPECT_EQ(store->file("/w/a.py"), touched);
  EXPECT_FALSE(store->file("/w/missing.py"));
  EXPECT_EQ(store->chunking(key_of(1)), sample_chunking(1));
  EXPECT_FALSE(store->chunking(key_of(2)));
  EXPECT_EQ(store->info().files, 1u);
}

TEST_P(StoreContractTest, SameContentIsStoredOnceAndDeletedWithItsLastFile) {
  auto store = make();
  store->put(stored_file("/w/one.py", key_of(5)), shared(sample_chunking(5)));
  store->put(stored_file("/w/two.py", key_of(5)), shared(sample_chunking(5)));
  store->flush();
  EXPECT_EQ(store->info().files, 2u);
  EXPECT_EQ(store->info().contents, 1u);
  EXPECT_EQ(store->info().chunks, 5u);

  store->remove("/w/one.py");
  store->remove("/w/never-stored.py");
  store->flush();
  EXPECT_FALSE(store->file("/w/one.py"));
  EXPECT_EQ(store->info().contents, 1u);
  EXPECT_EQ(store->chunking(key_of(5)), sample_chunking(5));

  store->remove("/w/two.py");
  store->flush();
  const StoreInfo info = store->info();
  EXPECT_EQ(info.files, 0u);
  EXPECT_EQ(info.contents, 0u);
  EXPECT_EQ(info.chunks, 0u);
  EXPECT_FALSE(store->chunking(key_of(5)));
}

TEST_P(StoreContractTest, PuttingAPathAgainCollectsItsOldContent) {
  auto store = make();
  store->put(stored_file("/w/a.py", key_of(1)), shared(sample_chunking(1)));
  store->put(stored_file("/w/b.py", key_of(2)), shared(sample_chunking(2)));
  store->flush();
  store->put(stored_file("/w/a.py", key_of(3)), shared(sample_chunking(3)));
  store->put(stored_file("/w/b.py", key_of(2), 9999), shared(sample_chunking(2)));  // same key
  store->flush();
  EXPECT_FALSE(store->chunking(key_of(1)));
  EXPECT_EQ(store->chunking(key_of(2)), sample_chunking(2));
  EXPECT_EQ(store->chunking(key_of(3)), sample_chunking(3));
  EXPECT_EQ(store->file("/w/a.py")->key, key_of(3));
  EXPECT_EQ(store->file("/w/b.py")->stamp.size, 9999u);
  EXPECT_EQ(store->info().contents, 2u);
  EXPECT_EQ(store->info().chunks, 10u);

  // A key stored already keeps its chunks: the new chunking is not written.
  store->put(stored_file("/w/c.py", key_of(2)), shared(sample_chunking(8)));
  store->flush();
  EXPECT_EQ(store->chunking(key_of(2)), sample_chunking(2));
}

TEST_F(StoreTest, OtherVersionsDiscardTheStore) {
  fill(4);
  auto store = open("json:abi14:another-query-set");
  expect_fresh_and_working(*store, "other grammars or queries", false);
  store.reset();
  EXPECT_EQ(raw_count(db_path(),
                      "meta WHERE key = 'versions' AND value = "
                      "'json:abi14:another-query-set'"),
            1);
}

TEST_F(StoreTest, AnotherSchemaVersionDiscardsTheStore) {
  fill(4);
  {
    sqlite::Connection db = raw_open(db_path());
    raw_exec(db.get(), "UPDATE meta SET value = '0' WHERE key = 'schema'");
  }
  auto store = open();
  expect_fresh_and_working(*store, "schema version 0", false);
}

TEST_F(StoreTest, ADatabaseOfOtherTablesIsReplaced) {
  fs::create_directories(db_path().parent_path());
  {
    sqlite::Connection db;
    ASSERT_EQ(sqlite::open(db_path().c_str(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, db),
              SQLITE_OK);
    raw_exec(db.get(),
             "CREATE TABLE files(x); INSERT INTO files VALUES(1); CREATE VIEW v AS "
             "SELECT * FROM files");
  }
  auto store = open();
  expect_fresh_and_working(*store, "not a chunkls index store", false);
}

TEST_F(StoreTest, AGarbageFileIsDeletedAndRebuilt) {
  fill(40);
  ASSERT_FALSE(fs::exists(db_path().string() + "-wal"));  // closed cleanly: all in the file
  write_bytes(db_path(), 0, fs::file_size(db_path()), 1);
  auto store = open();
  expect_fresh_and_working(*store, "corrupt", false);
}

// A WAL left beside the database means it was not closed cleanly (a killed process, a
// crash, or another process still using it): then opening checks every page. An empty
// WAL is a valid one, and stands for that here.
void leave_a_wal(const fs::path& database) {
  std::ofstream(database.string() + "-wal", std::ios::binary);
}

TEST_F(StoreTest, ATruncatedFileIsDeletedAndRebuilt) {
  fill(400);
  const std::uint64_t size = fs::file_size(db_path());
  ASSERT_GT(size, 64u * 1024u);
  fs::resize_file(db_path(), size / 2 + 1000);  // mid-page
  leave_a_wal(db_path());
  auto store = open();
  expect_fresh_and_working(*store, "corrupt", false);
}

TEST_F(StoreTest, DamagedPagesAreFoundAndRebuilt) {
  fill(400);
  const std::uint64_t size = fs::file_size(db_path());
  write_bytes(db_path(), size / 2 / 4096 * 4096, 4 * 4096, 2);  // whole pages, header intact
  leave_a_wal(db_path());
  auto store = open();
  expect_fresh_and_working(*store, "corrupt", false);
}

// A store closed cleanly is trusted at open (checking every page would cost more than a
// warm start); damage a read meets is logged, marks the store, and the next open
// rebuilds it.
TEST_F(StoreTest, DamageMetInUseRebuildsTheStoreAtTheNextOpen) {
  fill(400);
  ASSERT_FALSE(fs::exists(db_path().string() + "-wal"));
  const std::uint64_t size = fs::file_size(db_path());
  write_bytes(db_path(), size / 2 / 4096 * 4096, 4 * 4096, 2);
  {
    auto store = open();
    EXPECT_EQ(store->info().note, "");
    std::size_t read = 0;
    for (std::uint32_t i = 0; i < 200; ++i)
      read += store->chunking(key_of(i)) ? 1 : 0;
    EXPECT_LT(read, 200u);
    const std::vector<std::string> lines = log_.lines();
    ASSERT_GE(lines.size(), 2u);  // each failed read; the marking once, after the first
    EXPECT_TRUE(contains(lines[0], "failed")) << lines[0];
    EXPECT_EQ(std::ranges::count_if(
                  lines, [](const std::string& l) { return contains(l, "rebuilt at the next"); }),
              1);
    EXPECT_TRUE(fs::exists(db_path().string() + ".damaged"));
  }
  log_.clear();
  auto store = open();
  expect_fresh_and_working(*store, "damage was found while it was in use", false);
  EXPECT_FALSE(fs::exists(db_path().string() + ".damaged"));
}

// Found by fuzzing (tests/fuzz/store_fuzz.cpp): a damaged index that lists the files out
// of path order made scan() read the same page again and again, for ever (a warm start
// that never ends). Such a page is damage: the scan ends and the store is marked.
TEST_F(StoreTest, FilesOutOfPathOrderEndTheScanAsDamage) {
  fill(3);
  std::string bytes;
  {
    std::ifstream in(db_path(), std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // "/w/f1" in the table and in its path index: the index now reads f0, z1, f2.
  std::size_t renamed = 0;
  for (std::size_t at = bytes.find("/w/f1"); at != std::string::npos; at = bytes.find("/w/f1")) {
    bytes.replace(at, 5, "/w/z1");
    ++renamed;
  }
  ASSERT_GE(renamed, 2u);
  std::ofstream(db_path(), std::ios::binary | std::ios::trunc) << bytes;
  auto store = open();
  std::size_t visited = 0;
  store->scan([&](const StoredFile&, StoredSummary&&) { return ++visited < 100; }, true);
  EXPECT_LE(visited, 3u);
  EXPECT_TRUE(fs::exists(db_path().string() + ".damaged"));
}

TEST_F(StoreTest, AMalformedRowReadsAsNothingAndIsLogged) {
  fill(2);
  {
    // Sound to SQLite, not to the chunk model: a parent after its child.
    sqlite::Connection db = raw_open(db_path());
    raw_exec(db.get(), "UPDATE chunks SET parent = 4 WHERE ordinal = 1");
  }
  auto store = open();
  EXPECT_FALSE(store->chunking(key_of(0)));
  ASSERT_EQ(log_.lines().size(), 2u);
  EXPECT_TRUE(contains(log_.lines()[0], "malformed")) << log_.lines()[0];
  EXPECT_TRUE(contains(log_.lines()[1], "rebuilt at the next start")) << log_.lines()[1];
  EXPECT_EQ(store->files().size(), 2u);  // what is sound still reads
  EXPECT_EQ(scan_all(*store, false).size(), 2u);
}

TEST_F(StoreTest, AnUncreatableDirectoryRunsInMemory) {
  std::ofstream(dir_.path() / "a-file") << "not a directory";
  auto store =
      open_sqlite_store(dir_.path() / "a-file" / "index" / "chunkls.db", kVersions, log_.sink());
  expect_fresh_and_working(*store, "running in memory", true);
  EXPECT_EQ(store->info().location, ":memory:");
  EXPECT_EQ(store->info().bytes_on_disk, 0u);
}

TEST_F(StoreTest, AReadOnlyDirectoryRunsInMemory) {
  const fs::path read_only = dir_.path() / "read-only";
  fs::create_directories(read_only);
  fs::permissions(read_only, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                 fs::perms::group_exec | fs::perms::others_read |
                                 fs::perms::others_exec);
  // Root writes through 0555: then take a path no one can create (its parent is a file).
  fs::path database = read_only / "chunkls.db";
  if (std::ofstream(read_only / "probe")) {
    fs::remove(read_only / "probe");
    std::ofstream(dir_.path() / "a-file") << "not a directory";
    database = dir_.path() / "a-file" / "chunkls.db";
  }
  auto store = open_sqlite_store(database, kVersions, log_.sink());
  expect_fresh_and_working(*store, "running in memory", true);
  EXPECT_FALSE(fs::exists(database));
}

// A lock another connection keeps for longer than the busy timeout: the store runs in
// memory and leaves the database as it was.
TEST_F(StoreTest, AWriteLockHeldPastTheBusyTimeoutRunsInMemory) {
  fill(4);
  {
    sqlite::Connection holder = raw_open(db_path());
    raw_exec(holder.get(), "BEGIN EXCLUSIVE");  // in WAL mode: the writer lock; reads go on
    auto store = open(kVersions, milliseconds{50});
    expect_fresh_and_working(*store, "locked", true);
  }
  auto store = open();
  EXPECT_EQ(store->info().files, 4u);  // nothing was discarded
  EXPECT_EQ(store->info().note, "");
}

TEST_F(StoreTest, AnExclusiveLockingModeHeldPastTheBusyTimeoutRunsInMemory) {
  fill(4);
  {
    sqlite::Connection holder = raw_open(db_path());
    // No one else may even read.
    raw_exec(holder.get(), "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE");
    auto store = open(kVersions, milliseconds{50});
    expect_fresh_and_working(*store, "locked", true);
  }
  auto store = open();
  EXPECT_EQ(store->info().files, 4u);
  EXPECT_EQ(store->info().note, "");
}

TEST_F(StoreTest, OpeningWaitsForALockReleasedWithinTheBusyTimeout) {
  fill(4);
  sqlite::Connection holder = raw_open(db_path());
  raw_exec(holder.get(), "BEGIN EXCLUSIVE");
  // Released well within the timeout whenever the store starts waiting: the outcome does
  // not depend on the timing.
  std::thread release([&] {
    std::this_thread::sleep_for(milliseconds{100});
    raw_exec(holder.get(), "COMMIT");
  });
  auto store = open(kVersions, milliseconds{60000});
  release.join();
  EXPECT_FALSE(store->info().in_memory);
  EXPECT_EQ(store->info().files, 4u);
  EXPECT_TRUE(log_.lines().empty());
}

TEST_F(StoreTest, AWriteLockDuringABatchFailsItWithoutBlockingFlush) {
  auto store = open(kVersions, milliseconds{20});
  store->put(stored_file("/w/a.py", key_of(1)), shared(sample_chunking(1)));
  store->flush();
  {
    sqlite::Connection holder = raw_open(db_path());
    raw_exec(holder.get(), "BEGIN EXCLUSIVE");
    store->put(stored_file("/w/b.py", key_of(2)), shared(sample_chunking(2)));
    store->flush();  // returns: the batch failed after the busy timeout
    EXPECT_EQ(store->info().writes_queued, 0u);
    EXPECT_FALSE(store->file("/w/b.py"));
    ASSERT_EQ(log_.lines().size(), 1u);
    EXPECT_TRUE(contains(log_.lines()[0], "rolled back")) << log_.lines()[0];
  }
  store->put(stored_file("/w/c.py", key_of(3)), shared(sample_chunking(3)));
  store->flush();
  EXPECT_TRUE(store->file("/w/c.py"));
  ASSERT_EQ(log_.lines().size(), 2u);
  EXPECT_TRUE(contains(log_.lines()[1], "work again")) << log_.lines()[1];
}

TEST_F(StoreTest, ClearEmptiesTheStoreAndKeepsItsMeta) {
  fill(10);
  {
    auto store = open();
    store->clear();
    store->put(stored_file("/w/after.py", key_of(9)), shared(sample_chunking(9)));
    store->flush();
    const StoreInfo info = store->info();
    EXPECT_EQ(info.files, 1u);
    EXPECT_EQ(info.contents, 1u);
    EXPECT_EQ(info.chunks, 5u);
  }
  auto store = open();
  EXPECT_EQ(store->info().note, "");  // the meta rows stayed: nothing to discard
  EXPECT_EQ(store->files().size(), 1u);
}

TEST_F(StoreTest, FlushWaitsForEverythingQueuedBeforeIt) {
  auto store = open();
  store->flush();  // nothing queued: returns at once
  for (std::uint32_t i = 0; i < 1200; ++i)
    store->put(stored_file("/w/" + std::to_string(i), key_of(i)), shared(sample_chunking(i)));
  store->remove("/w/0");
  store->flush();
  // Committed: another connection sees it.
  EXPECT_EQ(raw_count(db_path(), "files"), 1199);
  EXPECT_EQ(raw_count(db_path(), "contents"), 1199);
  EXPECT_EQ(raw_count(db_path(), "chunks"), 1199 * 5);
  const StoreInfo info = store->info();
  EXPECT_EQ(info.writes_queued, 0u);
  EXPECT_GE(info.transactions, 3u);  // at most 500 operations a transaction
}

TEST_F(StoreTest, AQueuedContentIsReadBeforeItIsCommitted) {
  auto store = open(kVersions, std::chrono::seconds(60));
  store->flush();
  // Another connection holds the write lock: nothing the store queues can commit.
  sqlite::Connection holder = raw_open(db_path());
  raw_exec(holder.get(), "BEGIN IMMEDIATE");
  store->put(stored_file("/w/queued", key_of(5)), shared(sample_chunking(5)));
  EXPECT_EQ(store->chunking(key_of(5)), sample_chunking(5));  // read your writes
  EXPECT_FALSE(store->file("/w/queued"));                     // files: committed state only
  raw_exec(holder.get(), "COMMIT");
  store->flush();
  EXPECT_EQ(store->chunking(key_of(5)), sample_chunking(5));
  EXPECT_TRUE(store->file("/w/queued"));
}

TEST_F(StoreTest, TheDestructorCommitsTheQueue) {
  {
    auto store = open();
    for (std::uint32_t i = 0; i < 1000; ++i)
      store->put(stored_file("/w/" + std::to_string(i), key_of(i)), shared(sample_chunking(i)));
  }
  EXPECT_EQ(raw_count(db_path(), "files"), 1000);
  EXPECT_EQ(raw_count(db_path(), "chunks"), 5000);
}

TEST_P(StoreContractTest, PutsFromManyThreadsWhileOthersReadAllArrive) {
  auto store = make();
  constexpr std::uint32_t kThreads = 6;
  constexpr std::uint32_t kPerThread = 300;
  std::atomic<bool> writing{true};
  std::thread reader([&] {
    while (writing) {
      for (const StoredFile& f : store->files())
        EXPECT_TRUE(store->chunking(f.key)) << f.path;  // a file's content is always there
    }
  });
  std::vector<std::thread> writers;
  for (std::uint32_t t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (std::uint32_t i = 0; i < kPerThread; ++i) {
        const std::uint32_t content = i % 100;  // every thread writes the same 100 contents
        store->put(
            stored_file("/w/" + std::to_string(t) + "/" + std::to_string(i), key_of(content)),
            shared(sample_chunking(content)));
      }
    });
  }
  for (std::thread& w : writers)
    w.join();
  store->flush();
  writing = false;
  reader.join();
  const StoreInfo info = store->info();
  EXPECT_EQ(info.files, kThreads * kPerThread);
  EXPECT_EQ(info.contents, 100u);
  EXPECT_EQ(info.chunks, 500u);
  EXPECT_EQ(scan_all(*store, false).size(), kThreads * kPerThread);
}

TEST(MemoryStoreTest, WorksAndIsPrivateToItsStore) {
  auto one = open_memory_store();
  auto two = open_memory_store();
  one->put(stored_file("/w/a.py", key_of(1)), shared(sample_chunking(1)));
  one->put(stored_file("/w/empty.py", key_of(2)), nullptr);  // no chunks, no folds
  one->flush();
  EXPECT_EQ(one->file("/w/a.py"), stored_file("/w/a.py", key_of(1)));
  EXPECT_EQ(one->chunking(key_of(1)), sample_chunking(1));
  EXPECT_EQ(one->chunking(key_of(2)), StoredChunking{});
  EXPECT_EQ(scan_all(*one, true).at(0).summary.symbols, sample_chunking(1).symbols);
  EXPECT_EQ(scan_all(*one, false).at(0).summary.symbols, "");
  EXPECT_FALSE(two->file("/w/a.py"));
  const StoreInfo info = one->info();
  EXPECT_TRUE(info.in_memory);
  EXPECT_EQ(info.location, ":memory:");
  EXPECT_EQ(info.note, "");
  EXPECT_EQ(info.files, 2u);
  EXPECT_EQ(info.contents, 2u);
  EXPECT_EQ(info.chunks, 5u);
  EXPECT_EQ(info.bytes_on_disk, 0u);
  EXPECT_EQ(info.writes_queued, 0u);
  one->clear();
  EXPECT_TRUE(one->files().empty());
  EXPECT_FALSE(one->chunking(key_of(1)));
  EXPECT_EQ(one->info().chunks, 0u);
}

}  // namespace
}  // namespace chunkls
