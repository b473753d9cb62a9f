#include "engine/store/store_sealing.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <charconv>
#include <map>

#include "engine/store/sqlite_handles.h"
#include "engine/store/sqlite_statement.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using sqlite_store::exec;
using sqlite_store::first_value;
using sqlite_store::SqliteError;
using sqlite_store::Statement;

sqlite::Connection open_database(const fs::path& path, int flags) {
  sqlite::Connection db;
  if (!fs::exists(path)) throw StoreFileError(fmt::format("{}: no such file", path.string()));
  if (sqlite::open(path.c_str(), flags, db) != SQLITE_OK) {
    throw StoreFileError(fmt::format("{}: cannot open: {}", path.string(),
                                     db ? sqlite3_errmsg(db.get()) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), 5000);
  return db;
}

void sync_path(const fs::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) throw StoreFileError(fmt::format("{}: cannot open to sync", path.string()));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw StoreFileError(fmt::format("{}: fsync failed", path.string()));
}

std::optional<Shard> parse_record_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  Shard out;
  const auto parse = [](std::string_view part, std::uint32_t& value) {
    const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
    return error == std::errc() && end == part.data() + part.size() && !part.empty();
  };
  const std::string_view view(text);
  if (!parse(view.substr(0, slash), out.index) || !parse(view.substr(slash + 1), out.count) ||
      out.count == 0 || out.index >= out.count) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

fs::path partial_path(const fs::path& destination) {
  fs::path out = destination;
  out += fmt::format(".partial-{}", ::getpid());
  return out;
}

void install_file(const fs::path& file, const fs::path& destination) {
  sync_path(file, O_RDONLY);
  // An old store's log beside the destination would be read into the new file.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    fs::path stale = destination;
    stale += suffix;
    std::error_code ignored;
    fs::remove(stale, ignored);
  }
  std::error_code error;
  fs::rename(file, destination, error);
  if (error) {
    throw StoreFileError(fmt::format("cannot rename {} to {}: {}", file.string(),
                                     destination.string(), error.message()));
  }
  const fs::path directory =
      destination.has_parent_path() ? destination.parent_path() : fs::path(".");
  sync_path(directory, O_RDONLY | O_DIRECTORY);
}

void seal_store(const fs::path& partial, const fs::path& destination, const ShardRecord& record) {
  try {
    sqlite::Connection db = open_database(partial, SQLITE_OPEN_READWRITE);
    // Fold a write-ahead log the indexer left (it checkpoints when it closes cleanly) and
    // leave the file in rollback mode: one file to copy, nothing beside it.
    exec(db.get(), "PRAGMA wal_checkpoint(TRUNCATE)");
    if (first_value(db.get(), "PRAGMA journal_mode=DELETE") != "delete") {
      throw StoreFileError(fmt::format("{}: cannot leave write-ahead mode", partial.string()));
    }
    exec(db.get(), "PRAGMA synchronous=FULL");
    exec(db.get(), "BEGIN IMMEDIATE");
    Statement put(db.get(), "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
    for (const auto& [key, value] : {std::pair<std::string, std::string>{"root", record.root},
                                     {"shard", to_string(record.shard)},
                                     {"partition", record.partition},
                                     {"walk", record.walk}}) {
      const auto reset = put.use();
      put.bind_text(1, key);
      put.bind_text(2, value);
      put.finish();
    }
    exec(db.get(), "COMMIT");
  } catch (const SqliteError& e) {
    throw StoreFileError(fmt::format("{}: {}", partial.string(), e.what()));
  }
  install_file(partial, destination);
}

std::optional<ShardRecord> read_shard_record(const fs::path& store, std::string* versions) {
  try {
    sqlite::Connection db = open_database(store, SQLITE_OPEN_READONLY);
    std::map<std::string, std::string> meta;
    {
      Statement rows(db.get(), "SELECT key, value FROM meta");
      const auto reset = rows.use();
      while (rows.step())
        meta.emplace(rows.text(0), rows.text(1));
    }
    if (versions != nullptr) *versions = meta["versions"];
    if (!meta.contains("shard")) return std::nullopt;
    const std::optional<Shard> shard = parse_record_shard(meta["shard"]);
    if (!shard) {
      throw StoreFileError(
          fmt::format("{}: its shard record \"{}\" is not K/N", store.string(), meta["shard"]));
    }
    return ShardRecord{.root = meta["root"],
                       .shard = *shard,
                       .partition = meta["partition"],
                       .walk = meta["walk"]};
  } catch (const SqliteError& e) {
    throw StoreFileError(
        fmt::format("{} is not a chunkls index store ({})", store.string(), e.what()));
  }
}

}  // namespace chunkls
