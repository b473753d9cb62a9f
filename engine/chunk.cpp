#include "engine/chunk.h"

#include <array>
#include <utility>
#include <vector>

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

std::string qualified_name(const std::vector<Chunk>& chunks, std::size_t index,
                           std::size_t max_bytes) {
  // Innermost first, stopping once the budget is spent.
  std::vector<const std::string*> names;
  std::size_t bytes = 0;
  bool cut = false;
  for (std::int64_t at = static_cast<std::int64_t>(index);
       at >= 0 && static_cast<std::size_t>(at) < chunks.size();) {
    const Chunk& chunk = chunks[static_cast<std::size_t>(at)];
    const std::size_t more = chunk.name.size() + (names.empty() ? 0 : 1);
    if (!names.empty() && bytes + more > max_bytes) {
      cut = true;
      break;
    }
    names.push_back(&chunk.name);
    bytes += more;
    // Parents come before their children: a link that does not point back is broken.
    if (chunk.parent >= at) break;
    at = chunk.parent;
  }
  std::string out = cut ? "\xE2\x80\xA6." : "";  // "…."
  out.reserve(bytes + out.size());
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    if (it != names.rbegin()) out += '.';
    out += **it;
  }
  return out;
}

}  // namespace chunkls
