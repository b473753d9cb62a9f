// Chunker: the engine's entry point. Takes bytes and a Language, returns the parsed
// tree, the chunk tree and the fold list (a ChunkedText). No LSP or JSON types.
//
// Owns a Parser and a query cursor, which tree-sitter lets one thread use at a time:
// keep one Chunker per thread. Languages and their compiled queries are shared.
#pragma once

#include <cstdint>
#include <span>
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
  // What an incremental update (engine/document/chunk_update.h) needs beyond the
  // answer: where each chunk came from, and the fold parts before they were combined.
  std::vector<ChunkOrigin> origins;  // one per chunk
  FoldParts fold_parts;
};

// A chunk whose definition node is the container of a window or one of its ancestors,
// as the queries rooted there see it now (the earliest pattern per node).
struct AncestorChunk {
  TextRange definition;
  ChunkKind kind = ChunkKind::kFunction;
  std::uint32_t pattern = 0;
  friend bool operator==(const AncestorChunk&, const AncestorChunk&) = default;
};

// Chunks and fold parts of a window of a tree: consecutive children of one container
// node, each walked in full, plus what the patterns rooted at the container and its
// ancestors capture inside the window. What those patterns capture at the container and
// its ancestors themselves is reported apart, so the caller can check that it did not
// change. `crossed` is set when a wrapper outside the window wraps a chunk inside it:
// the window is too small to rebuild alone.
struct WindowChunks {
  ExtractedChunks chunks;  // outermost chunks have parent -1
  FoldParts fold_parts;
  std::vector<AncestorChunk> ancestor_chunks;  // by definition start
  FoldParts ancestor_fold_parts;
  bool crossed = false;
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

  // Chunks of the window `children` (consecutive children of `container`) of a tree
  // of `text`, placed by `scope`. The planned walk only (a language whose queries
  // cannot be planned has no windows). Throws like chunk_tree().
  WindowChunks chunk_window(const Language& language, TSNode container,
                            std::span<const TSNode> children, std::string_view text,
                            const ChunkScope& scope, const Deadline& deadline);

  Parser& parser() { return parser_; }
  const ChunkLimits& limits() const { return limits_; }

 private:
  void dispatch(const TSQueryMatch& match, const QuerySet& queries, std::string_view text);
  // One node's plan: the query run there and the simple captures of the node, each match
  // handed to `sink`.
  template <typename Sink>
  void run_plan_at(TSNode node, const QuerySet& queries, const Deadline& deadline, Sink&& sink);
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
  FoldExtractor ancestor_folds_;
};

}  // namespace chunkls
