#include "server/views/position_mapper.h"

#include <algorithm>

namespace chunkls {

protocol::Position PositionMapper::position(std::uint32_t byte) const {
  byte = std::min<std::uint32_t>(byte, static_cast<std::uint32_t>(text_.size()));
  const std::uint32_t line = lines_.line_of(byte);
  const std::uint32_t start = lines_.line_start(line);
  // A byte inside the terminator maps to the end of the line's content.
  return {line, protocol::column_of_byte(line_text(line), byte - start, encoding_)};
}

protocol::Range PositionMapper::range(std::uint32_t start_byte, std::uint32_t end_byte) const {
  return {position(start_byte), position(std::max(start_byte, end_byte))};
}

std::uint32_t PositionMapper::byte(const protocol::Position& position) const {
  if (position.line >= lines_.line_count()) return static_cast<std::uint32_t>(text_.size());
  return lines_.line_start(position.line) +
         protocol::byte_of_column(line_text(position.line), position.character, encoding_);
}

}  // namespace chunkls
