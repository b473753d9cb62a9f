// Construct chunking: the query-results cache level and how it is used. A file's
// top-level constructs are cut into segments (a construct, with the doc comments,
// attributes and decorators on the rows just above it, and whatever shares a row with
// it); what the queries extract from a segment (chunks, their origins, fold parts) is
// kept relative to the segment's start, keyed by the segment's bytes, its place (first,
// last, start column) and the language's identity. Chunking a file whose segments are
// mostly cached then queries only the others (one window walk per run of them) and
// assembles the rest: positions moved, parents re-linked, ids numbered for the file's
// path, folds combined again. A file that changed on disk, or a document reopened after
// edits elsewhere, re-queries only the constructs that changed.
//
// The result equals Chunker::chunk_tree of the same tree, field for field
// (tests/unit/construct_chunking_test.cpp checks it on real files of every language
// after random edits). Whatever could make a segment depend on its neighbours is never
// cached: segments holding syntax errors, queries that capture the root itself, matches
// that cross a segment's edge; then the file is chunked whole (and its clean segments
// are kept for next time).
//
// Thread-safety: the cache is an LruCache (any thread); chunk_by_constructs() uses the
// caller's Chunker, on the caller's thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/cache/content_key.h"
#include "engine/cache/lru_cache.h"
#include "engine/chunks/chunker.h"
#include "engine/syntax/deadline.h"
#include "engine/syntax/ts_handles.h"

namespace chunkls {

// What the queries extract from one segment, relative to its start (bytes from its first
// byte, rows from its first row, columns on that row from its first column).
struct ConstructChunks {
  std::vector<Chunk> chunks;  // pre-order; parent indexes this list, -1 at top level; no ids
  std::vector<ChunkOrigin> origins;
  FoldParts fold_parts;
};

using ConstructCache = LruCache<ContentKey, ConstructChunks, ContentKeyHash>;

// The heap a ConstructChunks holds (heap_bytes.h).
std::uint64_t heap_bytes(const ConstructChunks& construct);

// Chunks `tree` of `text` as Chunker::chunk_tree does, reusing the cached extraction of
// every segment whose key is in `cache` and keeping the others'. Throws like
// Chunker::chunk_tree.
ChunkedText chunk_by_constructs(Chunker& chunker, ConstructCache& cache, const Language& language,
                                Tree tree, std::string_view text, std::string_view path,
                                const Deadline& deadline);

}  // namespace chunkls
