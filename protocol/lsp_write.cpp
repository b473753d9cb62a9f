#include "protocol/lsp_write.h"

namespace chunkls::protocol {

void write(JsonWriter& out, const Position& position) {
  out.begin_object();
  out.key("line").value(position.line);
  out.key("character").value(position.character);
  out.end_object();
}

void write(JsonWriter& out, const Range& range) {
  out.begin_object();
  out.key("start");
  write(out, range.start);
  out.key("end");
  write(out, range.end);
  out.end_object();
}

void write(JsonWriter& out, const DocumentSymbol& symbol) {
  out.begin_object();
  out.key("name").value(symbol.name);
  if (!symbol.detail.empty()) out.key("detail").value(symbol.detail);
  out.key("kind").value(static_cast<int>(symbol.kind));
  out.key("range");
  write(out, symbol.range);
  out.key("selectionRange");
  write(out, symbol.selection_range);
  if (!symbol.children.empty()) {
    out.key("children").begin_array();
    for (const DocumentSymbol& child : symbol.children)
      write(out, child);
    out.end_array();
  }
  out.end_object();
}

void write(JsonWriter& out, const SymbolInformation& symbol) {
  out.begin_object();
  out.key("name").value(symbol.name);
  out.key("kind").value(static_cast<int>(symbol.kind));
  out.key("location").begin_object();
  out.key("uri").value(symbol.uri);
  out.key("range");
  write(out, symbol.range);
  out.end_object();
  if (!symbol.container_name.empty()) out.key("containerName").value(symbol.container_name);
  out.end_object();
}

void write(JsonWriter& out, const FoldingRange& fold) {
  out.begin_object();
  out.key("startLine").value(fold.start_line);
  if (fold.start_character) out.key("startCharacter").value(*fold.start_character);
  out.key("endLine").value(fold.end_line);
  if (fold.end_character) out.key("endCharacter").value(*fold.end_character);
  if (fold.kind) out.key("kind").value(*fold.kind);
  if (fold.collapsed_text) out.key("collapsedText").value(*fold.collapsed_text);
  out.end_object();
}

void write(JsonWriter& out, const SelectionRange& selection) {
  // Innermost first; each range nests its parent.
  for (const Range& range : selection.ranges) {
    out.begin_object();
    out.key("range");
    write(out, range);
    if (&range != &selection.ranges.back()) out.key("parent");
  }
  for (std::size_t i = 0; i < selection.ranges.size(); ++i)
    out.end_object();
}

std::string message_params(MessageType type, std::string_view message) {
  JsonWriter out;
  out.begin_object();
  out.key("type").value(static_cast<int>(type));
  out.key("message").value(message);
  out.end_object();
  return out.take();
}

}  // namespace chunkls::protocol
