// Engine behaviour on small inputs whose right answer is obvious by reading them.
#include "engine/chunks/chunker.h"

#include <gtest/gtest.h>

#include "random_edits.h"
#include "test_support.h"

namespace chunkls {
namespace {

using testing::chunk;
using testing::find_chunk;
using testing::qualified_names;

constexpr std::string_view kPython = R"py(import os
import sys

# Helper for the module.
# Second line of its doc.
@decorator
@other(arg=1)
def top(a, b=2) -> int:
    def inner():
        return 1
    return inner()

x = 1  # trailing comment of x
class Shape(Base):
    """Doc."""
    sides: int = 0

    def area(self):
        return 0

    @property
    def name(self):
        return "shape"

    def area(self, scale):
        return 1
)py";

TEST(Chunker, PythonTreeNamesKindsAndNesting) {
  const auto out = chunk("python", kPython);
  EXPECT_EQ(qualified_names(out),
            (std::vector<std::string>{"top", "top.inner", "x", "Shape", "Shape.sides", "Shape.area",
                                      "Shape.name", "Shape.area"}));
  const Chunk* top = find_chunk(out, "top");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->kind, ChunkKind::kFunction);
  EXPECT_EQ(top->detail, "def top(a, b=2) -> int");
  EXPECT_EQ(top->depth, 0u);
  EXPECT_EQ(top->parent, -1);
  const Chunk* inner = find_chunk(out, "top.inner");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->kind, ChunkKind::kFunction);
  EXPECT_EQ(inner->depth, 1u);
  EXPECT_EQ(&out.chunks[inner->parent], top);
  EXPECT_EQ(find_chunk(out, "Shape")->kind, ChunkKind::kClass);
  EXPECT_EQ(find_chunk(out, "Shape.sides")->kind, ChunkKind::kField);
  EXPECT_EQ(find_chunk(out, "Shape.name")->kind, ChunkKind::kMethod);
  EXPECT_EQ(find_chunk(out, "x")->kind, ChunkKind::kVariable);
}

TEST(Chunker, DecoratorsAndDocCommentsBelongToTheirDefinition) {
  const auto out = chunk("python", kPython);
  const Chunk* top = find_chunk(out, "top");
  ASSERT_NE(top, nullptr);
  EXPECT_EQ(top->range.start.row, 3u) << "starts at '# Helper for the module.'";
  EXPECT_EQ(top->range.start.column, 0u);
  EXPECT_EQ(top->definition.start.row, 7u) << "the def line itself";
  EXPECT_EQ(top->selection.start.row, 7u);
  EXPECT_EQ(top->selection.start.column, 4u);
  EXPECT_EQ(top->range.end.row, 10u);
  // The trailing comment of `x = 1` must not be taken as Shape's doc comment.
  const Chunk* shape = find_chunk(out, "Shape");
  EXPECT_EQ(shape->range.start.row, 13u);
  // A decorated method starts at its decorator.
  const Chunk* name = find_chunk(out, "Shape.name");
  EXPECT_EQ(name->range.start.row, 20u);
  EXPECT_EQ(name->selection.start.row, 21u);
}

TEST(Chunker, SelectionIsInsideRangeAndNamesAreNeverEmpty) {
  for (const char* lang : {"python", "c"}) {
    const auto out =
        chunk(lang, lang == std::string("c") ? "int f(void) { return 0; }\nstruct S { int a; };\n"
                                             : kPython);
    ASSERT_FALSE(out.chunks.empty()) << lang;
    for (const Chunk& c : out.chunks) {
      EXPECT_FALSE(c.name.empty());
      EXPECT_LE(c.range.start_byte, c.selection.start_byte) << c.name;
      EXPECT_LE(c.selection.end_byte, c.range.end_byte) << c.name;
      EXPECT_LE(c.range.start_byte, c.definition.start_byte) << c.name;
      EXPECT_LE(c.definition.end_byte, c.range.end_byte) << c.name;
    }
  }
}

TEST(Chunker, IdsAreStableAndOverloadsGetOrdinals) {
  const auto a = chunk("python", kPython, "pkg/shape.py");
  const auto b = chunk("python", std::string("\n\n") + std::string(kPython), "pkg/shape.py");
  ASSERT_EQ(a.chunks.size(), b.chunks.size());
  for (std::size_t i = 0; i < a.chunks.size(); ++i) {
    EXPECT_EQ(a.chunks[i].id, b.chunks[i].id)
        << "moving code down keeps ids: " << qualified_name(a.chunks, i);
    EXPECT_EQ(a.chunks[i].content_hash, b.chunks[i].content_hash) << "same bytes, same hash";
  }
  // The two Shape.area overloads differ by ordinal.
  std::vector<std::uint64_t> area_ids;
  for (std::size_t i = 0; i < a.chunks.size(); ++i) {
    if (qualified_name(a.chunks, i) == "Shape.area") area_ids.push_back(a.chunks[i].id);
  }
  ASSERT_EQ(area_ids.size(), 2u);
  EXPECT_NE(area_ids[0], area_ids[1]);
  // Another path gives other ids.
  const auto c = chunk("python", kPython, "other.py");
  EXPECT_NE(a.chunks[0].id, c.chunks[0].id);
  EXPECT_EQ(chunk_id_hex(a.chunks[0].id).size(), 16u);
}

TEST(Chunker, ContentHashFollowsTheBytes) {
  const auto a = chunk("python", "def f():\n    return 1\n");
  const auto b = chunk("python", "def f():\n    return 2\n");
  ASSERT_EQ(a.chunks.size(), 1u);
  ASSERT_EQ(b.chunks.size(), 1u);
  EXPECT_EQ(a.chunks[0].id, b.chunks[0].id);
  EXPECT_NE(a.chunks[0].content_hash, b.chunks[0].content_hash);
}

TEST(Chunker, FoldsCoverChunksCommentsImportsAndRegions) {
  const std::string text =
      "import os\n"       // 0
      "import sys\n"      // 1
      "# region Setup\n"  // 2
      "# one\n"           // 3
      "# two\n"           // 4
      "def f():\n"        // 5
      "    data = [\n"    // 6
      "        1,\n"      // 7
      "    ]\n"           // 8
      "# endregion\n";    // 9
  const auto out = chunk("python", text);
  auto fold_at = [&](std::uint32_t row) -> const Fold* {
    for (const Fold& f : out.folds) {
      if (f.start_row == row) return &f;
    }
    return nullptr;
  };
  ASSERT_NE(fold_at(0), nullptr);
  EXPECT_EQ(fold_at(0)->kind, FoldKind::kImports);
  EXPECT_EQ(fold_at(0)->end_row, 1u);
  ASSERT_NE(fold_at(2), nullptr);
  EXPECT_EQ(fold_at(2)->kind, FoldKind::kRegion);
  EXPECT_EQ(fold_at(2)->end_row, 9u);
  ASSERT_NE(fold_at(3), nullptr);
  EXPECT_EQ(fold_at(3)->kind, FoldKind::kComment);
  EXPECT_EQ(fold_at(3)->end_row, 4u);
  ASSERT_NE(fold_at(5), nullptr);
  EXPECT_EQ(fold_at(5)->end_row, 8u);
  ASSERT_NE(fold_at(6), nullptr);
  EXPECT_EQ(fold_at(6)->end_row, 8u);
  for (std::size_t i = 1; i < out.folds.size(); ++i) {
    EXPECT_LT(out.folds[i - 1].start_row, out.folds[i].start_row)
        << "one fold per start row, sorted";
  }
  for (const Fold& f : out.folds)
    EXPECT_GT(f.end_row, f.start_row);
}

TEST(Chunker, CFunctionsIncludingPointerReturnsAndMacros) {
  const auto out = chunk("c",
                         "/* doc */\n"
                         "static char **names(int n) {\n  return 0;\n}\n"
                         "#define MAX(a, b) ((a) > (b) ? (a) : (b))\n"
                         "typedef struct { int x; } point;\n"
                         "enum color { RED, GREEN };\n");
  EXPECT_EQ(qualified_names(out), (std::vector<std::string>{"names", "MAX", "point", "point.x",
                                                            "color", "color.RED", "color.GREEN"}));
  const Chunk* names = find_chunk(out, "names");
  EXPECT_EQ(names->range.start.row, 0u) << "the block comment above is its doc";
  EXPECT_EQ(names->detail, "static char **names(int n)");
  EXPECT_EQ(find_chunk(out, "MAX")->kind, ChunkKind::kMacro);
  EXPECT_EQ(find_chunk(out, "point")->kind, ChunkKind::kStruct);
  EXPECT_EQ(find_chunk(out, "color.RED")->kind, ChunkKind::kEnumMember);
}

TEST(Chunker, ReparsingWithTheSameParserGivesTheSameAnswer) {
  Chunker chunker;
  const Language& py = testing::language("python");
  const Language& c = testing::language("c");
  const auto first = chunker.chunk(py, kPython);
  (void)chunker.chunk(c, "int main(void) { return 0; }");  // language switch in between
  const auto second = chunker.chunk(py, kPython);
  EXPECT_EQ(first.chunks, second.chunks);
  EXPECT_EQ(first.folds, second.folds);
}

}  // namespace
}  // namespace chunkls

namespace chunkls {
namespace {

// tree-sitter rows count '\n' only: with lone '\r' line breaks every node sits on row 0,
// yet the folds must be the LSP lines' (what clients fold by).
TEST(Folds, LoneCarriageReturnLinesFoldByLine) {
  const ChunkedText c =
      testing::chunk("javascript", "function a() {\r  return 1;\r}\rfunction b() {\r}\r");
  ASSERT_EQ(c.folds.size(), 2u);
  EXPECT_EQ(c.folds[0].start_row, 0u);
  EXPECT_EQ(c.folds[0].end_row, 2u);
  EXPECT_EQ(c.folds[1].start_row, 3u);
  EXPECT_EQ(c.folds[1].end_row, 4u);
}

TEST(Folds, CrlfAndLfTextsKeepTreeSitterRows) {
  const ChunkedText lf = testing::chunk("javascript", "function a() {\n  return 1;\n}\n");
  const ChunkedText crlf = testing::chunk("javascript", "function a() {\r\n  return 1;\r\n}\r\n");
  ASSERT_EQ(lf.folds.size(), 1u);
  ASSERT_EQ(crlf.folds.size(), 1u);
  EXPECT_EQ(lf.folds[0].end_row, 2u);
  EXPECT_EQ(crlf.folds[0].end_row, 2u);
}

}  // namespace
}  // namespace chunkls

namespace chunkls {
namespace {

// A walk that gave up must not stop the next one on the same Chunker (pooled Chunkers
// serve every document of a language): C's root has no query of its own, so nothing
// else would clear the cancellation before the walk checks it.
TEST(Chunker, AWalkThatGaveUpDoesNotStopTheNext) {
  std::string text;
  for (int i = 0; i < 3000; ++i)
    text += "int f" + std::to_string(i) + "(void) { return 0; }\n";
  const Language& c = testing::language("c");
  Chunker chunker;
  chunker.parser().set_language(c.grammar());
  Tree tree = chunker.parser().parse(text);
  ASSERT_TRUE(tree);
  const Deadline passed = Deadline::at(Deadline::Clock::now() - std::chrono::seconds(1));
  EXPECT_THROW(chunker.chunk_tree(c, tree, text, "t.c", passed), DeadlineExceeded);
  const ChunkedText again = chunker.chunk_tree(c, tree, text, "t.c", Deadline::never());
  EXPECT_EQ(again.chunks.size(), 3000u);
}

// Lone '\r' line breaks among CRLF and LF ones turn rows into lines and drop folds that
// end up on one line; the fold list stays sorted, one per line, each over two lines or
// more. Many mixes of line breaks, comments, blocks and calls, in C and Python.
TEST(Chunker, FoldsStayOrderedWithLoneCarriageReturns) {
  testing::RandomEdits random(99);
  const std::vector<std::string> breaks = {"\n", "\r\n", "\r"};
  for (int variant = 0; variant < 300; ++variant) {
    const bool python = variant % 2 == 1;
    std::string text;
    for (int i = 0; i < 12; ++i) {
      auto nl = [&] { return breaks[random.uniform(0, 2)]; };
      if (python) {
        text += "# note " + std::to_string(i) + nl() + "# more" + nl() + "import os" + nl() +
                "import sys" + nl() + "def f" + std::to_string(i) + "(a," + nl() +
                "      b):" + nl() + "    x = [1," + nl() + "         2]" + nl() + "    return a" +
                nl();
      } else {
        text += "// note " + std::to_string(i) + nl() + "// more" + nl() + "/* block" + nl() +
                "   end */" + nl() + "int f" + std::to_string(i) + "(int a," + nl() + "  int b) {" +
                nl() + "  g(1," + nl() + "    2);" + nl() + "  return a;" + nl() + "}" + nl();
      }
    }
    const ChunkedText chunked = testing::chunk(python ? "python" : "c", text, "t");
    for (std::size_t i = 0; i < chunked.folds.size(); ++i) {
      ASSERT_LT(chunked.folds[i].start_row, chunked.folds[i].end_row) << "variant " << variant;
      if (i > 0) {
        ASSERT_LT(chunked.folds[i - 1].start_row, chunked.folds[i].start_row)
            << "variant " << variant << " fold " << i;
      }
    }
  }
}

}  // namespace
}  // namespace chunkls
