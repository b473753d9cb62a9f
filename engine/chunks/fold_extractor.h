// FoldExtractor: the fold list of a document: every multi-line chunk, plus what the
// language's folds query names (blocks, multi-line literals and calls), runs of
// adjacent comments, runs of adjacent imports and region markers
// (`#region`/`#endregion`, `{{{`/`}}}` inside comments).
//
// In two steps, so an edit can redo the first only where the text changed: add()
// collects the fold-pattern matches of the Chunker's walk as FoldParts (plain spans,
// no tree nodes), and combine_folds() turns parts + chunks into the fold list, merging
// runs and pairing region markers across the whole document.
//
// At most one fold per start row (the widest), sorted by start row; single-row spans
// are dropped. Rows are tree-sitter's (lines ended by '\n'), except in a text with lone
// '\r' line breaks, where they are LSP lines (ended by '\n', "\r\n" or '\r'). One
// FoldExtractor per thread (part of a Chunker); FoldParts are values.
#pragma once

#include <string_view>
#include <vector>

#include "engine/chunks/chunk.h"
#include "engine/chunks/node_range.h"
#include "engine/syntax/deadline.h"
#include "engine/syntax/query_set.h"

namespace chunkls {

// A comment as the fold list needs it: where it is and whether it marks a region.
struct CommentPart {
  TextRange range;        // node_range(): a trailing line break trimmed
  std::uint32_t raw_end;  // the node's own end byte
  CommentMarker marker = CommentMarker::kNone;
  friend bool operator==(const CommentPart&, const CommentPart&) = default;
};

struct ImportPart {
  TextRange range;
  std::uint32_t raw_end;
  friend bool operator==(const ImportPart&, const ImportPart&) = default;
};

// What the fold patterns captured, each list sorted by start byte.
struct FoldParts {
  std::vector<Fold> blocks;  // @fold captures, single-row ones included
  std::vector<CommentPart> comments;
  std::vector<ImportPart> imports;
  void sort();
  void clear();
  friend bool operator==(const FoldParts&, const FoldParts&) = default;
};

class FoldExtractor {
 public:
  void add(const TSQueryMatch& match, const QuerySet& query, std::string_view text);
  // What add() collected, sorted; resets for the next walk.
  FoldParts take();
  // Forgets what add() collected (a walk that was cancelled).
  void reset() { parts_.clear(); }

 private:
  FoldParts parts_;
};

// The fold list of `text` from its parts and chunks. Throws like Deadline::give_up().
std::vector<Fold> combine_folds(const FoldParts& parts, const std::vector<Chunk>& chunks,
                                std::string_view text, const Deadline& deadline);

}  // namespace chunkls
