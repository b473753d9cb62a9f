// IndexStore: the persistent half of the workspace index (clangd's
// BackgroundIndexStorage): for every indexed file its metadata (path, size, mtime, inode,
// content key, language) and, once per distinct content, that content's chunks and folds.
// A restart on an unchanged workspace reads this instead of parsing; a file whose stamp
// (then hash) differs is indexed again.
//
// The seam between the indexer and the disk: SqliteIndexStore (sqlite_index_store.h) is
// the real one, MemoryIndexStore (memory_index_store.h) keeps nothing past the process
// (`--no-cache`, a disk store that cannot be used, tests of the indexer). A SqliteIndexStore
// queues writes for one writer thread (batched transactions); reads may run on any thread
// meanwhile and see the last committed state, except chunking(), which also sees the
// contents queued and not committed yet (a copy of a file just indexed is a hit). A
// MemoryIndexStore applies each write at once.
//
// Chunk ids hash the path (chunk.h): a stored chunking is kept per content, so what
// chunking() returns carries ids for whichever path wrote it first; callers that need a
// path's ids call reassign_ids(chunks, path).
//
// Thread-safety: every member is safe from any thread. The store outlives its users.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/cache/content_key.h"
#include "engine/chunks/chunk.h"
#include "engine/text/source_file.h"

namespace chunkls {

// One indexed file as last indexed.
struct StoredFile {
  std::string path;  // absolute, as the walk produced it
  FileStamp stamp;   // size, mtime_ns, inode when it was read
  ContentKey key;    // of the bytes read
  std::string language;
  friend bool operator==(const StoredFile&, const StoredFile&) = default;
};

// What one content chunked into.
struct StoredChunking {
  std::vector<Chunk> chunks;  // pre-order, parent links set, ids as written
  std::vector<Fold> folds;
  std::uint64_t omitted_too_deep = 0;
  std::uint64_t omitted_over_the_count = 0;
  // The chunks' symbols as the indexer encodes them (SymbolIndex::encode), kept as bytes:
  // a warm start reads these instead of the chunks.
  std::string symbols;
  friend bool operator==(const StoredChunking&, const StoredChunking&) = default;
};

// What a warm start needs of a stored file's content.
struct StoredSummary {
  std::uint64_t chunks = 0;
  std::string symbols;  // StoredChunking::symbols; empty unless asked for
};

// What the store is and holds (for `chunkls cache info` and chunkls/stats).
struct StoreInfo {
  std::string location;  // the database file; ":memory:" when running in memory
  bool in_memory = false;
  std::string note;  // why it runs in memory or was rebuilt; empty when neither
  std::uint64_t files = 0;
  std::uint64_t contents = 0;
  std::uint64_t chunks = 0;
  std::uint64_t bytes_on_disk = 0;  // database + WAL
  std::uint64_t writes_queued = 0;  // not yet committed
  std::uint64_t transactions = 0;   // committed by the writer since open
};

class IndexStore {
 public:
  virtual ~IndexStore() = default;

  // Every file row, by path.
  virtual std::vector<StoredFile> files() = 0;
  // The row of `path`, if any.
  virtual std::optional<StoredFile> file(const std::string& path) = 0;
  // The chunking of a content, if stored (with details).
  virtual std::optional<StoredChunking> chunking(const ContentKey& key) = 0;
  // Every stored file with its content's summary, by path: what a warm start loads (the
  // symbols only when `with_symbols`; a chunk's rows are not read). Returning false from
  // `visit` stops the scan. `visit` runs without the store's locks (it may call the
  // store); each file comes with its summary from one snapshot, and files written during
  // the scan may or may not be visited.
  virtual void scan(const std::function<bool(const StoredFile&, StoredSummary&&)>& visit,
                    bool with_symbols) = 0;

  // Queued for the writer: the file's row now names `chunking`'s content (stored once per
  // content key: when the key is stored already, `chunking` is not written; a null one
  // is an empty chunking). Contents no file names any more are deleted.
  virtual void put(StoredFile file, std::shared_ptr<const StoredChunking> chunking) = 0;
  // Queued: the file's row takes `file`'s stamp if it still names `file.key` (a file
  // touched, or rewritten with the same bytes); nothing otherwise. Reads no chunks.
  virtual void touch(StoredFile file) = 0;
  virtual void remove(std::string path) = 0;
  // Deletes everything (files, contents, chunks); the meta rows stay.
  virtual void clear() = 0;
  // Blocks until everything queued before it is committed (or failed and logged).
  virtual void flush() = 0;

  virtual StoreInfo info() = 0;
};

}  // namespace chunkls
