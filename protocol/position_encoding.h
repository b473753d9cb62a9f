// LSP position encodings: a Position's character is counted in UTF-8 bytes, UTF-16 code
// units (the default) or UTF-32 code points. These functions convert between such a
// column and a byte offset within one line; lines themselves come from the engine's
// LineIndex (CRLF and lone CR are its business, not this file's).
//
// Invalid UTF-8 counts as one character per byte (U+FFFD, one unit in every encoding),
// and no conversion ever lands inside a character. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace chunkls::protocol {

enum class PositionEncoding : std::uint8_t { kUtf8, kUtf16, kUtf32 };

// "utf-8", "utf-16", "utf-32": LSP's PositionEncodingKind values.
std::string_view to_string(PositionEncoding encoding);
std::optional<PositionEncoding> position_encoding_from_string(std::string_view name);

// Byte offset in `line` (content without terminator) of `column` units. A column past
// the end gives line.size(); one inside a character gives that character's start.
std::uint32_t byte_of_column(std::string_view line, std::uint32_t column,
                             PositionEncoding encoding);

// Column, in units, of byte offset `byte` in `line`. A byte past the end gives the
// line's length; one inside a character counts up to that character's start.
std::uint32_t column_of_byte(std::string_view line, std::uint32_t byte, PositionEncoding encoding);

}  // namespace chunkls::protocol
