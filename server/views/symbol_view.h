// Document symbols as views of a document's chunk list: LSP's hierarchical
// DocumentSymbol[] (children nested as the chunks are) or the flat SymbolInformation[]
// of clients without hierarchy support.
//
// Pure functions of a ChunkedText and a PositionMapper of the same text; the caller
// holds the document. The hierarchical answer is written straight from the chunk list
// (pre-order, each subtree contiguous), with no DocumentSymbol values in between: on a
// file of 17,000 symbols, building and freeing those cost more than writing the JSON. Every
// selectionRange is inside its range and no name is empty, as VS Code requires (it rejects the
// whole answer otherwise).
#pragma once

#include <string_view>
#include <vector>

#include "engine/chunks/chunker.h"
#include "protocol/json_writer.h"
#include "protocol/lsp_types.h"
#include "server/views/position_mapper.h"

namespace chunkls {

protocol::SymbolKind symbol_kind(ChunkKind kind);

// DocumentSymbol[] as JSON, children nested as the chunks are.
void write_document_symbols(protocol::JsonWriter& out, const ChunkedText& chunked,
                            const PositionMapper& positions);

std::vector<protocol::SymbolInformation> symbol_information(const ChunkedText& chunked,
                                                            const PositionMapper& positions,
                                                            std::string_view uri);

}  // namespace chunkls
