// Text rules the protocol layer shares: how long a valid UTF-8 sequence is, so writers
// and readers agree on what is replaced with U+FFFD, and the hex digits of escapes (%XX
// in URIs, \uXXXX in JSON strings).
//
// Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace chunkls::protocol {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the bytes there are
// not one (stray continuation, truncated, overlong, surrogate, above U+10FFFF).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The value of a hex digit (either case), or -1.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace chunkls::protocol
