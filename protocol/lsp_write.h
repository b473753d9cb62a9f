// Writing LSP results with the streaming JsonWriter: the shapes of lsp_types.h as the
// specification spells them (camelCase, optional fields omitted when empty).
//
// Free functions; one writer per answer.
#pragma once

#include <span>
#include <string>

#include "protocol/json_writer.h"
#include "protocol/lsp_types.h"

namespace chunkls::protocol {

void write(JsonWriter& out, const Position& position);
void write(JsonWriter& out, const Range& range);
void write(JsonWriter& out, const DocumentSymbol& symbol);
void write(JsonWriter& out, const SymbolInformation& symbol);
void write(JsonWriter& out, const FoldingRange& fold);
// Nested as the specification wants: {range, parent: {range, parent: ...}}.
void write(JsonWriter& out, const SelectionRange& selection);

template <typename T>
std::string to_json_array(std::span<const T> items) {
  JsonWriter out;
  out.begin_array();
  for (const T& item : items)
    write(out, item);
  out.end_array();
  return out.take();
}

// window/logMessage and window/showMessage params.
std::string message_params(MessageType type, std::string_view message);

}  // namespace chunkls::protocol
