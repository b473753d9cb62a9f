// Fuzz target, differential: a Document edited as the server edits it for didChange
// (LSP ranges in one of the three encodings, turned into bytes by PositionMapper, then
// Document::edit), sometimes reparsed in between, must end up as a fresh Document of
// the resulting text: the same text as the fuzzer's own model, the same LineIndex as one
// built from scratch, the same canonical tree as a fresh document's (node types, bytes
// and points: an edit's points come from the incrementally kept index), and positions mapped as
// tests/fuzz/reference_positions.h says LSP means them. An edit refused for the size
// limit changes nothing.
//
// Input: [language][encoding][size limit][edit count] then per edit [start line, start
// column, end line, end column, reparse flag: 1 byte each][inserted text: count + bytes],
// then the document's text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/document/document.h"
#include "server/views/position_mapper.h"
#include "tests/fuzz/fuzz_check.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/fuzz_languages.h"
#include "tests/fuzz/reference_positions.h"

namespace {

using namespace chunkls;
using protocol::PositionEncoding;

std::string describe(TSNode n) {
  const TSPoint s = ts_node_start_point(n);
  const TSPoint e = ts_node_end_point(n);
  return std::string(ts_node_type(n)) + " [" + std::to_string(ts_node_start_byte(n)) + ", " +
         std::to_string(ts_node_end_byte(n)) + ") (" + std::to_string(s.row) + ":" +
         std::to_string(s.column) + ")-(" + std::to_string(e.row) + ":" + std::to_string(e.column) +
         ")";
}

// The first node (pre-order) whose type, bytes or points differ; empty when none does.
std::string first_difference(const Tree& a, const Tree& b) {
  TreeCursor ca(a.root());
  TreeCursor cb(b.root());
  while (true) {
    const std::string da = describe(ca.node());
    const std::string db = describe(cb.node());
    if (da != db) return da + " vs " + db;
    const bool more_a = ca.next();
    const bool more_b = cb.next();
    if (more_a != more_b) return "different node counts";
    if (!more_a) return {};
  }
}

// tree-sitter's point of a byte: rows count '\n' only.
Point reference_point(std::string_view text, std::size_t byte) {
  Point p;
  for (std::size_t i = 0; i < byte; ++i) {
    if (text[i] == '\n') {
      ++p.row;
      p.column = 0;
    } else {
      ++p.column;
    }
  }
  return p;
}

void check_positions(const Document& doc, PositionEncoding encoding) {
  const std::string_view text = doc.text();
  const PositionMapper mapper(text, doc.lines(), encoding);
  // Every byte of a short text, a sample of a long one, and the end.
  const std::size_t step = std::max<std::size_t>(1, text.size() / 256);
  std::vector<std::size_t> bytes;
  for (std::size_t b = 0; b < text.size(); b += step)
    bytes.push_back(b);
  bytes.push_back(text.size());
  for (const std::size_t b : bytes) {
    const protocol::Position got = mapper.position(static_cast<std::uint32_t>(b));
    const auto [line, character] = fuzz::reference_position(text, b, encoding);
    FUZZ_CHECK(got.line == line && got.character == character,
               "byte " + std::to_string(b) + ": " + std::to_string(got.line) + ":" +
                   std::to_string(got.character) + ", expected " + std::to_string(line) + ":" +
                   std::to_string(character));
    const Point point = doc.lines().ts_point(static_cast<std::uint32_t>(b), text);
    const Point expected = reference_point(text, b);
    FUZZ_CHECK(point.row == expected.row && point.column == expected.column,
               "the tree-sitter point of byte " + std::to_string(b));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FuzzInput input(data, size);
  const Language& language = fuzz::language_for(input.byte());
  const auto encoding = static_cast<PositionEncoding>(input.byte() % 3);
  // 0: the default limit; else a small one, to refuse some edits.
  const std::uint8_t limit = input.byte();
  DocumentLimits limits;
  if (limit != 0) limits.max_bytes = std::uint64_t{limit} * 64;
  const std::size_t edit_count = input.byte() % 16;
  struct PlannedEdit {
    std::uint32_t start_line, start_column, end_line, end_column;
    bool reparse;
    std::string_view text;
  };
  std::vector<PlannedEdit> edits;
  for (std::size_t i = 0; i < edit_count; ++i) {
    PlannedEdit e{input.byte(), input.byte(), input.byte(), input.byte(), input.flag(), {}};
    e.text = input.short_string(64);
    edits.push_back(e);
  }
  std::string model(input.rest());
  if (model.size() > limits.max_bytes) return 0;

  Document doc(language, model, "fuzz");
  for (const PlannedEdit& e : edits) {
    // Lines a little past the end, as clients send after deleting every line.
    const std::uint32_t lines = doc.lines().line_count();
    const protocol::Position start{e.start_line % (lines + 2), e.start_column};
    const protocol::Position end{e.end_line % (lines + 2), e.end_column};
    const PositionMapper mapper(doc.text(), doc.lines(), encoding);
    std::uint32_t start_byte = mapper.byte(start);
    std::uint32_t end_byte = mapper.byte(end);
    std::size_t model_start = fuzz::reference_byte(model, start.line, start.character, encoding);
    std::size_t model_end = fuzz::reference_byte(model, end.line, end.character, encoding);
    FUZZ_CHECK(start_byte == model_start && end_byte == model_end,
               "mapped to [" + std::to_string(start_byte) + ", " + std::to_string(end_byte) +
                   "), expected [" + std::to_string(model_start) + ", " +
                   std::to_string(model_end) + ")");
    if (end_byte < start_byte) {  // what the server does with a reversed range
      std::swap(start_byte, end_byte);
      std::swap(model_start, model_end);
    }
    try {
      doc.edit({start_byte, end_byte, std::string(e.text)});
      model.replace(model_start, model_end - model_start, e.text);
    } catch (const DocumentTooLarge&) {
      FUZZ_CHECK(model.size() - (model_end - model_start) + e.text.size() > limits.max_bytes,
                 "refused an edit within the limit");
    }
    FUZZ_CHECK(doc.text() == model, "the text differs from the model after an edit");
    FUZZ_CHECK(doc.lines() == LineIndex(model), "the line index differs from a fresh one");
    if (e.reparse) doc.reparse();
  }
  check_positions(doc, encoding);

  // The canonical trees: with syntax errors an incremental parse may recover differently
  // (document.h), and even a fresh document's canonical tree re-parses its constructs
  // with errors one by one, which need not match one whole parse; what must hold is
  // that the tree does not depend on the edit history.
  Document fresh(language, model, "fuzz");
  const std::string difference = first_difference(doc.canonical_tree(), fresh.canonical_tree());
  FUZZ_CHECK(difference.empty(), "the tree differs from a fresh document's: " + difference);
  return 0;
}
