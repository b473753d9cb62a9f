// textDocument/selectionRange: one chain per position, from the smallest syntax node at
// the position outwards, each parent strictly containing its child, ending with the whole
// document.
#include <gtest/gtest.h>

#include "lsp_test_support.h"

namespace chunkls::e2e {
namespace {

// The chain of ranges, innermost first.
std::vector<Json> chain(const Json& selection_range) {
  std::vector<Json> ranges;
  const Json* s = &selection_range;
  for (;;) {
    ranges.push_back(s->at("range"));
    if (!s->contains("parent")) return ranges;
    s = &s->at("parent");
  }
}

void expect_strictly_growing(const std::vector<Json>& ranges) {
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    EXPECT_TRUE(range_contains(ranges[i], ranges[i - 1]) && ranges[i] != ranges[i - 1])
        << ranges[i].dump() << " does not strictly contain " << ranges[i - 1].dump();
  }
}

constexpr const char* kPython = "def greet(name):\n    return name.upper()\n";

TEST(SelectionRange, InnermostIsTheSmallestNodeAndTheLastIsTheDocument) {
  LspClient client = start_initialized();
  open_document(client, "file:///s.py", "python", kPython);
  const Json result = selection_ranges(client, "file:///s.py", Json::array({position(1, 12)}));
  ASSERT_EQ(result.size(), 1u);
  const auto ranges = chain(result[0]);
  ASSERT_GE(ranges.size(), 4u) << result.dump();
  EXPECT_EQ(ranges[0], range(1, 11, 1, 15)) << "the identifier `name`";
  EXPECT_EQ(ranges[1], range(1, 11, 1, 21)) << "`name.upper`";
  EXPECT_EQ(ranges[2], range(1, 11, 1, 23)) << "`name.upper()`";
  EXPECT_EQ(ranges.back(), range(0, 0, 2, 0)) << "the whole document";
  expect_strictly_growing(ranges);
  const bool has_function =
      std::find(ranges.begin(), ranges.end(), range(0, 0, 1, 23)) != ranges.end();
  EXPECT_TRUE(has_function) << result.dump();
}

TEST(SelectionRange, OneAnswerPerPositionInOrder) {
  LspClient client = start_initialized();
  open_document(client, "file:///s.py", "python", kPython);
  const Json result = selection_ranges(
      client, "file:///s.py", Json::array({position(1, 17), position(0, 5), position(1, 12)}));
  ASSERT_EQ(result.size(), 3u) << result.dump();
  EXPECT_EQ(result[0]["range"], range(1, 16, 1, 21)) << "`upper`";
  EXPECT_EQ(result[1]["range"], range(0, 4, 0, 9)) << "`greet`";
  EXPECT_EQ(result[2]["range"], range(1, 11, 1, 15)) << "`name`";
  for (const Json& r : result)
    expect_strictly_growing(chain(r));
}

TEST(SelectionRange, JavaScriptChainThroughBlockAndFunction) {
  LspClient client = start_initialized();
  const std::string text = "function add(a, b) {\n  return a + b;\n}\n";
  open_document(client, "file:///s.js", "javascript", text);
  const Json result = selection_ranges(client, "file:///s.js", Json::array({position(1, 13)}));
  ASSERT_EQ(result.size(), 1u);
  const auto ranges = chain(result[0]);
  ASSERT_GE(ranges.size(), 5u) << result.dump();
  EXPECT_EQ(ranges[0], range(1, 13, 1, 14)) << "`b`";
  EXPECT_EQ(ranges[1], range(1, 9, 1, 14)) << "`a + b`";
  EXPECT_EQ(ranges.back(), range(0, 0, 3, 0));
  expect_strictly_growing(ranges);
  for (const Json& expected : {range(0, 19, 2, 1), range(0, 0, 2, 1)}) {
    EXPECT_NE(std::find(ranges.begin(), ranges.end(), expected), ranges.end())
        << expected.dump() << " missing from " << result.dump();
  }
}

TEST(SelectionRange, DocumentWithoutTrailingNewline) {
  LspClient client = start_initialized();
  open_document(client, "file:///t.py", "python", "x = 1\ny = 2");
  const Json result = selection_ranges(client, "file:///t.py", Json::array({position(1, 0)}));
  ASSERT_EQ(result.size(), 1u);
  const auto ranges = chain(result[0]);
  EXPECT_EQ(ranges[0], range(1, 0, 1, 1)) << result.dump();
  EXPECT_EQ(ranges.back(), range(0, 0, 1, 5)) << result.dump();
  expect_strictly_growing(ranges);
}

// The root node starts at the first token (here it ends at the end of the text): a
// position in the blank lines before it still gets ranges that hold it (LSP requires
// it; VS Code rejects the answer otherwise): the whole document. Found by bench/soak.sh.
TEST(SelectionRange, PositionsOutsideTheRootNodeGetTheWholeDocument) {
  LspClient client = start_initialized();
  open_document(client, "file:///b.py", "python", "\n\ndef a():\n    pass\n\n\n");
  const Json positions = Json::array({position(0, 0), position(5, 0), position(3, 6)});
  const Json result = selection_ranges(client, "file:///b.py", positions);
  ASSERT_EQ(result.size(), 3u) << result.dump();
  for (std::size_t i = 0; i < positions.size(); ++i) {
    const auto ranges = chain(result[i]);
    const Json at = {{"start", positions[i]}, {"end", positions[i]}};
    for (const Json& r : ranges)
      EXPECT_TRUE(range_contains(r, at)) << r.dump() << " misses " << positions[i].dump();
    expect_strictly_growing(ranges);
  }
  EXPECT_EQ(chain(result[0]), std::vector<Json>{range(0, 0, 6, 0)}) << result.dump();
}

}  // namespace
}  // namespace chunkls::e2e
