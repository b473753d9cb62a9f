// The index store's schema and row encodings: the SQL of its tables, the column lists its
// statements bind and read (and the column numbers they read by), the statement sets of
// the writer and the readers, and how a ContentKey, folds, a file row and a chunk row are
// encoded in SQLite. What a stored number means is fixed here: a change is a new
// kStoreSchemaVersion (sqlite_index_store.h).
//
// Stateless functions and constants; Writes and Reads are owned by SqliteIndexStore and
// used under its connection's mutex (one thread at a time, as every Statement).
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/store/index_store.h"
#include "engine/store/sqlite_statement.h"

namespace chunkls::sqlite_store {

// ---- Encodings -------------------------------------------------------------------------

std::string encode_key(const ContentKey& key);
ContentKey decode_key(std::string_view bytes);

std::string encode_folds(const std::vector<Fold>& folds);
std::vector<Fold> decode_folds(std::string_view bytes);

// ---- Schema ----------------------------------------------------------------------------

// The chunk columns after (content, ordinal), in the order the statements bind and read
// them. detail comes last: a scan without details never touches it (nor the overflow
// pages a long signature spills into).
inline constexpr int kChunkRangeColumn = 6;  // range, definition, selection: six columns each
inline constexpr int kChunkDetailColumn = 24;

std::vector<std::string> chunk_column_names(bool with_detail);
std::string chunk_columns(bool with_detail);

// Creates the tables that are missing.
std::string schema_sql();

// "?1, ?2, ..., ?count".
std::string parameters(int count);

// The file columns every file query selects, then contents.id and chunk_count; a scan
// with symbols adds contents.symbols (kSymbolsColumn).
inline constexpr const char* kFileColumns =
    "SELECT files.path, files.size, files.mtime_ns, files.inode, files.language, "
    "contents.hash, contents.id, contents.chunk_count";
inline constexpr const char* kFileJoin = " FROM files JOIN contents ON contents.id = files.content";
inline constexpr int kChunkCountColumn = 7;
inline constexpr int kSymbolsColumn = 8;

std::string file_select(bool with_symbols, const char* rest);

// ---- Statements ------------------------------------------------------------------------

// The writer thread's statements.
struct Writes {
  explicit Writes(sqlite3* db);
  Statement begin, commit, find_content, insert_content, insert_chunk, file_content, upsert_file,
      touch_file, delete_file, content_named, delete_chunks, delete_content, clear_files,
      clear_contents, clear_chunks;
};

// The readers' statements.
struct Reads {
  explicit Reads(sqlite3* db);
  Statement files, file, scan_after, symbols, symbols_after, content, chunks, chunks_with_details,
      counts;
};

// ---- Rows ------------------------------------------------------------------------------

// The file of a row selected by file_select().
StoredFile file_row(const Statement& s);

TextRange range_row(const Statement& s, int first);

// The chunk at `index` of its list; its parent must come before it (pre-order), so a
// damaged row never makes callers index out of range.
Chunk chunk_row(const Statement& s, std::size_t index, bool with_detail);

void bind_range(Statement& s, int first, const TextRange& range);

}  // namespace chunkls::sqlite_store
