// TextEdit: one replacement of a byte range of a document's text, the unit a Document
// applies. Offsets are bytes into the text as it is before this edit; edits in a row
// each refer to the text the previous one produced (LSP's incremental sync order).
//
// A plain value; safe to copy and to read from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace chunkls {

struct TextEdit {
  std::uint32_t start_byte = 0;
  std::uint32_t old_end_byte = 0;  // exclusive; start_byte == old_end_byte inserts
  std::string new_text;            // empty deletes
  friend bool operator==(const TextEdit&, const TextEdit&) = default;
};

}  // namespace chunkls
