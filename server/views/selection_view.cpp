#include "server/views/selection_view.h"

#include <vector>

#include "engine/document/enclosing_ranges.h"

namespace chunkls {

std::vector<protocol::SelectionRange> selection_ranges(const Tree& tree,
                                                       const PositionMapper& positions,
                                                       std::span<const protocol::Position> at) {
  std::vector<protocol::SelectionRange> out;
  out.reserve(at.size());
  for (const protocol::Position& position : at) {
    protocol::SelectionRange selection;
    const std::uint32_t byte = positions.byte(position);
    std::vector<ByteSpan> spans = enclosing_spans(tree, byte);
    // A cursor right after a token (at the end of a line, before a space) selects that
    // token, as editors' "expand selection" does, unless a node starts at the cursor.
    if (byte > 0 && (spans.empty() || spans.front().start != byte)) {
      std::vector<ByteSpan> before = enclosing_spans(tree, byte - 1);
      if (!before.empty() && before.front().end == byte) spans = std::move(before);
    }
    // Every range must hold the position. The root node starts at the first token and
    // may end before trailing blank lines: a position outside it gets the whole document.
    std::erase_if(spans, [byte](const ByteSpan& s) { return byte < s.start || s.end < byte; });
    if (spans.empty() && tree) spans.push_back({0, positions.text_bytes()});
    for (const ByteSpan& span : spans) {
      protocol::Range range = positions.range(span.start, span.end);
      // Spans differ in bytes but may map to equal ranges (a node that is only a line
      // terminator); the specification wants each parent to be strictly larger.
      if (!selection.ranges.empty() && selection.ranges.back() == range) continue;
      selection.ranges.push_back(range);
    }
    if (selection.ranges.empty()) {
      // No tree (a language we cannot parse): the position itself.
      selection.ranges.push_back({positions.position(byte), positions.position(byte)});
    }
    out.push_back(std::move(selection));
  }
  return out;
}

}  // namespace chunkls
