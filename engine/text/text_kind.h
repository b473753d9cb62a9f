// Classifies raw bytes before they reach a parser: text or binary, and whether the
// text is valid UTF-8.
//
// Pure functions over a byte view; no state, safe from any thread.
#pragma once

#include <cstddef>
#include <string_view>

namespace chunkls {

// A NUL byte in the first `probe` bytes marks a file as binary (git's rule).
bool looks_binary(std::string_view bytes, std::size_t probe = 8000);

// Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// The longest prefix of `text` no longer than `max_bytes` that does not cut a UTF-8
// sequence in half.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace chunkls
