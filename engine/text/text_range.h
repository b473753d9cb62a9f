// Positions in a text as the engine counts them: byte offsets and tree-sitter points
// (row, byte column), zero-based; rows count '\n' only (see LineIndex for LSP lines).
// Protocol layers convert them to their own encodings.
//
// Value types with no shared state: safe to copy and to read from any thread.
#pragma once

#include <cstdint>

namespace chunkls {

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

}  // namespace chunkls
