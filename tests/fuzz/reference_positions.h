// The fuzzers' own model of LSP positions, written from the specification the slow and
// obvious way (scan from the start), to compare the real PositionMapper and LineIndex
// with: lines end at "\n", "\r\n" or a lone "\r"; a column counts UTF-8 bytes, UTF-16
// code units or code points; bytes that do not start a valid (strict) UTF-8 sequence
// count as one character each; a column past a line's end is its end, a line past the
// document's end is the document's end; a byte inside a character counts up to its start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/position_encoding.h"

namespace chunkls::fuzz {

// Length of the strict UTF-8 sequence at text[i]; 1 for a byte that starts none.
inline std::size_t reference_char_length(std::string_view text, std::size_t i) {
  const auto at = [&](std::size_t k) -> unsigned {
    return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0x100;
  };
  const auto in = [](unsigned b, unsigned lo, unsigned hi) { return b >= lo && b <= hi; };
  const unsigned b0 = at(0);
  if (b0 < 0x80) return 1;
  if (in(b0, 0xC2, 0xDF)) return in(at(1), 0x80, 0xBF) ? 2 : 1;
  if (in(b0, 0xE0, 0xEF)) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = b0 == 0xED ? 0x9F : 0xBF;
    return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) ? 3 : 1;
  }
  if (in(b0, 0xF0, 0xF4)) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return in(at(1), lo, hi) && in(at(2), 0x80, 0xBF) && in(at(3), 0x80, 0xBF) ? 4 : 1;
  }
  return 1;
}

inline std::uint32_t reference_units(std::size_t length, protocol::PositionEncoding encoding) {
  switch (encoding) {
    case protocol::PositionEncoding::kUtf8:
      return static_cast<std::uint32_t>(length);
    case protocol::PositionEncoding::kUtf16:
      return length == 4 ? 2 : 1;
    case protocol::PositionEncoding::kUtf32:
      return 1;
  }
  return 1;
}

// Each line's [start, end of content), by LSP's line ends.
inline std::vector<std::pair<std::size_t, std::size_t>> reference_lines(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      lines.emplace_back(start, i);
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  lines.emplace_back(start, text.size());
  return lines;
}

inline std::size_t reference_byte(std::string_view text, std::uint32_t line,
                                  std::uint32_t character, protocol::PositionEncoding encoding) {
  const auto lines = reference_lines(text);
  if (line >= lines.size()) return text.size();
  const auto [start, end] = lines[line];
  std::size_t pos = start;
  std::uint32_t column = 0;
  while (pos < end) {
    const std::size_t n = reference_char_length(text, pos);
    const std::uint32_t units = reference_units(n, encoding);
    if (column + units > character) break;
    column += units;
    pos += n;
  }
  return pos;
}

// {line, character} of a byte.
inline std::pair<std::uint32_t, std::uint32_t> reference_position(
    std::string_view text, std::size_t byte, protocol::PositionEncoding encoding) {
  byte = std::min(byte, text.size());
  const auto lines = reference_lines(text);
  std::uint32_t line = 0;
  // The line whose span (terminator included) holds the byte; the end belongs to the last.
  while (line + 1 < lines.size() && lines[line + 1].first <= byte)
    ++line;
  const auto [start, end] = lines[line];
  const std::size_t limit = std::min(byte, end);
  std::size_t pos = start;
  std::uint32_t column = 0;
  while (pos < limit) {
    const std::size_t n = reference_char_length(text, pos);
    if (pos + n > limit) break;
    column += reference_units(n, encoding);
    pos += n;
  }
  return {line, column};
}

}  // namespace chunkls::fuzz
