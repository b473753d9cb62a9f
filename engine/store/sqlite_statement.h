// The SQLite calls the index store makes, each failing with SqliteError: a prepared
// Statement of one connection (bind, step, read columns; use() resets it after each use),
// exec() for a statement run once, first_value() for a one-value query. Built on the RAII
// handles of sqlite_handles.h.
//
// Owned by whoever made it (the store's statement sets, an opening in progress). No state
// beyond the handles: a Statement is used by one thread at a time, as its connection is
// (SqliteIndexStore's mutexes see to it).
#pragma once

#include <sqlite3.h>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "engine/store/sqlite_handles.h"

namespace chunkls::sqlite_store {

// A failed SQLite call; unwinds to the batch, read or open that decides what it means.
class SqliteError : public std::runtime_error {
 public:
  SqliteError(int code, const std::string& what) : std::runtime_error(what), code_(code & 0xff) {}
  int code() const { return code_; }  // the primary result code (SQLITE_BUSY, ...)

 private:
  int code_;
};

[[noreturn]] void fail(sqlite3* db, int rc, std::string_view doing);

[[noreturn]] void corrupt(std::string_view what);

void exec(sqlite3* db, const std::string& sql);

// A prepared statement of one connection; every call fails with SqliteError.
class Statement {
 public:
  Statement(sqlite3* db, const std::string& sql);

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

// The first column of the first row of `sql`, as text; empty when there is no row.
std::string first_value(sqlite3* db, const char* sql);

}  // namespace chunkls::sqlite_store
