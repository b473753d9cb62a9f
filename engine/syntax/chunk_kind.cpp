#include "engine/syntax/chunk_kind.h"

#include <array>
#include <utility>

namespace chunkls {
namespace {

constexpr std::array<std::pair<ChunkKind, std::string_view>, 22> kKindNames{{
    {ChunkKind::kModule, "module"},
    {ChunkKind::kNamespace, "namespace"},
    {ChunkKind::kPackage, "package"},
    {ChunkKind::kClass, "class"},
    {ChunkKind::kStruct, "struct"},
    {ChunkKind::kInterface, "interface"},
    {ChunkKind::kTrait, "trait"},
    {ChunkKind::kImpl, "impl"},
    {ChunkKind::kEnum, "enum"},
    {ChunkKind::kEnumMember, "enum_member"},
    {ChunkKind::kUnion, "union"},
    {ChunkKind::kTypeAlias, "type"},
    {ChunkKind::kFunction, "function"},
    {ChunkKind::kMethod, "method"},
    {ChunkKind::kConstructor, "constructor"},
    {ChunkKind::kField, "field"},
    {ChunkKind::kProperty, "property"},
    {ChunkKind::kVariable, "variable"},
    {ChunkKind::kConstant, "constant"},
    {ChunkKind::kMacro, "macro"},
    {ChunkKind::kObject, "object"},
    {ChunkKind::kKey, "key"},
}};

}  // namespace

std::string_view to_string(ChunkKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

std::optional<ChunkKind> chunk_kind_from_string(std::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return std::nullopt;
}

std::string_view to_string(FoldKind kind) {
  switch (kind) {
    case FoldKind::kBlock:
      return "block";
    case FoldKind::kComment:
      return "comment";
    case FoldKind::kImports:
      return "imports";
    case FoldKind::kRegion:
      return "region";
  }
  return "block";
}

}  // namespace chunkls
