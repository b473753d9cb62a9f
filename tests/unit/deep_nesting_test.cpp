// Nesting 100,000 levels deep, in every language: chunking finishes with a well-formed
// chunk tree no deeper than the limit, says what it left out, and the ids stay unique.
// (tests/cli/ checks the same inputs for bounded memory in a separate process.) Also the
// limits themselves, and qualified names built from the parent links.
#include "deep_nesting.h"

#include <gtest/gtest.h>

#include <unordered_set>

#include "test_support.h"

namespace chunkls {
namespace {

constexpr int kDepth = 100000;

// Parent links, depths and ranges agree; ids are unique.
void expect_well_formed(const std::vector<Chunk>& chunks, std::uint32_t max_depth) {
  std::unordered_set<std::uint64_t> ids;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    const Chunk& c = chunks[i];
    ASSERT_LT(c.depth, max_depth) << i;
    ASSERT_TRUE(ids.insert(c.id).second) << "duplicate id at " << i;
    if (c.parent < 0) {
      ASSERT_EQ(c.depth, 0u) << i;
      continue;
    }
    const Chunk& parent = chunks[static_cast<std::size_t>(c.parent)];
    ASSERT_LT(static_cast<std::size_t>(c.parent), i);
    ASSERT_EQ(c.depth, parent.depth + 1) << i;
    ASSERT_LE(parent.range.start_byte, c.range.start_byte) << i;
    ASSERT_LE(c.range.end_byte, parent.range.end_byte) << i;
  }
}

class DeepNesting : public ::testing::TestWithParam<std::string> {};

TEST_P(DeepNesting, ChunksAreBoundedWellFormedAndSayWhatIsLeftOut) {
  const testing::NestedSource source = testing::nested_source(GetParam(), kDepth);
  Chunker chunker;
  const ChunkedText out =
      chunker.chunk(testing::language(source.language), source.text, source.file_name);
  expect_well_formed(out.chunks, ChunkLimits{}.max_depth);
  EXPECT_EQ(out.omission().empty(), out.omitted_too_deep == 0 && out.omitted_over_the_count == 0);
  if (out.omitted_too_deep > 0) {
    EXPECT_EQ(out.chunks.size() + out.omitted_too_deep, static_cast<std::size_t>(kDepth))
        << "each level is one chunk, listed or counted";
    EXPECT_NE(out.omission().find("nested deeper than 128 levels"), std::string::npos)
        << out.omission();
  }
  for (const Fold& f : out.folds)
    EXPECT_LT(f.start_row, f.end_row);
}

std::string language_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

INSTANTIATE_TEST_SUITE_P(EveryLanguage, DeepNesting,
                         ::testing::ValuesIn(testing::nested_languages()), language_name);

TEST(DeepNesting, LanguagesWhoseNestingIsChunksLeaveTheDeepestOut) {
  for (const std::string language : {"json", "cpp"}) {
    const testing::NestedSource source = testing::nested_source(language, kDepth);
    Chunker chunker;
    const ChunkedText out = chunker.chunk(testing::language(source.language), source.text);
    EXPECT_EQ(out.chunks.size(), 128u) << source.language;
    EXPECT_EQ(out.omitted_too_deep, static_cast<std::uint64_t>(kDepth - 128)) << source.language;
  }
}

TEST(ChunkLimits, DepthAndCountAreBoundedAsConfigured) {
  // Three top-level keys, each nesting three levels: 9 chunks in all.
  const std::string json = R"({"a": {"b": {"c": 1}}, "d": {"e": {"f": 1}}, "g": {"h": {"i": 1}}})";
  Chunker shallow(Chunker::Walk::kPlanned, {.max_depth = 2, .max_chunks = 100});
  const ChunkedText two_levels = shallow.chunk(testing::language("json"), json);
  EXPECT_EQ(testing::qualified_names(two_levels),
            (std::vector<std::string>{"a", "a.b", "d", "d.e", "g", "g.h"}));
  EXPECT_EQ(two_levels.omitted_too_deep, 3u);
  EXPECT_EQ(two_levels.omission(), "3 chunks nested deeper than 2 levels are not listed");

  Chunker few(Chunker::Walk::kPlanned, {.max_depth = 128, .max_chunks = 4});
  const ChunkedText four = few.chunk(testing::language("json"), json);
  EXPECT_EQ(testing::qualified_names(four), (std::vector<std::string>{"a", "a.b", "a.b.c", "d"}));
  EXPECT_EQ(four.omitted_over_the_count, 5u);
  EXPECT_EQ(four.omission(), "5 chunks past the first 4 are not listed");
  expect_well_formed(four.chunks, 128);
}

TEST(QualifiedName, JoinsTheParentNamesAndKeepsTheInnermostWhenLong) {
  const ChunkedText out = testing::chunk("json", R"({"outer": {"mid": {"inner": 1}}})");
  ASSERT_EQ(out.chunks.size(), 3u);
  EXPECT_EQ(qualified_name(out.chunks, 2), "outer.mid.inner");
  EXPECT_EQ(qualified_name(out.chunks, 2, 9), "\xE2\x80\xA6.mid.inner");
  EXPECT_EQ(qualified_name(out.chunks, 2, 3), "\xE2\x80\xA6.inner") << "its own name always";
}

// Ids come from the parent's id, the kind, the name and an ordinal among siblings: the
// same name under different parents, or twice under one parent, never collides, and
// an id does not change when an unrelated sibling is added before it.
TEST(ChunkIds, AreUniqueAndStableWithoutQualifiedNames) {
  const ChunkedText a = testing::chunk("json", R"({"x": {"k": 1, "k": 2}, "y": {"k": 3}})", "f");
  ASSERT_EQ(a.chunks.size(), 5u);
  expect_well_formed(a.chunks, 128);
  const ChunkedText b =
      testing::chunk("json", R"({"w": 0, "x": {"k": 1, "k": 2}, "y": {"k": 3}})", "f");
  ASSERT_EQ(b.chunks.size(), 6u);
  for (std::size_t i = 0; i < a.chunks.size(); ++i)
    EXPECT_EQ(a.chunks[i].id, b.chunks[i + 1].id) << qualified_name(a.chunks, i);
}

}  // namespace
}  // namespace chunkls
