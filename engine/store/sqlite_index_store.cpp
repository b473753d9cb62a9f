#include "engine/store/sqlite_index_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <fstream>
#include <mutex>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "engine/store/sqlite_handles.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// Kinds are stored as their numbers (a scan reads half a million of them): an added or
// moved enumerator changes what stored numbers mean. Bump kStoreSchemaVersion, then these.
static_assert(static_cast<int>(ChunkKind::kKey) == 21, "ChunkKind changed: bump the schema");
static_assert(static_cast<int>(FoldKind::kRegion) == 3, "FoldKind changed: bump the schema");

// A write transaction takes what is queued up to this many operations or this long, then
// commits: batching saves the per-commit WAL writes, the bounds keep a flush (or what a
// crash loses) small.
constexpr std::size_t kBatchOps = 500;
constexpr std::chrono::milliseconds kBatchTime{64};
// scan() reads this many files (or about this many bytes of symbols) under the read
// lock, then hands them to the visitor without it, so the visitor may use the store.
constexpr std::size_t kScanPageFiles = 1024;
constexpr std::size_t kScanPageBytes = std::size_t{1} << 20;
// A packed Fold: six little-endian uint32 and the kind's byte.
constexpr std::size_t kFoldBytes = 6 * 4 + 1;
constexpr std::size_t kKeyBytes = 3 * 8;

// A failed SQLite call; unwinds to the batch, read or open that decides what it means.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code & 0xff) {}
  int code() const { return code_; }  // the primary result code (SQLITE_BUSY, ...)

 private:
  int code_;
};

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view doing) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw SqliteError(rc, std::string(doing) + ": " + message);
}

[[noreturn]] void corrupt(std::string_view what) {
  throw SqliteError(SQLITE_CORRUPT, "stored data is malformed: " + std::string(what));
}

void exec(sqlite3* db, const std::string& sql) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, sql.substr(0, sql.find_first_of("(\n")));
}

// A prepared statement of one connection; every call fails with SqliteError.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql) : db_(db) {
    const int rc = sqlite::prepare(db, sql, handle_);
    if (rc != SQLITE_OK) fail(db, rc, "preparing " + sql.substr(0, 48));
  }

  // One use: bind, step, read; the guard resets the statement when the use ends.
  [[nodiscard]] sqlite::ResetGuard use() { return sqlite::ResetGuard(handle_.get()); }

  void bind(int index, std::int64_t value) { check(sqlite3_bind_int64(get(), index, value)); }
  // uint64 ids and hashes as the int64 of the same bits.
  void bind(int index, std::uint64_t value) { bind(index, std::bit_cast<std::int64_t>(value)); }
  void bind_text(int index, std::string_view text) {
    check(sqlite3_bind_text64(get(), index, text.empty() ? "" : text.data(), text.size(),
                              SQLITE_STATIC, SQLITE_UTF8));
  }
  void bind_blob(int index, std::string_view bytes) {
    check(sqlite3_bind_blob64(get(), index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                              SQLITE_STATIC));
  }

  // True with a row to read, false when done.
  bool step() {
    const int rc = sqlite3_step(get());
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) fail(db_, rc, "step");
    return false;
  }
  void finish() {
    while (step()) {
    }
  }
  // A statement without parameters, run to the end.
  void execute() {
    const auto reset = use();
    finish();
  }

  std::int64_t i64(int column) const { return sqlite3_column_int64(get(), column); }
  std::uint64_t u64(int column) const { return std::bit_cast<std::uint64_t>(i64(column)); }
  std::uint32_t u32(int column) const { return static_cast<std::uint32_t>(i64(column)); }
  std::string_view text(int column) const {
    const auto* bytes = sqlite3_column_text(get(), column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(get(), column));
    return bytes == nullptr ? std::string_view{}
                            : std::string_view(reinterpret_cast<const char*>(bytes), size);
  }
  std::string_view blob(int column) const {
    const void* bytes = sqlite3_column_blob(get(), column);
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(get(), column));
    return bytes == nullptr ? std::string_view{}
                            : std::string_view(static_cast<const char*>(bytes), size);
  }

 private:
  sqlite3_stmt* get() const { return handle_.get(); }
  void check(int rc) const {
    if (rc != SQLITE_OK) fail(db_, rc, "bind");
  }

  sqlite3* db_;
  sqlite::Statement handle_;
};

// ---- Encodings -------------------------------------------------------------------------

void append_le(std::string& out, std::uint64_t value, std::size_t bytes) {
  for (std::size_t i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

std::uint64_t read_le(std::string_view in, std::size_t at, std::size_t bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < bytes; ++i)
    value |= std::uint64_t{static_cast<unsigned char>(in[at + i])} << (8 * i);
  return value;
}

std::string encode_key(const ContentKey& key) {
  std::string out;
  out.reserve(kKeyBytes);
  for (const std::uint64_t part : {key.low, key.high, key.language})
    append_le(out, part, 8);
  return out;
}

ContentKey decode_key(std::string_view bytes) {
  if (bytes.size() != kKeyBytes) corrupt("a content hash is not 24 bytes");
  return ContentKey{
      .low = read_le(bytes, 0, 8), .high = read_le(bytes, 8, 8), .language = read_le(bytes, 16, 8)};
}

std::string encode_folds(const std::vector<Fold>& folds) {
  std::string out;
  out.reserve(folds.size() * kFoldBytes);
  for (const Fold& f : folds) {
    for (const std::uint32_t field :
         {f.start_row, f.end_row, f.start_byte, f.end_byte, f.start_column, f.end_column})
      append_le(out, field, 4);
    out.push_back(static_cast<char>(f.kind));
  }
  return out;
}

std::vector<Fold> decode_folds(std::string_view bytes) {
  if (bytes.size() % kFoldBytes != 0) corrupt("the folds blob has a partial fold");
  std::vector<Fold> out;
  out.reserve(bytes.size() / kFoldBytes);
  for (std::size_t at = 0; at < bytes.size(); at += kFoldBytes) {
    const auto field = [&](std::size_t i) {
      return static_cast<std::uint32_t>(read_le(bytes, at + 4 * i, 4));
    };
    const auto kind = static_cast<unsigned char>(bytes[at + 24]);
    if (kind > static_cast<unsigned char>(FoldKind::kRegion)) corrupt("a fold kind is unknown");
    out.push_back(Fold{.start_row = field(0),
                       .end_row = field(1),
                       .start_byte = field(2),
                       .end_byte = field(3),
                       .start_column = field(4),
                       .end_column = field(5),
                       .kind = static_cast<FoldKind>(kind)});
  }
  return out;
}

// ---- Schema ----------------------------------------------------------------------------

// The chunk columns after (content, ordinal), in the order the statements bind and read
// them. detail comes last: a scan without details never touches it (nor the overflow
// pages a long signature spills into).
constexpr int kChunkRangeColumn = 6;  // range, definition, selection: six columns each
constexpr int kChunkDetailColumn = 24;

std::vector<std::string> chunk_column_names(bool with_detail) {
  std::vector<std::string> out = {"id", "kind", "name", "parent", "depth", "content_hash"};
  for (const char* range : {"range", "definition", "selection"}) {
    for (const char* field :
         {"start_byte", "end_byte", "start_row", "start_column", "end_row", "end_column"})
      out.push_back(std::string(range) + "_" + field);
  }
  if (with_detail) out.emplace_back("detail");
  return out;
}

std::string chunk_columns(bool with_detail) {
  std::string out;
  for (const std::string& name : chunk_column_names(with_detail))
    out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::string schema_sql() {
  std::string chunk_table =
      "CREATE TABLE IF NOT EXISTS chunks(content INTEGER NOT NULL, ordinal INTEGER NOT NULL";
  for (const std::string& name : chunk_column_names(true)) {
    const bool text = name == "name" || name == "detail";
    chunk_table += ", " + name + (text ? " TEXT" : " INTEGER") + " NOT NULL";
  }
  chunk_table += ", PRIMARY KEY(content, ordinal)) WITHOUT ROWID;\n";
  return "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT "
         "ROWID;\n"
         "CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INTEGER NOT NULL, "
         "mtime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, content INTEGER NOT NULL, "
         "language TEXT NOT NULL) WITHOUT ROWID;\n"
         // Finds whether a content is still named (garbage collection).
         "CREATE INDEX IF NOT EXISTS files_by_content ON files(content);\n"
         "CREATE TABLE IF NOT EXISTS contents(id INTEGER PRIMARY KEY, hash BLOB NOT NULL "
         "UNIQUE, folds BLOB NOT NULL, omitted_deep INTEGER NOT NULL, omitted_count INTEGER "
         "NOT NULL, chunk_count INTEGER NOT NULL, symbols BLOB NOT NULL);\n" +
         chunk_table;
}

std::string parameters(int count) {
  std::string out;
  for (int i = 1; i <= count; ++i)
    out += (i > 1 ? ", ?" : "?") + std::to_string(i);
  return out;
}

// The file columns every file query selects, then contents.id and chunk_count; a scan
// with symbols adds contents.symbols (kSymbolsColumn).
constexpr const char* kFileColumns =
    "SELECT files.path, files.size, files.mtime_ns, files.inode, files.language, "
    "contents.hash, contents.id, contents.chunk_count";
constexpr const char* kFileJoin = " FROM files JOIN contents ON contents.id = files.content";
constexpr int kChunkCountColumn = 7;
constexpr int kSymbolsColumn = 8;

std::string file_select(bool with_symbols, const char* rest) {
  return std::string(kFileColumns) + (with_symbols ? ", contents.symbols" : "") + kFileJoin + rest;
}

// What the database holds before this store uses it.
struct Existing {
  bool empty = true;     // no tables at all: a new database
  std::string mismatch;  // why its tables are not this store's; empty when they are
};

std::vector<std::pair<std::string, std::string>> schema_objects(sqlite3* db) {
  Statement list(db,
                 "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name "
                 "NOT LIKE 'sqlite\\_%' ESCAPE '\\'");
  const auto reset = list.use();
  std::vector<std::pair<std::string, std::string>> out;
  while (list.step())
    out.emplace_back(list.text(0), list.text(1));
  return out;
}

std::optional<std::string> meta_value(sqlite3* db, const char* key) {
  Statement read(db, "SELECT value FROM meta WHERE key = ?1");
  const auto reset = read.use();
  read.bind_text(1, key);
  if (!read.step()) return std::nullopt;
  return std::string(read.text(0));
}

Existing inspect(sqlite3* db, const std::string& versions) {
  Existing out;
  const auto objects = schema_objects(db);
  out.empty = objects.empty();
  if (out.empty) return out;
  const bool has_meta = std::ranges::any_of(
      objects, [](const auto& o) { return o.first == "table" && o.second == "meta"; });
  if (!has_meta) {
    out.mismatch = "the database held tables that are not a chunkls index store";
    return out;
  }
  try {
    const std::string ours = std::to_string(kStoreSchemaVersion);
    const std::optional<std::string> schema = meta_value(db, "schema");
    if (schema != ours) {
      out.mismatch = "the store had schema version " + schema.value_or("(none)") +
                     ", this chunkls uses " + ours;
    } else if (meta_value(db, "versions") != versions) {
      out.mismatch = "the store was made with other grammars or queries (versions differ)";
    }
  } catch (const SqliteError& e) {
    if (e.code() != SQLITE_ERROR) throw;  // a meta table of another layout: not ours
    out.mismatch =
        "the database's meta table is not a chunkls index store's (" + std::string(e.what()) + ")";
  }
  return out;
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (const char c : name)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_meta(sqlite3* db, const std::string& versions) {
  Statement put(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>{"schema", std::to_string(kStoreSchemaVersion)},
        std::pair<std::string, std::string>{"versions", versions}}) {
    const auto reset = put.use();
    put.bind_text(1, key);
    put.bind_text(2, value);
    put.finish();
  }
}

void roll_back(sqlite3* db) {
  // SQLite rolls some failures back itself (a full disk, an I/O error): only roll back what
  // is still open.
  if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

// Makes `db` this store's: creates the tables, or drops another store's and recreates
// them. Returns why it dropped them; empty when it did not. Its BEGIN IMMEDIATE doubles as
// the check that the database can be written (a lock another process keeps fails here).
std::string prepare_schema(sqlite3* db, const std::string& versions) {
  exec(db, "BEGIN IMMEDIATE");
  std::string mismatch;
  try {
    const Existing existing = inspect(db, versions);
    mismatch = existing.mismatch;
    if (!mismatch.empty()) {
      for (const auto& [type, name] : schema_objects(db))
        exec(db, "DROP " + type + " IF EXISTS " + quoted(name));
    }
    exec(db, schema_sql());
    if (existing.empty || !mismatch.empty()) write_meta(db, versions);
    exec(db, "COMMIT");
  } catch (...) {
    roll_back(db);
    throw;
  }
  // Gives the dropped store's pages back to the file system; failing costs only space.
  if (!mismatch.empty()) sqlite3_exec(db, "VACUUM", nullptr, nullptr, nullptr);
  return mismatch;
}

// ---- Opening ---------------------------------------------------------------------------

struct Opened {
  sqlite::Connection writer;
  sqlite::Connection reader;  // null: reads share the writer's connection (in memory)
  std::string rebuilt;        // why the tables found were discarded; empty when not
};

enum class Trouble : std::uint8_t { kCorrupt, kLocked, kUnavailable };

struct OpenFailure {
  Trouble trouble;
  std::string what;
};

Trouble trouble_of(int code) {
  switch (code) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Trouble::kCorrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Trouble::kLocked;
    default:  // cannot open, read-only, permission, I/O, full: not the file's fault
      return Trouble::kUnavailable;
  }
}

// A connection used by one thread at a time (the store's mutexes): SQLite's own mutexes
// are not needed.
sqlite::Connection connect(const std::string& name, int flags,
                           std::chrono::milliseconds busy_timeout) {
  sqlite::Connection db;
  const int rc = sqlite::open(name.c_str(), flags | SQLITE_OPEN_NOMUTEX, db);
  if (rc != SQLITE_OK) fail(db.get(), rc, "opening " + name);
  sqlite3_busy_timeout(db.get(), static_cast<int>(busy_timeout.count()));
  return db;
}

std::string first_value(sqlite3* db, const char* sql) {
  Statement query(db, sql);
  const auto reset = query.use();
  return query.step() ? std::string(query.text(0)) : std::string();
}

// What PRAGMA quick_check finds (its first findings, on one line); empty when sound.
std::optional<std::string> quick_check_problem(sqlite3* db) {
  Statement check(db, "PRAGMA quick_check(3)");
  const auto reset = check.use();
  std::string found;
  while (check.step()) {
    const std::string_view row = check.text(0);
    if (row == "ok") return std::nullopt;
    found += (found.empty() ? "" : "; ") + std::string(row);
  }
  std::ranges::replace(found, '\n', ' ');
  return "quick_check: " + found;
}

// Beside the database: a store that met damage while in use leaves this, and the next
// open rebuilds it.
fs::path damage_marker(const fs::path& database) {
  fs::path out = database;
  out += ".damaged";
  return out;
}

bool file_exists(const fs::path& file) {
  std::error_code ec;
  return fs::exists(file, ec);
}

// `check`: run PRAGMA quick_check, which reads the whole database (0.4 s a million
// chunks). Only after an unclean close: a WAL left behind (a killed process, a crash, or
// another process using the store) or a machine that went down mid-write. A store closed
// cleanly is trusted, and damage found later marks it (damage_marker).
std::variant<Opened, OpenFailure> open_on_disk(const fs::path& database,
                                               const std::string& versions,
                                               std::chrono::milliseconds busy_timeout, bool check) {
  try {
    const std::string name = database.string();
    Opened out;
    out.writer = connect(name, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busy_timeout);
    sqlite3* db = out.writer.get();
    // For a new database: 16 KiB pages make a scan read a quarter as many pages (each a
    // system call), and a store is written in batches anyway.
    exec(db, "PRAGMA page_size=16384");
    // The first statement to read the header: a file that is not a database fails here.
    if (first_value(db, "PRAGMA journal_mode=WAL") != "wal")
      return OpenFailure{Trouble::kUnavailable, "cannot use a write-ahead log"};
    exec(db, "PRAGMA synchronous=NORMAL");
    if (auto problem = check ? quick_check_problem(db) : std::nullopt) {
      return OpenFailure{Trouble::kCorrupt, *problem};
    }
    out.rebuilt = prepare_schema(db, versions);
    // A big batch spills less (the pages are given back once the queue drains); a
    // checkpointed WAL shrinks back to this size.
    exec(db, "PRAGMA cache_size=-8192");
    exec(db, "PRAGMA journal_size_limit=67108864");
    out.reader = connect(name, SQLITE_OPEN_READWRITE, busy_timeout);
    exec(out.reader.get(), "PRAGMA query_only=1");
    // Reads are lookups and one scan at a warm start: the OS's page cache does the rest.
    exec(out.reader.get(), "PRAGMA cache_size=-2048");
    return out;
  } catch (const SqliteError& e) {
    return OpenFailure{trouble_of(e.code()), e.what()};
  }
}

// Deletes a corrupt database and its journals; the error when one stays.
std::optional<std::string> remove_database(const fs::path& database) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".damaged"}) {
    fs::path file = database;
    file += suffix;
    std::error_code ec;
    fs::remove(file, ec);
    if (ec) return "cannot delete " + file.string() + ": " + ec.message();
  }
  return std::nullopt;
}

std::uint64_t file_size_or_zero(const fs::path& file) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

// ---- The store -------------------------------------------------------------------------

struct PutOp {
  StoredFile file;
  std::shared_ptr<const StoredChunking> chunking;
};
struct RemoveOp {
  std::string path;
};
struct ClearOp {};
using WriteOp = std::variant<PutOp, RemoveOp, ClearOp>;

const StoredChunking& no_chunking() {
  static const StoredChunking empty;
  return empty;
}

// A connection and the mutex its users take.
struct Database {
  explicit Database(sqlite::Connection connection) : db(std::move(connection)) {}
  sqlite::Connection db;
  std::mutex mutex;
};

// The writer thread's statements.
struct Writes {
  explicit Writes(sqlite3* db)
      : begin(db, "BEGIN IMMEDIATE"),
        commit(db, "COMMIT"),
        find_content(db, "SELECT id FROM contents WHERE hash = ?1"),
        insert_content(db,
                       "INSERT INTO contents(hash, folds, omitted_deep, omitted_count, "
                       "chunk_count, symbols) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"),
        insert_chunk(db, "INSERT INTO chunks(content, ordinal, " + chunk_columns(true) +
                             ") VALUES(" + parameters(2 + kChunkDetailColumn + 1) + ")"),
        file_content(db, "SELECT content FROM files WHERE path = ?1"),
        upsert_file(db,
                    "INSERT INTO files(path, size, mtime_ns, inode, content, language) "
                    "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(path) DO UPDATE SET "
                    "size = excluded.size, mtime_ns = excluded.mtime_ns, inode = "
                    "excluded.inode, content = excluded.content, language = excluded.language"),
        delete_file(db, "DELETE FROM files WHERE path = ?1"),
        content_named(db, "SELECT 1 FROM files WHERE content = ?1 LIMIT 1"),
        delete_chunks(db, "DELETE FROM chunks WHERE content = ?1"),
        delete_content(db, "DELETE FROM contents WHERE id = ?1"),
        clear_files(db, "DELETE FROM files"),
        clear_contents(db, "DELETE FROM contents"),
        clear_chunks(db, "DELETE FROM chunks") {}
  Statement begin, commit, find_content, insert_content, insert_chunk, file_content, upsert_file,
      delete_file, content_named, delete_chunks, delete_content, clear_files, clear_contents,
      clear_chunks;
};

// The readers' statements.
struct Reads {
  explicit Reads(sqlite3* db)
      : files(db, file_select(false, " ORDER BY files.path")),
        file(db, file_select(false, " WHERE files.path = ?1")),
        scan_after(db, file_select(false, " WHERE files.path > ?1 ORDER BY files.path")),
        symbols(db, file_select(true, " ORDER BY files.path")),
        symbols_after(db, file_select(true, " WHERE files.path > ?1 ORDER BY files.path")),
        content(db,
                "SELECT id, folds, omitted_deep, omitted_count, symbols FROM contents WHERE "
                "hash = ?1"),
        chunks(db, "SELECT " + chunk_columns(false) +
                       " FROM chunks WHERE content = ?1 ORDER BY ordinal"),
        chunks_with_details(db, "SELECT " + chunk_columns(true) +
                                    " FROM chunks WHERE content = ?1 ORDER BY ordinal"),
        counts(db,
               "SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM contents), "
               "(SELECT coalesce(sum(chunk_count), 0) FROM contents)") {}
  Statement files, file, scan_after, symbols, symbols_after, content, chunks, chunks_with_details,
      counts;
};

StoredFile file_row(const Statement& s) {
  return StoredFile{.path = std::string(s.text(0)),
                    .stamp = FileStamp{.size = s.u64(1), .mtime_ns = s.i64(2), .inode = s.u64(3)},
                    .key = decode_key(s.blob(5)),
                    .language = std::string(s.text(4))};
}

TextRange range_row(const Statement& s, int first) {
  return TextRange{.start_byte = s.u32(first),
                   .end_byte = s.u32(first + 1),
                   .start = Point{.row = s.u32(first + 2), .column = s.u32(first + 3)},
                   .end = Point{.row = s.u32(first + 4), .column = s.u32(first + 5)}};
}

// The chunk at `index` of its list; its parent must come before it (pre-order), so a
// damaged row never makes callers index out of range.
Chunk chunk_row(const Statement& s, std::size_t index, bool with_detail) {
  Chunk chunk;
  chunk.id = s.u64(0);
  const std::int64_t kind = s.i64(1);
  if (kind < 0 || kind > static_cast<std::int64_t>(ChunkKind::kKey)) corrupt("unknown chunk kind");
  chunk.kind = static_cast<ChunkKind>(kind);
  chunk.name = s.text(2);
  const std::int64_t parent = s.i64(3);
  if (parent < -1 || parent >= static_cast<std::int64_t>(index)) corrupt("a chunk's parent");
  chunk.parent = static_cast<std::int32_t>(parent);
  chunk.depth = s.u32(4);
  chunk.content_hash = s.u64(5);
  chunk.range = range_row(s, kChunkRangeColumn);
  chunk.definition = range_row(s, kChunkRangeColumn + 6);
  chunk.selection = range_row(s, kChunkRangeColumn + 12);
  if (with_detail) chunk.detail = s.text(kChunkDetailColumn);
  return chunk;
}

void bind_range(Statement& s, int first, const TextRange& range) {
  s.bind(first, std::int64_t{range.start_byte});
  s.bind(first + 1, std::int64_t{range.end_byte});
  s.bind(first + 2, std::int64_t{range.start.row});
  s.bind(first + 3, std::int64_t{range.start.column});
  s.bind(first + 4, std::int64_t{range.end.row});
  s.bind(first + 5, std::int64_t{range.end.column});
}

class SqliteIndexStore final : public IndexStore {
 public:
  SqliteIndexStore(Opened opened, std::string location, bool in_memory, std::string note,
                   StoreLog log)
      : location_(std::move(location)),
        in_memory_(in_memory),
        note_(std::move(note)),
        log_(std::move(log)),
        batch_time_(in_memory ? std::chrono::milliseconds{0} : kBatchTime),
        writer_db_(std::move(opened.writer)),
        reader_db_(opened.reader ? std::make_unique<Database>(std::move(opened.reader)) : nullptr),
        writes_(writer_db_.db.get()),
        reads_(read_db().db.get()) {
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
    StoreInfo out{.location = location_, .in_memory = in_memory_, .note = note_};
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
    if (!in_memory_)
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
    StoredFile file;
    StoredSummary summary;
  };

  Database& read_db() { return reader_db_ ? *reader_db_ : writer_db_; }

  // Gives the pages a scan cached back (an indexed server keeps no more than it needs).
  void release_read_memory() {
    if (in_memory_) return;  // there the cache is the database
    Database& db = read_db();
    const std::lock_guard lock(db.mutex);
    sqlite3_db_release_memory(db.db.get());
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
      Database& db = read_db();
      const std::lock_guard lock(db.mutex);
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
    if (in_memory_ || error == nullptr ||
        (error->code() != SQLITE_CORRUPT && error->code() != SQLITE_NOTADB) ||
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
    std::unique_lock lock(queue_mutex_);
    for (;;) {
      work_.wait(lock, [&] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;  // stopping, and everything is committed
      lock.unlock();
      std::vector<ContentKey> written;
      const std::uint64_t handled = write_batch(written);
      if (!in_memory_ && queue_empty()) {
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
    const std::lock_guard lock(db.mutex);  // in memory, readers share the connection
    const SteadyClock::time_point deadline = SteadyClock::now() + batch_time_;
    std::uint64_t taken = 0;
    try {
      writes_.begin.execute();
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
          std::visit([&](const auto& o) { apply(o); }, op);
      } while (taken < kBatchOps && SteadyClock::now() < deadline);
      writes_.commit.execute();
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

  void apply(const PutOp& op) {
    const std::int64_t content =
        store_content(op.file.key, op.chunking ? *op.chunking : no_chunking());
    const std::optional<std::int64_t> previous = content_of(op.file.path);
    Statement& s = writes_.upsert_file;
    {
      const auto reset = s.use();
      s.bind_text(1, op.file.path);
      s.bind(2, op.file.stamp.size);
      s.bind(3, op.file.stamp.mtime_ns);
      s.bind(4, op.file.stamp.inode);
      s.bind(5, content);
      s.bind_text(6, op.file.language);
      s.finish();
    }
    if (previous && *previous != content) collect(*previous);
  }

  void apply(const RemoveOp& op) {
    const std::optional<std::int64_t> previous = content_of(op.path);
    if (!previous) return;
    {
      const auto reset = writes_.delete_file.use();
      writes_.delete_file.bind_text(1, op.path);
      writes_.delete_file.finish();
    }
    collect(*previous);
  }

  void apply(const ClearOp&) {
    writes_.clear_chunks.execute();
    writes_.clear_contents.execute();
    writes_.clear_files.execute();
  }

  // The id of the content under `key`, inserted with its chunks when new.
  std::int64_t store_content(const ContentKey& key, const StoredChunking& chunking) {
    const std::string hash = encode_key(key);
    {
      Statement& find = writes_.find_content;
      const auto reset = find.use();
      find.bind_blob(1, hash);
      if (find.step()) return find.i64(0);
    }
    const std::string folds = encode_folds(chunking.folds);
    {
      Statement& insert = writes_.insert_content;
      const auto reset = insert.use();
      insert.bind_blob(1, hash);
      insert.bind_blob(2, folds);
      insert.bind(3, chunking.omitted_too_deep);
      insert.bind(4, chunking.omitted_over_the_count);
      insert.bind(5, static_cast<std::uint64_t>(chunking.chunks.size()));
      insert.bind_blob(6, chunking.symbols);
      insert.finish();
    }
    const std::int64_t content = sqlite3_last_insert_rowid(writer_db_.db.get());
    for (std::size_t i = 0; i < chunking.chunks.size(); ++i)
      insert_chunk(content, i, chunking.chunks[i]);
    return content;
  }

  void insert_chunk(std::int64_t content, std::size_t ordinal, const Chunk& chunk) {
    Statement& s = writes_.insert_chunk;
    const auto reset = s.use();
    s.bind(1, content);
    s.bind(2, static_cast<std::int64_t>(ordinal));
    s.bind(3, chunk.id);
    s.bind(4, static_cast<std::int64_t>(chunk.kind));
    s.bind_text(5, chunk.name);
    s.bind(6, std::int64_t{chunk.parent});
    s.bind(7, std::int64_t{chunk.depth});
    s.bind(8, chunk.content_hash);
    bind_range(s, 9, chunk.range);
    bind_range(s, 15, chunk.definition);
    bind_range(s, 21, chunk.selection);
    s.bind_text(27, chunk.detail);
    s.finish();
  }

  std::optional<std::int64_t> content_of(const std::string& path) {
    Statement& s = writes_.file_content;
    const auto reset = s.use();
    s.bind_text(1, path);
    if (!s.step()) return std::nullopt;
    return s.i64(0);
  }

  // Deletes a content, and its chunks, that no file names any more.
  void collect(std::int64_t content) {
    {
      Statement& named = writes_.content_named;
      const auto reset = named.use();
      named.bind(1, content);
      if (named.step()) return;
    }
    for (Statement* s : {&writes_.delete_chunks, &writes_.delete_content}) {
      const auto reset = s->use();
      s->bind(1, content);
      s->finish();
    }
  }

  const std::string location_;
  const bool in_memory_;
  const std::string note_;
  const StoreLog log_;
  // How long a batch waits for more operations; 0 in memory, where a waiting batch would
  // hold the connection the readers share.
  const std::chrono::milliseconds batch_time_;

  // Declared before the statements, so the statements are finalized first.
  Database writer_db_;
  std::unique_ptr<Database> reader_db_;  // null in memory: reads use writer_db_
  Writes writes_;                        // the writer thread's, under writer_db_.mutex
  Reads reads_;                          // under read_db().mutex

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

// One connection for reads and writes (see open_memory_store). Only running out of
// memory makes it fail.
std::unique_ptr<IndexStore> open_memory(const std::string& versions, StoreLog log,
                                        std::string note) {
  try {
    Opened opened;
    opened.writer = connect(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            std::chrono::milliseconds{0});
    prepare_schema(opened.writer.get(), versions);
    return std::make_unique<SqliteIndexStore>(std::move(opened), ":memory:", true, std::move(note),
                                              std::move(log));
  } catch (const SqliteError&) {
    throw std::bad_alloc();
  }
}

}  // namespace

std::unique_ptr<IndexStore> open_sqlite_store(const std::filesystem::path& database,
                                              std::string versions, StoreLog log,
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
      auto store =
          std::make_unique<SqliteIndexStore>(std::move(*ok), database.string(), false, note, log);
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
  return open_memory(versions, std::move(log), std::move(note));
}

std::unique_ptr<IndexStore> open_memory_store(std::string versions, StoreLog log) {
  return open_memory(versions, std::move(log), {});
}

}  // namespace chunkls
