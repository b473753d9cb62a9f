// FoldExtractor: the fold list of a document: every multi-line chunk, plus what the
// language's folds query names (blocks, multi-line literals and calls), runs of
// adjacent comments, runs of adjacent imports and region markers
// (`#region`/`#endregion`, `{{{`/`}}}` inside comments).
//
// At most one fold per start row (the widest), sorted by start row; single-row spans
// are dropped. Rows are tree-sitter's (lines ended by '\n'), except in a text with lone
// '\r' line breaks, where they are LSP lines (ended by '\n', "\r\n" or '\r'). Fed the fold-pattern
// matches of the Chunker's single walk by add(); finish() builds the list and resets. One instance
// per thread (part of a Chunker).
#pragma once

#include <string_view>
#include <vector>

#include "engine/chunks/chunk.h"
#include "engine/syntax/deadline.h"
#include "engine/syntax/query_set.h"

namespace chunkls {

class FoldExtractor {
 public:
  void add(const TSQueryMatch& match, const QuerySet& query, std::string_view text);
  // Throws like Deadline::give_up() when the deadline passes (and resets).
  std::vector<Fold> finish(std::string_view text, const std::vector<Chunk>& chunks,
                           const Deadline& deadline);
  // Forgets what add() collected (a walk that was cancelled).
  void reset();

 private:
  std::vector<Fold> folds_;
  std::vector<TSNode> comments_;
  std::vector<TSNode> imports_;
};

}  // namespace chunkls
