// EditScript: the keystrokes a benchmark replays, made deterministically from a seed.
// Edits come in pairs: type one letter right after an identifier character on an
// indented code line (a statement in a function body, a member in a class or interface),
// then delete it again, so the document is back to the original after every pair and
// stays (nearly always) as valid as it was.
//
// Plain values; make_edit_script is a pure function. Thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace chunkls::bench {

// One single-character change. Positions are in the document as it is just before the
// edit; the file has no lone '\r' (make_edit_script checks), so lines end at '\n'.
struct TextEdit {
  std::uint32_t line = 0;          // 0-based
  std::uint32_t byte_column = 0;   // bytes from the line start (tree-sitter's column)
  std::uint32_t utf16_column = 0;  // the same position in UTF-16 code units (LSP's)
  std::uint32_t byte_offset = 0;   // bytes from the document start
  std::string inserted;            // one ASCII letter, or empty for a deletion
  std::uint32_t deleted = 0;       // bytes (and UTF-16 units) removed: 0 or 1
};

// `count` edits (pairs of insert, delete; an odd count ends on an insert). Throws
// std::invalid_argument when the text has a lone '\r' or no line to edit.
std::vector<TextEdit> make_edit_script(std::string_view text, std::size_t count,
                                       std::uint64_t seed);

// Applies `edit` to `text` (the text it was made for).
void apply(std::string& text, const TextEdit& edit);

// Code units of `utf8` in UTF-16 (4-byte sequences count 2).
std::uint32_t utf16_length(std::string_view utf8);

nlohmann::json to_json(const TextEdit& edit);

}  // namespace chunkls::bench
