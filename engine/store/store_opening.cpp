#include "engine/store/store_opening.h"

#include <algorithm>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "engine/store/sqlite_index_store.h"
#include "engine/store/sqlite_statement.h"
#include "engine/store/store_schema.h"

namespace chunkls::sqlite_store {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

void roll_back(sqlite3* db) {
  // SQLite rolls some failures back itself (a full disk, an I/O error): only roll back what
  // is still open.
  if (sqlite3_get_autocommit(db) == 0) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
}

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

sqlite::Connection connect(const std::string& name, int flags,
                           std::chrono::milliseconds busy_timeout) {
  sqlite::Connection db;
  const int rc = sqlite::open(name.c_str(), flags | SQLITE_OPEN_NOMUTEX, db);
  if (rc != SQLITE_OK) fail(db.get(), rc, "opening " + name);
  sqlite3_busy_timeout(db.get(), static_cast<int>(busy_timeout.count()));
  return db;
}

fs::path damage_marker(const fs::path& database) {
  fs::path out = database;
  out += ".damaged";
  return out;
}

bool file_exists(const fs::path& file) {
  std::error_code ec;
  return fs::exists(file, ec);
}

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

}  // namespace chunkls::sqlite_store
