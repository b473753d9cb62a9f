// Folding ranges as views of a document's fold list, shaped by what the client said it
// can show: rangeLimit (the outermost folds are kept), lineFoldingOnly (a block's
// closing bracket or `end` stays visible, so the fold ends on the line before it),
// the foldingRangeKind value set (unknown kinds are left out, the fold stays) and
// collapsedText.
//
// Pure functions of a ChunkedText and a PositionMapper of the same text. No two results
// share a start line, and every result spans at least two lines.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/chunks/chunker.h"
#include "protocol/lsp_types.h"
#include "server/views/position_mapper.h"

namespace chunkls {

struct FoldingOptions {
  std::optional<std::uint32_t> range_limit;
  bool line_folding_only = false;
  std::optional<std::vector<std::string>> kinds;  // the client's value set, when given
  bool collapsed_text = false;

  static FoldingOptions from(const protocol::ClientCapabilities& capabilities);
};

std::vector<protocol::FoldingRange> folding_ranges(const ChunkedText& chunked,
                                                   const PositionMapper& positions,
                                                   const FoldingOptions& options);

}  // namespace chunkls
