// SourceCaches: the engine's in-memory cache levels, shared by the server's documents,
// its requests on files the client did not open, `chunkls chunk` and the indexer.
//
//   trees   (AST)            content key -> the syntax tree of a text (documents the
//                            client closed: reopening one edits on at once)
//   chunks                   content key -> chunks and folds of a text, and the path
//                            their ids were made for (ids hash the path: another path
//                            renumbers them, see chunks_for())
//   files   (file metadata)  path -> size, mtime, content key and language of a file as
//                            last read, so a file that did not change is not hashed again
//   constructs (query results) segment of top-level constructs -> what the queries
//                            extract from it (construct_chunking.h), so a changed file
//                            re-queries only its changed constructs
//
// Content keys (content_key.h) make a reverted, copied or moved file a hit and a new
// grammar or query a miss. Every level is an LruCache with its own budgets (entries,
// bytes, time to live) and counters.
//
// Thread-safety: as LruCache, every level is safe from any thread. Owned by whoever
// serves (the server's DocumentScheduler, the CLI command); outlives its users.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "engine/cache/construct_chunking.h"
#include "engine/cache/content_key.h"
#include "engine/cache/lru_cache.h"
#include "engine/chunks/chunker.h"
#include "engine/syntax/ts_handles.h"
#include "engine/text/source_file.h"

namespace chunkls {

// What a long session leaves (closed documents, every edited construct's old text) goes
// after ten minutes unused, so memory follows the work of the last minutes, not the
// session's length. File stamps are small and stay.
inline constexpr std::chrono::seconds kCacheIdleTimeToLive{600};

struct SourceCacheLimits {
  CacheLimits trees{
      .max_entries = 64, .max_bytes = std::uint64_t{256} << 20, .ttl = kCacheIdleTimeToLive};
  CacheLimits chunks{
      .max_entries = 8192, .max_bytes = std::uint64_t{128} << 20, .ttl = kCacheIdleTimeToLive};
  CacheLimits files{.max_entries = 100000, .max_bytes = std::uint64_t{32} << 20};
  CacheLimits constructs{
      .max_entries = 200000, .max_bytes = std::uint64_t{64} << 20, .ttl = kCacheIdleTimeToLive};
  friend bool operator==(const SourceCacheLimits&, const SourceCacheLimits&) = default;
};

// The chunks of one text (their tree left out: the trees level keeps trees).
struct CachedChunks {
  std::shared_ptr<const ChunkedText> chunked;
  std::string path;  // the ids were made for it
};

// A file as last read: its stamp and the key of its bytes then.
struct FileMetadata {
  FileStamp stamp;
  ContentKey key;
};

struct SourceCacheStats {
  CacheStats trees;
  CacheStats chunks;
  CacheStats files;
  CacheStats constructs;
};

class SourceCaches {
 public:
  explicit SourceCaches(SourceCacheLimits limits = {}, const Clock& clock = steady_clock());

  LruCache<ContentKey, Tree, ContentKeyHash>& trees() { return trees_; }
  LruCache<ContentKey, CachedChunks, ContentKeyHash>& chunks() { return chunks_; }
  LruCache<std::string, FileMetadata>& files() { return files_; }
  ConstructCache& constructs() { return constructs_; }

  // Keeps a text's chunks (shared, not copied) and, when given, its tree.
  void keep(const ContentKey& key, std::shared_ptr<const ChunkedText> chunked,
            std::string_view path, const Tree* tree = nullptr);
  // The chunks of the text under `key` with ids for `path` (renumbered from a copy when
  // they were made for another path); null on a miss.
  std::shared_ptr<const ChunkedText> chunks_for(const ContentKey& key, std::string_view path);
  // The key of `read`, the bytes of the file at `path` in `language`: from the files
  // level when its stamp is the one recorded (no hashing), else hashed and recorded. A
  // stamp from the last `racy` before `now` is never trusted (a file written twice
  // within the clock's granularity keeps its mtime: git's "racily clean" rule).
  ContentKey key_of_file(const std::string& path, const Language& language, const SourceRead& read,
                         std::chrono::nanoseconds racy = std::chrono::seconds(2));

  void set_limits(const SourceCacheLimits& limits);
  SourceCacheLimits limits() const;
  // What every level holds for `file`.
  void invalidate(std::string_view file);
  void clear();
  void evict_expired();
  SourceCacheStats stats() const;
  std::uint64_t memory_usage() const;

 private:
  LruCache<ContentKey, Tree, ContentKeyHash> trees_;
  LruCache<ContentKey, CachedChunks, ContentKeyHash> chunks_;
  LruCache<std::string, FileMetadata> files_;
  ConstructCache constructs_;
};

}  // namespace chunkls
