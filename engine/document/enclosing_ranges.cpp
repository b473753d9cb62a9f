#include "engine/document/enclosing_ranges.h"

#include <algorithm>

namespace chunkls {

std::vector<ByteSpan> enclosing_spans(const Tree& tree, std::uint32_t byte) {
  std::vector<ByteSpan> out;
  if (!tree) return out;
  const TSNode root = tree.root();
  const TSNode target = ts_node_descendant_for_byte_range(root, byte, byte);
  // One descent from the root gives every ancestor; ts_node_parent would restart from
  // the root for each of them.
  std::vector<TSNode> path{root};
  if (!ts_node_is_null(target)) {
    while (!ts_node_eq(path.back(), target)) {
      const TSNode next = ts_node_child_with_descendant(path.back(), target);
      if (ts_node_is_null(next)) break;
      path.push_back(next);
    }
  }
  std::reverse(path.begin(), path.end());
  for (const TSNode node : path) {
    const ByteSpan span{ts_node_start_byte(node), ts_node_end_byte(node)};
    // Parents often share their only child's span; LSP wants each range to grow.
    if (!out.empty()) {
      const ByteSpan& inner = out.back();
      if (span == inner || span.start > inner.start || span.end < inner.end) continue;
    }
    out.push_back(span);
  }
  return out;
}

}  // namespace chunkls
