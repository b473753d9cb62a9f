// Chunker: the engine's entry point. Takes bytes and a Language, returns the parsed
// tree, the chunk tree and the fold list (a ChunkedText). No LSP or JSON types.
//
// Owns a Parser and a query cursor, which tree-sitter lets one thread use at a time:
// keep one Chunker per thread. Languages and their compiled queries are shared.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/chunks/chunk.h"
#include "engine/chunks/chunk_extractor.h"
#include "engine/chunks/fold_extractor.h"
#include "engine/syntax/deadline.h"
#include "engine/syntax/language.h"
#include "engine/syntax/ts_handles.h"

namespace chunkls {

struct ChunkedText {
  Tree tree;
  std::vector<Chunk> chunks;  // pre-order; Chunk::parent indexes this vector
  std::vector<Fold> folds;    // by start row, at most one per row
  // Chunks the ChunkLimits left out; omission() says it in words.
  std::uint64_t omitted_too_deep = 0;
  std::uint64_t omitted_over_the_count = 0;
  ChunkLimits limits;
  // Empty when every chunk is listed, else e.g. "12 chunks nested deeper than 128
  // levels are not listed".
  std::string omission() const;
};

class ChunkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Chunker {
 public:
  enum class Walk : std::uint8_t {
    kPlanned,    // tree-cursor walk; the query runs only where patterns are rooted
    kFullQuery,  // the query cursor over the whole tree (the reference; used when no plan)
  };
  explicit Chunker(Walk walk = Walk::kPlanned, ChunkLimits limits = {})
      : walk_(walk), limits_(limits) {}

  // Throws QueryCompileError when the language's queries are broken, ChunkError when
  // the runtime refuses the grammar or parsing fails, and like Deadline::give_up()
  // (DeadlineExceeded, Cancelled) when `deadline` passes first.
  ChunkedText chunk(const Language& language, std::string_view text, std::string_view path = {},
                    const Deadline& deadline = Deadline::never());

  // Chunks and folds of an already parsed tree of `text`.
  ChunkedText chunk_tree(const Language& language, Tree tree, std::string_view text,
                         std::string_view path = {}, const Deadline& deadline = Deadline::never());

  Parser& parser() { return parser_; }
  const ChunkLimits& limits() const { return limits_; }

 private:
  void dispatch(const TSQueryMatch& match, const QuerySet& queries, std::string_view text);
  void walk_planned(const QuerySet& queries, TSNode root, std::string_view text,
                    const Deadline& deadline);
  void walk_full(const QuerySet& queries, TSNode root, std::string_view text,
                 const Deadline& deadline);

  Walk walk_;
  ChunkLimits limits_;
  Parser parser_;
  QueryCursor cursor_;
  ChunkExtractor chunks_;
  FoldExtractor folds_;
};

}  // namespace chunkls
