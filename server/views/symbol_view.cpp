#include "server/views/symbol_view.h"

#include <algorithm>

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
      return SymbolKind::kInterface;
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

std::vector<protocol::DocumentSymbol> document_symbols(const ChunkedText& chunked,
                                                       const PositionMapper& positions) {
  const auto& chunks = chunked.chunks;
  // Chunks are in pre-order with parents first: build bottom-up by attaching each
  // finished symbol to its parent, iterating backwards so children keep their order.
  std::vector<protocol::DocumentSymbol> symbols(chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& chunk = chunks[i];
    auto [range, selection] = ranges_of(chunk, positions);
    symbols[i].name = display_name(chunk);
    symbols[i].detail = chunk.detail;
    symbols[i].kind = symbol_kind(chunk.kind);
    symbols[i].range = range;
    symbols[i].selection_range = selection;
  }
  std::vector<protocol::DocumentSymbol> roots;
  for (std::size_t i = chunks.size(); i-- > 0;) {
    const std::int32_t parent = chunks[i].parent;
    if (parent >= 0 && static_cast<std::size_t>(parent) < i) {
      symbols[static_cast<std::size_t>(parent)].children.push_back(std::move(symbols[i]));
    } else {
      roots.push_back(std::move(symbols[i]));
    }
  }
  // Children and roots were collected last-first.
  std::reverse(roots.begin(), roots.end());
  std::vector<protocol::DocumentSymbol*> stack;
  for (auto& root : roots)
    stack.push_back(&root);
  while (!stack.empty()) {
    protocol::DocumentSymbol* symbol = stack.back();
    stack.pop_back();
    std::reverse(symbol->children.begin(), symbol->children.end());
    for (auto& child : symbol->children)
      stack.push_back(&child);
  }
  return roots;
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
