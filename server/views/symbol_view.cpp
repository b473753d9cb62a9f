#include "server/views/symbol_view.h"

#include <algorithm>

#include "protocol/lsp_write.h"

namespace chunkls {

using protocol::SymbolKind;

SymbolKind symbol_kind(ChunkKind kind) {
  switch (kind) {
    case ChunkKind::kModule:
      return SymbolKind::kModule;
    case ChunkKind::kNamespace:
      return SymbolKind::kNamespace;
    case ChunkKind::kPackage:
      return SymbolKind::kPackage;
    case ChunkKind::kClass:
      return SymbolKind::kClass;
    case ChunkKind::kStruct:
      return SymbolKind::kStruct;
    case ChunkKind::kInterface:
    case ChunkKind::kTrait:
      return SymbolKind::kInterface;
    case ChunkKind::kImpl:
      return SymbolKind::kObject;  // as rust-analyzer shows impl blocks
    case ChunkKind::kEnum:
      return SymbolKind::kEnum;
    case ChunkKind::kEnumMember:
      return SymbolKind::kEnumMember;
    case ChunkKind::kUnion:
      return SymbolKind::kStruct;
    case ChunkKind::kTypeAlias:
      return SymbolKind::kTypeParameter;
    case ChunkKind::kFunction:
      return SymbolKind::kFunction;
    case ChunkKind::kMethod:
      return SymbolKind::kMethod;
    case ChunkKind::kConstructor:
      return SymbolKind::kConstructor;
    case ChunkKind::kField:
      return SymbolKind::kField;
    case ChunkKind::kProperty:
      return SymbolKind::kProperty;
    case ChunkKind::kVariable:
      return SymbolKind::kVariable;
    case ChunkKind::kConstant:
      return SymbolKind::kConstant;
    case ChunkKind::kMacro:
      return SymbolKind::kFunction;
    case ChunkKind::kObject:
      return SymbolKind::kObject;
    case ChunkKind::kKey:
      return SymbolKind::kKey;
  }
  return SymbolKind::kVariable;
}

namespace {

// The chunk's range and its name's range, with the name clamped into the range so
// clients never see a selectionRange outside it.
std::pair<protocol::Range, protocol::Range> ranges_of(const Chunk& chunk,
                                                      const PositionMapper& positions) {
  const std::uint32_t start = chunk.range.start_byte;
  const std::uint32_t end = std::max(chunk.range.start_byte, chunk.range.end_byte);
  const std::uint32_t name_start = std::clamp(chunk.selection.start_byte, start, end);
  const std::uint32_t name_end = std::clamp(chunk.selection.end_byte, name_start, end);
  return {positions.range(start, end), positions.range(name_start, name_end)};
}

std::string display_name(const Chunk& chunk) {
  return chunk.name.empty() ? std::string("<anonymous>") : chunk.name;
}

}  // namespace

void write_document_symbols(protocol::JsonWriter& out, const ChunkedText& chunked,
                            const PositionMapper& positions) {
  const std::vector<Chunk>& chunks = chunked.chunks;
  out.reserve(chunks.size() * 192);
  out.begin_array();
  // The chunks whose objects are open, innermost last, and whether each has opened its
  // children array.
  struct Open {
    std::int32_t index;
    bool children;  // cppcheck-suppress unusedStructMember ; close() and the loop read it
  };
  std::vector<Open> open;
  auto close = [&] {
    if (open.back().children) out.end_array();
    out.end_object();
    open.pop_back();
  };
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& chunk = chunks[i];
    while (!open.empty() && open.back().index != chunk.parent)
      close();
    if (!open.empty() && !open.back().children) {
      out.key("children").begin_array();
      open.back().children = true;
    }
    const auto [range, selection] = ranges_of(chunk, positions);
    out.begin_object();
    out.key("name").value(chunk.name.empty() ? std::string_view("<anonymous>")
                                             : std::string_view(chunk.name));
    if (!chunk.detail.empty()) out.key("detail").value(chunk.detail);
    out.key("kind").value(static_cast<int>(symbol_kind(chunk.kind)));
    out.key("range");
    protocol::write(out, range);
    out.key("selectionRange");
    protocol::write(out, selection);
    open.push_back({static_cast<std::int32_t>(i), false});
  }
  while (!open.empty())
    close();
  out.end_array();
}

std::vector<protocol::SymbolInformation> symbol_information(const ChunkedText& chunked,
                                                            const PositionMapper& positions,
                                                            std::string_view uri) {
  std::vector<protocol::SymbolInformation> out;
  out.reserve(chunked.chunks.size());
  for (const Chunk& chunk : chunked.chunks) {
    protocol::SymbolInformation symbol;
    symbol.name = display_name(chunk);
    symbol.kind = symbol_kind(chunk.kind);
    symbol.uri = std::string(uri);
    symbol.range = ranges_of(chunk, positions).first;
    if (chunk.parent >= 0) {
      symbol.container_name =
          qualified_name(chunked.chunks, static_cast<std::size_t>(chunk.parent));
    }
    out.push_back(std::move(symbol));
  }
  return out;
}

}  // namespace chunkls
