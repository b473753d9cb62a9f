// ChunkExtractor: turns the chunk-pattern matches of a document into the chunk tree:
// attached docs and decorators, nesting, qualified names, stable ids and content hashes.
//
// The Chunker walks the tree once with the combined query and hands each chunk match to
// add(); finish() builds the chunks and resets for the next document. One instance per
// thread (it is part of a Chunker).
#pragma once

#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "engine/chunk.h"
#include "engine/query_set.h"

namespace chunkls {

class ChunkExtractor {
 public:
  void add(const TSQueryMatch& match, const QuerySet& query, std::string_view text);
  // Chunks in pre-order: by start, an enclosing chunk before what it contains.
  // `path` only feeds the stable ids.
  std::vector<Chunk> finish(const QuerySet& query, std::string_view text, std::string_view path);
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

// The stable id of a chunk: xxh64 of path, kind, qualified name and ordinal, in hex.
std::string chunk_id(std::string_view path, ChunkKind kind, std::string_view qualified_name,
                     std::uint32_t ordinal);

}  // namespace chunkls
