// UTF-8 decoding rules the protocol layer shares: how long a valid sequence is, so
// writers and readers agree on what is replaced with U+FFFD.
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

}  // namespace chunkls::protocol
