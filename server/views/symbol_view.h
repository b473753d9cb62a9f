// Document symbols as views of a document's chunk list: LSP's hierarchical
// DocumentSymbol[] (children nested as the chunks are) or the flat SymbolInformation[]
// of clients without hierarchy support.
//
// Pure functions of a ChunkedText and a PositionMapper of the same text; the caller
// holds the document. Every selectionRange is inside its range and no name is empty,
// as VS Code requires (it rejects the whole answer otherwise).
#pragma once

#include <string_view>
#include <vector>

#include "engine/chunks/chunker.h"
#include "protocol/lsp_types.h"
#include "server/views/position_mapper.h"

namespace chunkls {

protocol::SymbolKind symbol_kind(ChunkKind kind);

std::vector<protocol::DocumentSymbol> document_symbols(const ChunkedText& chunked,
                                                       const PositionMapper& positions);

std::vector<protocol::SymbolInformation> symbol_information(const ChunkedText& chunked,
                                                            const PositionMapper& positions,
                                                            std::string_view uri);

}  // namespace chunkls
