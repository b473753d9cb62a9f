// ChunkExtractor: runs a language's chunks query over a parsed tree and turns the
// matches into the chunk tree: attached docs and decorators, nesting, qualified names,
// stable ids and content hashes.
//
// Stateless apart from a reusable query cursor; one instance per thread.
#pragma once

#include <string_view>
#include <vector>

#include "engine/chunk.h"
#include "engine/deadline.h"
#include "engine/query_set.h"
#include "engine/ts_handles.h"

namespace chunkls {

class ChunkExtractor {
 public:
  // Chunks in pre-order: by start, an enclosing chunk before what it contains.
  // `path` only feeds the stable ids.
  std::vector<Chunk> extract(const CompiledQuery& query, TSNode root, std::string_view text,
                             std::string_view path, const Deadline& deadline = Deadline::never());

 private:
  QueryCursor cursor_;
};

// The stable id of a chunk: xxh64 of path, kind, qualified name and ordinal, in hex.
std::string chunk_id(std::string_view path, ChunkKind kind, std::string_view qualified_name,
                     std::uint32_t ordinal);

}  // namespace chunkls
