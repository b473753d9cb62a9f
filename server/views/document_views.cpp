#include "server/views/document_views.h"

#include "protocol/lsp_write.h"
#include "server/views/position_mapper.h"
#include "server/views/selection_view.h"
#include "server/views/symbol_view.h"

namespace chunkls {

std::string document_symbols_json(Document& document, std::string_view uri,
                                  const ViewOptions& options, const Deadline& deadline) {
  const ChunkedText& chunked = document.chunked(deadline);
  const ScopedTimer timed(options.monitor, Stage::kSerialize, "documentSymbol");
  const PositionMapper positions(document.text(), document.lines(), options.encoding);
  if (options.hierarchical_symbols) {
    protocol::JsonWriter out;
    write_document_symbols(out, chunked, positions);
    return out.take();
  }
  const auto symbols = symbol_information(chunked, positions, uri);
  return protocol::to_json_array<protocol::SymbolInformation>(symbols);
}

std::string folding_ranges_json(Document& document, const ViewOptions& options,
                                const Deadline& deadline) {
  const ChunkedText& chunked = document.chunked(deadline);
  const ScopedTimer timed(options.monitor, Stage::kSerialize, "foldingRange");
  const PositionMapper positions(document.text(), document.lines(), options.encoding);
  const auto folds = folding_ranges(chunked, positions, options.folding);
  return protocol::to_json_array<protocol::FoldingRange>(folds);
}

std::string selection_ranges_json(Document& document, std::span<const protocol::Position> at,
                                  const ViewOptions& options, const Deadline& deadline) {
  const Tree& tree = document.canonical_tree(deadline);
  const ScopedTimer timed(options.monitor, Stage::kSerialize, "selectionRange");
  const PositionMapper positions(document.text(), document.lines(), options.encoding);
  const auto selections = selection_ranges(tree, positions, at);
  return protocol::to_json_array<protocol::SelectionRange>(selections);
}

}  // namespace chunkls
