#include "engine/chunks/chunk.h"

#include <fmt/format.h>

#include <vector>

namespace chunkls {

std::string chunk_id_hex(std::uint64_t id) {
  return fmt::format("{:016x}", id);
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
