// Selection ranges ("expand selection") as views of a document's syntax tree: for each
// position, the ranges of the syntax nodes around it, innermost first, each strictly
// containing the previous one, the last covering the whole document.
//
// A pure function of a tree and a PositionMapper of the same text; the caller holds
// the document.
#pragma once

#include <span>
#include <vector>

#include "engine/syntax/ts_handles.h"
#include "protocol/lsp_types.h"
#include "server/views/position_mapper.h"

namespace chunkls {

std::vector<protocol::SelectionRange> selection_ranges(const Tree& tree,
                                                       const PositionMapper& positions,
                                                       std::span<const protocol::Position> at);

}  // namespace chunkls
