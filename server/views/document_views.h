// The answers to the per-document LSP requests, as JSON text: document symbols,
// folding ranges and selection ranges of an engine Document, in the client's position
// encoding and shaped by its capabilities.
//
// This is the semantic half of the server (what to answer); lsp_server.h is the other
// half (when, on which thread, in which envelope). Functions of one Document, called on
// the thread that owns it.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "engine/document/document.h"
#include "engine/metrics/monitor.h"
#include "engine/syntax/deadline.h"
#include "protocol/lsp_types.h"
#include "server/views/folding_view.h"

namespace chunkls {

struct ViewOptions {
  protocol::PositionEncoding encoding = protocol::PositionEncoding::kUtf16;
  bool hierarchical_symbols = false;
  FoldingOptions folding;
  Monitor* monitor = nullptr;  // times the writing of each answer (Stage::kSerialize)
};

std::string document_symbols_json(Document& document, std::string_view uri,
                                  const ViewOptions& options, const Deadline& deadline);
std::string folding_ranges_json(Document& document, const ViewOptions& options,
                                const Deadline& deadline);
std::string selection_ranges_json(Document& document, std::span<const protocol::Position> at,
                                  const ViewOptions& options, const Deadline& deadline);

}  // namespace chunkls
