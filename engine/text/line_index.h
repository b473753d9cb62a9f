// LineIndex: where the lines of a UTF-8 text start, as LSP defines lines (ended by "\n",
// "\r\n" or a lone "\r"), kept up to date edit by edit without rescanning the file.
// It also maps bytes to tree-sitter points, whose rows count '\n' only: the two agree
// unless the text has lone '\r' terminators, which the index tracks for that reason.
//
// A plain value owned by whoever owns the text (a Document); it does not keep the text,
// so calls that need bytes take the text they describe. Const calls are safe from any
// thread; apply_edit needs exclusive access.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "engine/text/text_range.h"

namespace chunkls {

class LineIndex {
 public:
  explicit LineIndex(std::string_view text);

  // At least 1: "" has one line, "a\n" two (the last empty).
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(starts_.size()); }
  // Byte offset where `line` starts; line_count() and beyond give the text size, so
  // [line_start(l), line_start(l + 1)) is a line with its terminator.
  std::uint32_t line_start(std::uint32_t line) const;
  // The line holding `byte`; a terminator byte belongs to the line it ends, and a byte
  // at or past the end of the text to the last line. O(log lines).
  std::uint32_t line_of(std::uint32_t byte) const;
  // The line's content without its terminator. `text` is the text this index describes.
  std::string_view line_text(std::uint32_t line, std::string_view text) const;
  // Size of the text this index describes.
  std::uint32_t text_size() const { return size_; }
  // Lines ended by a lone '\r' (neither tree-sitter nor most tools count them).
  std::uint32_t lone_cr_count() const { return static_cast<std::uint32_t>(lone_cr_.size()); }

  // After text[start_byte, old_end_byte) was replaced by `inserted_length` bytes;
  // `new_text_after_edit` is the whole new text. Rescans only the bytes around the edit
  // (a "\r" and "\n" can merge into one terminator or split at either edge) and shifts
  // the later line starts. Throws std::invalid_argument when the sizes do not add up.
  void apply_edit(std::uint32_t start_byte, std::uint32_t old_end_byte,
                  std::string_view new_text_after_edit, std::uint32_t inserted_length);

  // tree-sitter's point of `byte` (clamped to the text): row = '\n' bytes before it,
  // column = bytes since the last '\n'. O(log lines); O(log^2 lines) with lone '\r's.
  Point ts_point(std::uint32_t byte, std::string_view text) const;

  friend bool operator==(const LineIndex&, const LineIndex&) = default;

 private:
  static bool starts_line(std::string_view text, std::uint32_t pos);
  // Number of lone-'\r' line starts at or before `pos`.
  std::uint32_t lone_cr_up_to(std::uint32_t pos) const;

  std::vector<std::uint32_t> starts_;   // starts_[0] == 0, strictly increasing
  std::vector<std::uint32_t> lone_cr_;  // the line starts that follow a lone '\r'
  std::uint32_t size_ = 0;
};

}  // namespace chunkls
