#include "engine/store/store_schema.h"

#include <initializer_list>

namespace chunkls::sqlite_store {
namespace {

// Kinds are stored as their numbers (a scan reads half a million of them): an added or
// moved enumerator changes what stored numbers mean. Bump kStoreSchemaVersion, then these.
static_assert(static_cast<int>(ChunkKind::kKey) == 21, "ChunkKind changed: bump the schema");
static_assert(static_cast<int>(FoldKind::kRegion) == 3, "FoldKind changed: bump the schema");

// A packed Fold: six little-endian uint32 and the kind's byte.
constexpr std::size_t kFoldBytes = 6 * 4 + 1;
constexpr std::size_t kKeyBytes = 3 * sizeof(std::uint64_t);

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

}  // namespace

// ---- Encodings -------------------------------------------------------------------------

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

std::string file_select(bool with_symbols, const char* rest) {
  return std::string(kFileColumns) + (with_symbols ? ", contents.symbols" : "") + kFileJoin + rest;
}

// ---- Statements ------------------------------------------------------------------------

Writes::Writes(sqlite3* db)
    : begin(db, "BEGIN IMMEDIATE"),
      commit(db, "COMMIT"),
      find_content(db, "SELECT id FROM contents WHERE hash = ?1"),
      insert_content(db,
                     "INSERT INTO contents(hash, folds, omitted_deep, omitted_count, "
                     "chunk_count, symbols) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"),
      insert_chunk(db, "INSERT INTO chunks(content, ordinal, " + chunk_columns(true) + ") VALUES(" +
                           parameters(2 + kChunkDetailColumn + 1) + ")"),
      file_content(db, "SELECT content FROM files WHERE path = ?1"),
      upsert_file(db,
                  "INSERT INTO files(path, size, mtime_ns, inode, content, language) "
                  "VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(path) DO UPDATE SET "
                  "size = excluded.size, mtime_ns = excluded.mtime_ns, inode = "
                  "excluded.inode, content = excluded.content, language = excluded.language"),
      touch_file(db, "UPDATE files SET size = ?2, mtime_ns = ?3, inode = ?4 WHERE path = ?1"),
      delete_file(db, "DELETE FROM files WHERE path = ?1"),
      content_named(db, "SELECT 1 FROM files WHERE content = ?1 LIMIT 1"),
      delete_chunks(db, "DELETE FROM chunks WHERE content = ?1"),
      delete_content(db, "DELETE FROM contents WHERE id = ?1"),
      clear_files(db, "DELETE FROM files"),
      clear_contents(db, "DELETE FROM contents"),
      clear_chunks(db, "DELETE FROM chunks") {}

Reads::Reads(sqlite3* db)
    : files(db, file_select(false, " ORDER BY files.path")),
      file(db, file_select(false, " WHERE files.path = ?1")),
      scan_after(db, file_select(false, " WHERE files.path > ?1 ORDER BY files.path")),
      symbols(db, file_select(true, " ORDER BY files.path")),
      symbols_after(db, file_select(true, " WHERE files.path > ?1 ORDER BY files.path")),
      content(db,
              "SELECT id, folds, omitted_deep, omitted_count, symbols FROM contents WHERE "
              "hash = ?1"),
      chunks(db,
             "SELECT " + chunk_columns(false) + " FROM chunks WHERE content = ?1 ORDER BY ordinal"),
      chunks_with_details(
          db, "SELECT " + chunk_columns(true) + " FROM chunks WHERE content = ?1 ORDER BY ordinal"),
      counts(db,
             "SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM contents), "
             "(SELECT coalesce(sum(chunk_count), 0) FROM contents)") {}

// ---- Rows ------------------------------------------------------------------------------

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

}  // namespace chunkls::sqlite_store
