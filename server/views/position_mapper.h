// PositionMapper: between the engine's byte offsets and LSP positions (line, column in
// the negotiated encoding) for one document's text. Converts one line at a time, never
// by rescanning the file.
//
// Out-of-range input is clamped as LSP wants: a column past the end of a line is the
// end of that line, a line past the end of the document is the end of the document.
//
// A view: borrows the text and its LineIndex, which must outlive it and stay
// unchanged while it is used. Used on the thread that owns the document.
#pragma once

#include <string_view>

#include "engine/text/line_index.h"
#include "protocol/lsp_types.h"
#include "protocol/position_encoding.h"

namespace chunkls {

class PositionMapper {
 public:
  PositionMapper(std::string_view text, const LineIndex& lines, protocol::PositionEncoding encoding)
      : text_(text), lines_(lines), encoding_(encoding) {}

  protocol::Position position(std::uint32_t byte) const;
  protocol::Range range(std::uint32_t start_byte, std::uint32_t end_byte) const;
  std::uint32_t byte(const protocol::Position& position) const;
  // The line's content without its terminator.
  std::string_view line_text(std::uint32_t line) const { return lines_.line_text(line, text_); }
  std::uint32_t line_count() const { return lines_.line_count(); }
  std::uint32_t line_start(std::uint32_t line) const { return lines_.line_start(line); }
  std::uint32_t text_bytes() const { return static_cast<std::uint32_t>(text_.size()); }

 private:
  std::string_view text_;
  const LineIndex& lines_;
  protocol::PositionEncoding encoding_;
};

}  // namespace chunkls
