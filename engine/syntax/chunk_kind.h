// The kinds of chunks and folds: the vocabulary our queries name (`@chunk.function`,
// `@fold.comment`; engine/queries/README.md) and the chunk model carries.
//
// Plain enums and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chunkls {

// Every kind has an LSP SymbolKind counterpart (see ARCHITECTURE.md), so symbols lose
// nothing. The spelling is what queries write after `@chunk.`.
enum class ChunkKind : std::uint8_t {
  kModule,
  kNamespace,
  kPackage,
  kClass,
  kStruct,
  kInterface,
  kTrait,
  kImpl,
  kEnum,
  kEnumMember,
  kUnion,
  kTypeAlias,
  kFunction,
  kMethod,
  kConstructor,
  kField,
  kProperty,
  kVariable,
  kConstant,
  kMacro,
  kObject,
  kKey,
};

std::string_view to_string(ChunkKind kind);
std::optional<ChunkKind> chunk_kind_from_string(std::string_view name);

enum class FoldKind : std::uint8_t { kBlock, kComment, kImports, kRegion };

std::string_view to_string(FoldKind kind);

}  // namespace chunkls
