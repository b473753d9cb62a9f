#include "protocol/position_encoding.h"

#include <cstddef>

#include "protocol/utf8.h"

namespace chunkls::protocol {

namespace {

// An invalid byte stands for one U+FFFD, one character of its own.
std::size_t char_length(std::string_view line, std::size_t i) {
  const std::size_t length = utf8_sequence_length(line, i);
  return length == 0 ? 1 : length;
}

std::uint32_t units(std::size_t length, PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::kUtf8:
      return static_cast<std::uint32_t>(length);
    case PositionEncoding::kUtf16:
      return length == 4 ? 2 : 1;  // above U+FFFF: a surrogate pair
    case PositionEncoding::kUtf32:
      return 1;
  }
  return 1;
}

// Start of the character holding line[pos]: a valid sequence is at most 4 bytes, and a
// byte inside one can only be a continuation byte, which never starts another.
std::size_t char_start(std::string_view line, std::size_t pos) {
  for (std::size_t back = 1; back <= 3 && back <= pos; ++back) {
    if (char_length(line, pos - back) > back) return pos - back;
  }
  return pos;
}

}  // namespace

std::string_view to_string(PositionEncoding encoding) {
  switch (encoding) {
    case PositionEncoding::kUtf8:
      return "utf-8";
    case PositionEncoding::kUtf16:
      return "utf-16";
    case PositionEncoding::kUtf32:
      return "utf-32";
  }
  return "utf-16";
}

std::optional<PositionEncoding> position_encoding_from_string(std::string_view name) {
  for (PositionEncoding e :
       {PositionEncoding::kUtf8, PositionEncoding::kUtf16, PositionEncoding::kUtf32}) {
    if (name == to_string(e)) return e;
  }
  return std::nullopt;
}

std::uint32_t byte_of_column(std::string_view line, std::uint32_t column,
                             PositionEncoding encoding) {
  if (encoding == PositionEncoding::kUtf8) {
    // Units are bytes: no need to count from the line start, only to step back to the
    // start of the character the column falls in.
    if (column >= line.size()) return static_cast<std::uint32_t>(line.size());
    return static_cast<std::uint32_t>(char_start(line, column));
  }
  std::uint32_t counted = 0;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t length = char_length(line, i);
    const std::uint32_t width = units(length, encoding);
    if (column < counted + width) return static_cast<std::uint32_t>(i);
    counted += width;
    i += length;
  }
  return static_cast<std::uint32_t>(line.size());
}

std::uint32_t column_of_byte(std::string_view line, std::uint32_t byte, PositionEncoding encoding) {
  if (encoding == PositionEncoding::kUtf8) {
    if (byte >= line.size()) return static_cast<std::uint32_t>(line.size());
    return static_cast<std::uint32_t>(char_start(line, byte));
  }
  std::uint32_t counted = 0;
  for (std::size_t i = 0; i < line.size();) {
    const std::size_t length = char_length(line, i);
    if (byte < i + length) return counted;
    counted += units(length, encoding);
    i += length;
  }
  return counted;
}

}  // namespace chunkls::protocol
