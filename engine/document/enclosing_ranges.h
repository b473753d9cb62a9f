// Enclosing spans: the nested syntax nodes around a byte, innermost first, which is
// what LSP's selectionRange (expand selection) walks through.
//
// Pure functions over a tree the caller owns; safe from any thread that may read it.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/syntax/ts_handles.h"

namespace chunkls {

struct ByteSpan {
  std::uint32_t start = 0;
  std::uint32_t end = 0;  // exclusive
  friend bool operator==(const ByteSpan&, const ByteSpan&) = default;
};

// From the smallest node at `byte` (named or anonymous, as
// ts_node_descendant_for_byte_range picks it: a node ending at `byte` loses to the one
// starting there) up through its ancestors, each span strictly containing the previous
// one, ending with the root's span. Empty when the tree is.
std::vector<ByteSpan> enclosing_spans(const Tree& tree, std::uint32_t byte);

}  // namespace chunkls
