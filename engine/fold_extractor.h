// FoldExtractor: the fold list of a document: every multi-line chunk, plus what the
// language's folds query names (blocks, multi-line literals and calls), runs of
// adjacent comments, runs of adjacent imports and region markers
// (`#region`/`#endregion`, `{{{`/`}}}` inside comments).
//
// At most one fold per start row (the widest), sorted by start row; single-row spans
// are dropped. Stateless apart from a reusable query cursor; one instance per thread.
#pragma once

#include <string_view>
#include <vector>

#include "engine/chunk.h"
#include "engine/deadline.h"
#include "engine/query_set.h"
#include "engine/ts_handles.h"

namespace chunkls {

class FoldExtractor {
 public:
  std::vector<Fold> extract(const CompiledQuery& query, TSNode root, std::string_view text,
                            const std::vector<Chunk>& chunks,
                            const Deadline& deadline = Deadline::never());

 private:
  QueryCursor cursor_;
};

}  // namespace chunkls
