// The chunk data model: a Chunk is a syntactic unit worth naming (function, class,
// method, namespace, ...), a Fold is a line span worth folding. Both are plain values
// produced by the Chunker; document symbols, folding ranges, the indexer and the caches
// are all views of one chunk list per document.
//
// Positions are tree-sitter's: byte offsets and (row, byte column), zero-based. Protocol
// layers convert them to their own encodings; nothing here knows LSP.
//
// Value types with no shared state: safe to copy and to read from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

struct Point {
  std::uint32_t row = 0;
  std::uint32_t column = 0;  // bytes from the line start
  friend bool operator==(const Point&, const Point&) = default;
};

struct TextRange {
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  Point start;
  Point end;
  friend bool operator==(const TextRange&, const TextRange&) = default;
};

struct Chunk {
  std::string id;  // stable: hash of path, kind, qualified name, ordinal
  ChunkKind kind = ChunkKind::kFunction;
  std::string name;                // never empty
  std::string qualified_name;      // parent names joined with '.'
  std::string detail;              // the signature: header text up to the body
  TextRange range;                 // whole chunk, including attached docs and decorators
  TextRange definition;            // the definition node alone (what folds)
  TextRange selection;             // the name; always inside `range`
  std::int32_t parent = -1;        // index into the chunk list, -1 at top level
  std::string parent_id;           // empty at top level
  std::uint32_t depth = 0;         // 0 at top level
  std::uint64_t content_hash = 0;  // xxh3 of the bytes of `range`
  friend bool operator==(const Chunk&, const Chunk&) = default;
};

struct Fold {
  std::uint32_t start_row = 0;
  std::uint32_t end_row = 0;  // > start_row
  std::uint32_t start_byte = 0;
  std::uint32_t end_byte = 0;
  std::uint32_t start_column = 0;  // bytes
  std::uint32_t end_column = 0;    // bytes
  FoldKind kind = FoldKind::kBlock;
  friend bool operator==(const Fold&, const Fold&) = default;
};

}  // namespace chunkls
