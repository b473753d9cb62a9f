// Opening the index store's database: connecting, checking it (quick_check after an
// unclean close, the damage marker a store in use leaves), making its tables this store's
// (or discarding another version's), and deleting a corrupt one. What goes wrong comes
// back as an OpenFailure with the Trouble it is; open_sqlite_store decides what to do.
//
// Stateless functions; the connections they make are the caller's (Opened), used by one
// thread at a time.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <variant>

#include "engine/store/sqlite_handles.h"

namespace chunkls::sqlite_store {

struct Opened {
  sqlite::Connection writer;
  sqlite::Connection reader;  // query_only: reads run while the writer commits
  std::string rebuilt;        // why the tables found were discarded; empty when not
};

enum class Trouble : std::uint8_t { kCorrupt, kLocked, kUnavailable };

struct OpenFailure {
  Trouble trouble;
  std::string what;
};

// A connection used by one thread at a time (the store's mutexes): SQLite's own mutexes
// are not needed.
sqlite::Connection connect(const std::string& name, int flags,
                           std::chrono::milliseconds busy_timeout);

void roll_back(sqlite3* db);

// Makes `db` this store's: creates the tables, or drops another store's and recreates
// them. Returns why it dropped them; empty when it did not. Its BEGIN IMMEDIATE doubles as
// the check that the database can be written (a lock another process keeps fails here).
std::string prepare_schema(sqlite3* db, const std::string& versions);

// Beside the database: a store that met damage while in use leaves this, and the next
// open rebuilds it.
std::filesystem::path damage_marker(const std::filesystem::path& database);

bool file_exists(const std::filesystem::path& file);

// `check`: run PRAGMA quick_check, which reads the whole database (0.4 s a million
// chunks). Only after an unclean close: a WAL left behind (a killed process, a crash, or
// another process using the store) or a machine that went down mid-write. A store closed
// cleanly is trusted, and damage found later marks it (damage_marker).
std::variant<Opened, OpenFailure> open_on_disk(const std::filesystem::path& database,
                                               const std::string& versions,
                                               std::chrono::milliseconds busy_timeout, bool check);

// Deletes a corrupt database and its journals; the error when one stays.
std::optional<std::string> remove_database(const std::filesystem::path& database);

}  // namespace chunkls::sqlite_store
