#include "engine/store/sqlite_statement.h"

namespace chunkls::sqlite_store {

void fail(sqlite3* db, int rc, std::string_view doing) {
  const char* message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw SqliteError(rc, std::string(doing) + ": " + message);
}

void corrupt(std::string_view what) {
  throw SqliteError(SQLITE_CORRUPT, "stored data is malformed: " + std::string(what));
}

void exec(sqlite3* db, const std::string& sql) {
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) fail(db, rc, sql.substr(0, sql.find_first_of("(\n")));
}

Statement::Statement(sqlite3* db, const std::string& sql) : db_(db) {
  const int rc = sqlite::prepare(db, sql, handle_);
  if (rc != SQLITE_OK) fail(db, rc, "preparing " + sql.substr(0, 48));
}

std::string first_value(sqlite3* db, const char* sql) {
  Statement query(db, sql);
  const auto reset = query.use();
  return query.step() ? std::string(query.text(0)) : std::string();
}

}  // namespace chunkls::sqlite_store
