// TableWrites: what a store's writer thread does to the tables, one queued operation at
// a time inside the transaction the writer opened: put a file (its content inserted
// with its chunks when new), touch a file whose content did not change, remove a file,
// clear everything. A content no file names any more is deleted with its chunks.
//
// Owned by the SqliteIndexStore (sqlite_index_store.cpp) and used by its writer thread
// alone, under the writer connection's mutex. Errors throw SqliteError; the writer
// rolls the batch back.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "engine/store/index_store.h"
#include "engine/store/store_schema.h"

namespace chunkls::sqlite_store {

struct PutOp {
  StoredFile file;
  std::shared_ptr<const StoredChunking> chunking;
};
// The file's row takes this stamp if it still names this content; nothing otherwise.
struct TouchOp {
  StoredFile file;
};
struct RemoveOp {
  std::string path;
};
struct ClearOp {};
using WriteOp = std::variant<PutOp, TouchOp, RemoveOp, ClearOp>;

class TableWrites {
 public:
  explicit TableWrites(sqlite3* db) : db_(db), statements_(db) {}

  void begin() { statements_.begin.execute(); }
  void commit() { statements_.commit.execute(); }
  void apply(const WriteOp& op);

 private:
  void apply_one(const PutOp& op);
  void apply_one(const TouchOp& op);
  void apply_one(const RemoveOp& op);
  void apply_one(const ClearOp& op);
  std::int64_t store_content(const ContentKey& key, const StoredChunking& chunking);
  void insert_chunk(std::int64_t content, std::size_t ordinal, const Chunk& chunk);
  std::optional<std::int64_t> content_of(const std::string& path);
  void collect(std::int64_t content);

  sqlite3* db_;
  Writes statements_;
};

}  // namespace chunkls::sqlite_store
