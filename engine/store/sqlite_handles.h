// RAII for the SQLite C API as the index store uses it: a connection (sqlite3*), a
// prepared statement (sqlite3_stmt*), and a guard that resets a statement after one use.
// The guard matters in WAL mode: a statement left mid-step keeps its read transaction,
// so the connection goes on reading an old snapshot and checkpoints cannot finish.
//
// No state of their own beyond the handles: a connection and its statements are used by
// one thread at a time (SqliteIndexStore's mutexes see to it).
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string_view>

namespace chunkls::sqlite {

struct ConnectionCloser {
  // close_v2: a statement finalized late still closes the connection.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// sqlite3_open_v2 into `out`. SQLite makes a connection even when opening fails (it
// holds the error message), so `out` may be set whatever the result code.
inline int open(const char* filename, int flags, Connection& out) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(filename, &raw, flags, nullptr);
  out.reset(raw);
  return rc;
}

// A statement kept for the connection's lifetime (SQLITE_PREPARE_PERSISTENT).
inline int prepare(sqlite3* db, std::string_view sql, Statement& out) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  out.reset(raw);
  return rc;
}

// Resets the statement and clears its bindings when it goes out of scope, so it neither
// holds a read transaction nor points at bound text that is gone.
class ResetGuard {
 public:
  explicit ResetGuard(sqlite3_stmt* statement) : statement_(statement) {}
  ResetGuard(const ResetGuard&) = delete;
  ResetGuard& operator=(const ResetGuard&) = delete;
  ~ResetGuard() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

 private:
  sqlite3_stmt* statement_;
};

}  // namespace chunkls::sqlite
