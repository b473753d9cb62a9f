// SqliteIndexStore: the IndexStore in one SQLite database (WAL mode) per workspace root.
//
// Schema (documented in ARCHITECTURE.md; queryable with the sqlite3 shell):
//   meta(key TEXT PRIMARY KEY, value TEXT)        schema version, the identity of every
//                                                 grammar and query set ("versions")
//   files(path TEXT PRIMARY KEY, size, mtime_ns, inode, content INTEGER, language)
//   contents(id INTEGER PRIMARY KEY, hash BLOB UNIQUE, folds BLOB, omitted_deep,
//            omitted_count, chunk_count, symbols BLOB)
//                                                 hash = the 24 bytes of a ContentKey;
//                                                 symbols = SymbolIndex::encode's bytes
//   chunks(content, ordinal, id, kind, name, parent, depth, content_hash,
//          range/definition/selection bytes and points, detail,
//          PRIMARY KEY(content, ordinal)) WITHOUT ROWID
//                                                 detail last: a read without details
//                                                 never touches it
// uint64 ids and hashes are stored as the int64 of the same bits, kinds as their
// numbers, a ContentKey as 24 bytes (low, high, language; little-endian), folds packed
// in one blob per content (25 bytes each).
//
// Opening never throws (short of memory) and never crashes: a database whose meta rows
// do not match `versions` (another schema, grammar or query) is discarded and rebuilt; a
// corrupt one (not a database; PRAGMA quick_check fails, which runs only after an unclean
// close; damage met while in use, which leaves a marker file) is deleted and rebuilt; a
// directory that cannot be written, or a database that stays locked past `busy_timeout`
// (its writer lock included: opening takes it once to know it can write), makes the store
// run in memory (a MemoryIndexStore). Each of these is said once through `log` and in
// StoreInfo::note.
//
// Threads: one writer thread owned by the store commits queued puts and removes in
// batched transactions (what is queued, up to 500 operations or 64 ms; prepared
// statements); reads use their own connection under a mutex, so they run while the
// writer commits. The destructor commits what is queued, then stops the writer. A failed batch is
// rolled back and logged. A process killed at any point leaves a consistent database (SQLite's WAL
// journaling): at worst the last batch is missing and is indexed again. A warm start reads the
// files and contents tables only (scan), never the chunk rows. `log` is called from the writer
// thread and from any thread whose read fails.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "engine/store/index_store.h"

namespace chunkls {

// Bumped whenever the tables or their meaning change (the numbering of ChunkKind and
// FoldKind included): an older store is discarded.
inline constexpr int kStoreSchemaVersion = 2;

// How long opening and each write batch wait for a lock another process holds.
inline constexpr std::chrono::milliseconds kStoreBusyTimeout{2000};

using StoreLog = std::function<void(std::string_view message)>;

// Opens (or creates) `database` (its directory is created when missing). `versions`
// names the grammars and queries the stored chunks were made with (see
// store_versions() in engine/index/index_location.h); a store made with others is
// discarded. Never null (a MemoryIndexStore when the database cannot be used); throws
// only std::bad_alloc.
std::unique_ptr<IndexStore> open_sqlite_store(
    const std::filesystem::path& database, const std::string& versions, const StoreLog& log = {},
    std::chrono::milliseconds busy_timeout = kStoreBusyTimeout);

}  // namespace chunkls
