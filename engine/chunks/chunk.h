// The chunk data model: a Chunk is a syntactic unit worth naming (function, class,
// method, namespace, ...), a Fold is a line span worth folding. Both are plain values
// produced by the Chunker; document symbols, folding ranges, the indexer and the caches
// are all views of one chunk list per document.
//
// Positions are TextRanges (engine/text/text_range.h); kinds are the vocabulary the
// queries use (engine/syntax/chunk_kind.h). Nothing here knows LSP.
//
// Value types with no shared state: safe to copy and to read from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/syntax/chunk_kind.h"
#include "engine/text/text_range.h"

namespace chunkls {

struct Chunk {
  // Stable: xxh64 of the parent's id (as 16 hex digits; the path at top level), kind,
  // name, ordinal. Users see it as chunk_id_hex(id); the parent's is
  // chunks[parent].id (a chunk keeps no copy of it).
  std::uint64_t id = 0;
  ChunkKind kind = ChunkKind::kFunction;
  std::string name;                // never empty; see qualified_name() for the full path
  std::string detail;              // the signature: header text up to the body
  TextRange range;                 // whole chunk, including attached docs and decorators
  TextRange definition;            // the definition node alone (what folds)
  TextRange selection;             // the name; always inside `range`
  std::int32_t parent = -1;        // index into the chunk list, -1 at top level
  std::uint32_t depth = 0;         // 0 at top level
  std::uint64_t content_hash = 0;  // xxh3 of the bytes of `range`
  friend bool operator==(const Chunk&, const Chunk&) = default;
};

// A chunk id as users see it: 16 lowercase hex digits.
std::string chunk_id_hex(std::uint64_t id);

// The names of a chunk's ancestors and its own joined with '.' ("Shape.area"), built on
// demand from the parent links (chunks do not store it: a chain of nested chunks would
// hold quadratically many bytes). O(depth). Longer than `max_bytes`, it keeps the
// innermost names that fit after "…" (whole names; the chunk's own always).
inline constexpr std::size_t kMaxQualifiedNameBytes = 1024;
std::string qualified_name(const std::vector<Chunk>& chunks, std::size_t index,
                           std::size_t max_bytes = kMaxQualifiedNameBytes);

// How much of a document's structure a chunk list holds at most. Deeper chunks and
// chunks past the count are left out and counted (ChunkedText::omitted), so hostile
// input (100,000 nested JSON objects, millions of keys) costs bounded memory and time.
struct ChunkLimits {
  std::uint32_t max_depth = 128;      // depth 0 is top level
  std::uint32_t max_chunks = 200000;  // per document
};

struct Fold {
  std::uint32_t start_row = 0;
  std::uint32_t end_row = 0;  // > start_row
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::uint32_t start_column = 0;  // bytes
  std::uint32_t end_column = 0;    // bytes
  FoldKind kind = FoldKind::kBlock;
  friend bool operator==(const Fold&, const Fold&) = default;
};

}  // namespace chunkls
