#include "engine/store/store_inspection.h"

#include <fstream>

#include "engine/store/sqlite_handles.h"

namespace chunkls {
namespace {

std::uint64_t size_or_zero(const std::filesystem::path& file) {
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(file, error);
  return error ? 0 : static_cast<std::uint64_t>(size);
}

// The first column of the first row of `sql`, as text; nullopt on any failure.
std::optional<std::string> single(sqlite3* db, const char* sql) {
  sqlite::Statement statement;
  if (sqlite::prepare(db, sql, statement) != SQLITE_OK) return std::nullopt;
  if (sqlite3_step(statement.get()) != SQLITE_ROW) return std::nullopt;
  const unsigned char* text = sqlite3_column_text(statement.get(), 0);
  return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

}  // namespace

std::optional<StoreSummary> inspect_store(const std::filesystem::path& database) {
  std::error_code error;
  if (!std::filesystem::exists(database, error)) return std::nullopt;
  StoreSummary out;
  out.database = database;
  out.bytes_on_disk = size_or_zero(database) + size_or_zero(database.string() + "-wal");
  sqlite::Connection db;
  if (sqlite::open(database.c_str(), SQLITE_OPEN_READONLY, db) != SQLITE_OK) {
    out.problem = db ? sqlite3_errmsg(db.get()) : "cannot be opened";
    return out;
  }
  sqlite3_busy_timeout(db.get(), 2000);
  const auto meta = [&](const char* key) -> std::string {
    sqlite::Statement statement;
    if (sqlite::prepare(db.get(), "SELECT value FROM meta WHERE key = ?1", statement) !=
        SQLITE_OK) {
      return {};
    }
    sqlite3_bind_text(statement.get(), 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(statement.get()) != SQLITE_ROW) return {};
    const unsigned char* text = sqlite3_column_text(statement.get(), 0);
    return text ? reinterpret_cast<const char*>(text) : "";
  };
  out.schema = meta("schema");
  out.versions = meta("versions");
  if (std::ifstream root(database.parent_path() / "root"); root) std::getline(root, out.root);
  const std::optional<std::string> files = single(db.get(), "SELECT count(*) FROM files");
  const std::optional<std::string> contents = single(db.get(), "SELECT count(*) FROM contents");
  const std::optional<std::string> chunks = single(db.get(), "SELECT count(*) FROM chunks");
  if (!files || !contents || !chunks) {
    out.problem = std::string("not a chunkls store: ") + sqlite3_errmsg(db.get());
    return out;
  }
  out.files = std::stoull(*files);
  out.contents = std::stoull(*contents);
  out.chunks = std::stoull(*chunks);
  return out;
}

}  // namespace chunkls
