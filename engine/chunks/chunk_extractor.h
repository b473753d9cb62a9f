// ChunkExtractor: turns the chunk-pattern matches of a document into the chunk tree:
// attached docs and decorators, nesting, qualified names, stable ids and content hashes.
//
// The Chunker walks the tree once with the combined query and hands each chunk match to
// add(); finish() builds the chunks and resets for the next document (or for the next
// window of one: a ChunkScope says where the chunks it builds will sit). Linear in the
// number of chunks: nothing is copied per nesting level (ids come from the parent's id,
// qualified names are built on demand), and the ChunkLimits bound depth and count.
// One instance per thread (it is part of a Chunker).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/chunks/chunk.h"
#include "engine/syntax/deadline.h"
#include "engine/syntax/query_set.h"

namespace chunkls {

// What an incremental update needs to know of a chunk beyond the Chunk itself.
struct ChunkOrigin {
  std::uint32_t pattern = 0;     // the query pattern that made it
  std::uint32_t header_end = 0;  // where its signature ends: the body's start, or the
                                 // end of the definition's first line
  friend bool operator==(const ChunkOrigin&, const ChunkOrigin&) = default;
};

// How many earlier siblings share a kind and name (keys from sibling_key()).
using SiblingCounts = std::unordered_map<std::string, std::uint32_t>;
std::string sibling_key(ChunkKind kind, std::string_view name);

// Where the chunks finish() builds will sit: under which chunk, at which depth, after
// which siblings. The default is a whole document.
struct ChunkScope {
  std::string_view path;                   // what top-level ids hash
  std::optional<std::uint64_t> parent;     // the enclosing chunk's id; none at top level
  std::uint32_t depth = 0;                 // the depth of the outermost chunks built
  const SiblingCounts* earlier = nullptr;  // siblings before them, for ordinals
};

struct ExtractedChunks {
  std::vector<Chunk> chunks;         // outermost ones have parent -1 (the scope's)
  std::vector<ChunkOrigin> origins;  // one per chunk
  std::uint64_t too_deep = 0;        // left out: nested deeper than ChunkLimits::max_depth
  std::uint64_t over_the_count = 0;  // left out: past ChunkLimits::max_chunks
};

class ChunkExtractor {
 public:
  void add(const TSQueryMatch& match, const QuerySet& query, std::string_view text);
  // Chunks in pre-order: by start, an enclosing chunk before what it contains.
  // `path` only feeds the stable ids. Throws like Deadline::give_up() when the
  // deadline passes (and resets).
  ExtractedChunks finish(const QuerySet& query, std::string_view text, std::string_view path,
                         const ChunkLimits& limits, const Deadline& deadline) {
    return finish(query, text, ChunkScope{.path = path}, limits, deadline);
  }
  ExtractedChunks finish(const QuerySet& query, std::string_view text, const ChunkScope& scope,
                         const ChunkLimits& limits, const Deadline& deadline);
  // Forgets what add() collected (a walk that was cancelled).
  void reset();

 private:
  struct Candidate {
    TSNode core;
    TSNode name;  // null when the pattern has no @name
    TSNode body;
    ChunkKind kind;
    std::uint32_t pattern;
  };
  std::vector<Candidate> candidates_;
  std::unordered_map<const void*, std::size_t> by_core_;
  std::unordered_map<const void*, TSNode> wrappers_;  // wrapped node -> wrapper node
  std::unordered_set<const void*> docs_;
  // Where each doc's text ends (trailing blanks trimmed): a chunk looks for docs above
  // it only when one ends right before it, since finding a previous sibling in
  // tree-sitter costs time proportional to the number of siblings.
  std::unordered_set<std::uint32_t> doc_ends_;
};

// The stable id of a chunk: xxh64 of its scope (the parent's id as 16 hex digits, or
// the file's path at top level), kind, name and ordinal (how many earlier siblings share
// kind and name).
std::uint64_t chunk_id(std::string_view scope, ChunkKind kind, std::string_view name,
                       std::uint32_t ordinal);
// The id of a chunk under the chunk `parent`.
std::uint64_t child_chunk_id(std::uint64_t parent, ChunkKind kind, std::string_view name,
                             std::uint32_t ordinal);

// Whether `node` can be a chunk's doc (comments, attributes, decorators, annotations,
// extras, and what the queries capture as @doc): a doc attaches to the chunk below it
// on the next row, so windows of a tree (chunk updates, cached constructs) keep such a
// node with the node after it.
bool can_be_doc(TSNode node, const QuerySet& queries);

// Gives a pre-order chunk list (parent links set) the ids it would have had for `path`:
// what a cached chunking of the same bytes under another path needs. Linear.
void reassign_ids(std::vector<Chunk>& chunks, std::string_view path);

}  // namespace chunkls
