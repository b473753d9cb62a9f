#include "engine/text/line_index.h"

#include <gtest/gtest.h>
#include <sys/mman.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "random_edits.h"

namespace chunkls {
namespace {

std::vector<std::uint32_t> starts(const LineIndex& index) {
  std::vector<std::uint32_t> out;
  for (std::uint32_t l = 0; l < index.line_count(); ++l)
    out.push_back(index.line_start(l));
  return out;
}

// tree-sitter's rule, counted the slow way: rows end at '\n' only.
Point brute_ts_point(std::string_view text, std::uint32_t byte) {
  Point p;
  for (std::uint32_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++p.row;
      p.column = 0;
    } else {
      ++p.column;
    }
  }
  return p;
}

// Applies `edit` to `text` and `index` the way a Document does.
void apply(std::string& text, LineIndex& index, const TextEdit& edit) {
  text.replace(edit.start_byte, edit.old_end_byte - edit.start_byte, edit.new_text);
  index.apply_edit(edit.start_byte, edit.old_end_byte, text,
                   static_cast<std::uint32_t>(edit.new_text.size()));
}

TEST(LineIndex, EmptyTextHasOneEmptyLine) {
  const LineIndex index("");
  EXPECT_EQ(index.line_count(), 1u);
  EXPECT_EQ(index.line_start(0), 0u);
  EXPECT_EQ(index.line_start(1), 0u) << "one past the last line is the text size";
  EXPECT_EQ(index.line_of(0), 0u);
  EXPECT_EQ(index.line_of(7), 0u);
  EXPECT_EQ(index.line_text(0, ""), "");
}

TEST(LineIndex, TrailingNewlineMakesAnEmptyLastLine) {
  const std::string text = "a\n";
  const LineIndex index(text);
  EXPECT_EQ(index.line_count(), 2u);
  EXPECT_EQ(starts(index), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(index.line_text(0, text), "a");
  EXPECT_EQ(index.line_text(1, text), "");
  EXPECT_EQ(index.line_of(1), 0u) << "the '\\n' belongs to the line it ends";
  EXPECT_EQ(index.line_of(2), 1u);
}

TEST(LineIndex, AllThreeTerminators) {
  const std::string text = "ab\r\ncd\ref\ngh";
  const LineIndex index(text);
  EXPECT_EQ(starts(index), (std::vector<std::uint32_t>{0, 4, 7, 10}));
  EXPECT_EQ(index.lone_cr_count(), 1u);
  EXPECT_EQ(index.text_size(), text.size());
  EXPECT_EQ(index.line_start(4), text.size());
  EXPECT_EQ(index.line_text(0, text), "ab");
  EXPECT_EQ(index.line_text(1, text), "cd");
  EXPECT_EQ(index.line_text(2, text), "ef");
  EXPECT_EQ(index.line_text(3, text), "gh");
  EXPECT_EQ(index.line_text(9, text), "") << "past the last line";
  const std::vector<std::uint32_t> line_of_byte = {0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3};
  for (std::uint32_t b = 0; b < text.size(); ++b)
    EXPECT_EQ(index.line_of(b), line_of_byte[b]) << "byte " << b;
  EXPECT_EQ(index.line_of(12), 3u);
  EXPECT_EQ(index.line_of(1000), 3u);
}

TEST(LineIndex, CarriageReturnsNextToLineFeeds) {
  EXPECT_EQ(starts(LineIndex("\r\n")), (std::vector<std::uint32_t>{0, 2}));
  EXPECT_EQ(starts(LineIndex("\r")), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(starts(LineIndex("\n\r")), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(starts(LineIndex("\r\r\n")), (std::vector<std::uint32_t>{0, 1, 3}));
  EXPECT_EQ(starts(LineIndex("\n\r\n\r")), (std::vector<std::uint32_t>{0, 1, 3, 4}));
  EXPECT_EQ(LineIndex("\r\r\n\r").lone_cr_count(), 2u);
  const std::string text = "x\r\r\ny";
  EXPECT_EQ(LineIndex(text).line_text(0, text), "x");
  EXPECT_EQ(LineIndex(text).line_text(1, text), "");
  EXPECT_EQ(LineIndex(text).line_text(2, text), "y");
}

struct EditCase {
  std::string before;
  TextEdit edit;
  std::string after;
  std::vector<std::uint32_t> starts;
  std::uint32_t lone_cr;
};

TEST(LineIndex, EditsMergeAndSplitTerminatorsAtBothEdges) {
  const std::vector<EditCase> cases = {
      {"a\rb", {2, 2, "\n"}, "a\r\nb", {0, 3}, 0},             // "\n" after a "\r"
      {"a\nb", {1, 1, "\r"}, "a\r\nb", {0, 3}, 0},             // "\r" before a "\n"
      {"a\r\nb", {2, 3, ""}, "a\rb", {0, 2}, 1},               // delete the "\n" of "\r\n"
      {"a\r\nb", {1, 2, ""}, "a\nb", {0, 2}, 0},               // delete the "\r" of "\r\n"
      {"a\rx\nb", {2, 3, ""}, "a\r\nb", {0, 3}, 0},            // delete between "\r" and "\n"
      {"a\r\nb", {2, 2, "x"}, "a\rx\nb", {0, 2, 4}, 1},        // split "\r\n"
      {"a\r", {2, 2, "\n"}, "a\r\n", {0, 3}, 0},               // lone "\r" at the end
      {"a\r\n", {2, 3, ""}, "a\r", {0, 2}, 1},                 // back to a lone "\r"
      {"\nb", {0, 0, "\r"}, "\r\nb", {0, 2}, 0},               // at the very start
      {"a\r\r\nb", {1, 3, "\n\r"}, "a\n\r\nb", {0, 2, 4}, 0},  // replace across terminators
      {"l1\nl2\nl3\nl4", {1, 10, "X"}, "lX4", {0}, 0},         // several lines into one
      {"ab", {1, 1, "1\n2\r3\r\n4"}, "a1\n2\r3\r\n4b", {0, 3, 5, 8}, 1},
      {"a\rb\rc", {0, 5, ""}, "", {0}, 0},  // everything
  };
  for (const EditCase& c : cases) {
    std::string text = c.before;
    LineIndex index(text);
    apply(text, index, c.edit);
    ASSERT_EQ(text, c.after);
    EXPECT_EQ(starts(index), c.starts) << "after editing '" << c.before << "'";
    EXPECT_EQ(index.lone_cr_count(), c.lone_cr) << "after editing '" << c.before << "'";
    EXPECT_EQ(index, LineIndex(text)) << "after editing '" << c.before << "'";
  }
}

TEST(LineIndex, EditThatDoesNotMatchTheTextThrows) {
  LineIndex index("abc\n");
  EXPECT_THROW(index.apply_edit(0, 1, "abc\n", 2), std::invalid_argument);  // sizes differ
  EXPECT_THROW(index.apply_edit(2, 1, "abc\n", 0), std::invalid_argument);  // reversed
  EXPECT_THROW(index.apply_edit(0, 9, "", 0), std::invalid_argument);       // past the end
  EXPECT_EQ(index, LineIndex("abc\n")) << "a refused edit changes nothing";
}

// The largest text a 32-bit offset can end: an edit whose new end is UINT32_MAX must
// not wrap a loop counter. The text is 4 GiB of untouched anonymous memory (the kernel's
// zero page, so it costs address space, not RAM), plus one line break at the very end.
TEST(LineIndex, EditsAtTheFourGibibyteEdgeTerminate) {
  constexpr std::size_t kSize = std::numeric_limits<std::uint32_t>::max();
  void* memory = mmap(nullptr, kSize, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) GTEST_SKIP() << "cannot reserve 4 GiB of address space";
  // Read faults then map the kernel's huge zero page: 2,048 faults instead of a million.
  madvise(memory, kSize, MADV_HUGEPAGE);
  char* bytes = static_cast<char*>(memory);
  LineIndex index(std::string_view(bytes, kSize - 1));
  EXPECT_EQ(index.line_count(), 1u);
  bytes[kSize - 1] = '\n';  // one page becomes real memory
  index.apply_edit(static_cast<std::uint32_t>(kSize - 1), static_cast<std::uint32_t>(kSize - 1),
                   std::string_view(bytes, kSize), 1);
  EXPECT_EQ(index.line_count(), 2u);
  EXPECT_EQ(index.line_start(1), kSize);
  EXPECT_EQ(index.text_size(), kSize);
  munmap(memory, kSize);
}

TEST(LineIndex, TreeSitterPointsCountLineFeedsOnly) {
  const std::string crlf = "ab\r\ncd";
  const LineIndex a(crlf);
  EXPECT_EQ(a.ts_point(2, crlf), (Point{0, 2}));  // the '\r'
  EXPECT_EQ(a.ts_point(3, crlf), (Point{0, 3}));  // the '\n'
  EXPECT_EQ(a.ts_point(4, crlf), (Point{1, 0}));
  EXPECT_EQ(a.ts_point(6, crlf), (Point{1, 2}));
  EXPECT_EQ(a.ts_point(99, crlf), (Point{1, 2})) << "clamped to the end";

  // A lone '\r' ends an LSP line but not a tree-sitter row.
  const std::string mixed = "a\rb\nc\r\rd";
  const LineIndex b(mixed);
  EXPECT_EQ(b.line_of(2), 1u);
  EXPECT_EQ(b.ts_point(2, mixed), (Point{0, 2}));
  EXPECT_EQ(b.ts_point(3, mixed), (Point{0, 3}));
  EXPECT_EQ(b.ts_point(4, mixed), (Point{1, 0}));
  EXPECT_EQ(b.ts_point(7, mixed), (Point{1, 3}));
  EXPECT_EQ(b.ts_point(8, mixed), (Point{1, 4}));
  for (std::uint32_t byte = 0; byte <= mixed.size(); ++byte)
    EXPECT_EQ(b.ts_point(byte, mixed), brute_ts_point(mixed, byte)) << "byte " << byte;
}

struct Corpus {
  std::string name;
  std::string text;
};

std::vector<Corpus> corpus() {
  const auto stdlib = testing::python_stdlib_dir();
  std::vector<Corpus> out;
  for (const char* file : {"colorsys.py", "linecache.py", "fnmatch.py", "textwrap.py"})
    out.push_back({file, testing::read_text_file(stdlib / file)});
  out.push_back({"colorsys.py as CRLF", testing::to_crlf(out[0].text)});
  out.push_back({"textwrap.py as CRLF", testing::to_crlf(out[3].text)});
  out.push_back({"fnmatch.py with lone CR", testing::to_lone_cr(out[2].text)});
  out.push_back({"empty", ""});
  return out;
}

// After every random edit, the incrementally kept index equals a fresh one, and
// tree-sitter points equal a brute-force count near the edit and at random bytes.
TEST(LineIndex, RandomEditsKeepTheIndexEqualToAFreshOne) {
  std::uint32_t seed = 20240611;
  for (const Corpus& file : corpus()) {
    SCOPED_TRACE(file.name);
    testing::RandomEdits edits(seed++);
    std::string text = file.text;
    LineIndex index(text);
    for (int step = 0; step < 400; ++step) {
      const TextEdit edit = edits.next(text);
      apply(text, index, edit);
      ASSERT_EQ(index, LineIndex(text)) << "step " << step << " seed " << seed - 1;

      std::vector<Point> expected(text.size() + 1);
      for (std::uint32_t i = 0; i < text.size(); ++i) {
        expected[i + 1] = text[i] == '\n' ? Point{expected[i].row + 1, 0}
                                          : Point{expected[i].row, expected[i].column + 1};
      }
      std::vector<std::uint32_t> probes;
      const std::uint32_t edit_end = edit.start_byte + edit.new_text.size();
      for (std::uint32_t b = edit.start_byte >= 16 ? edit.start_byte - 16 : 0;
           b <= edit_end + 16 && b <= text.size(); ++b)
        probes.push_back(b);
      for (int i = 0; i < 32; ++i)
        probes.push_back(edits.uniform(0, text.size()));
      for (std::uint32_t b : probes)
        ASSERT_EQ(index.ts_point(b, text), expected[b]) << "byte " << b << " step " << step;
    }
  }
}

}  // namespace
}  // namespace chunkls
