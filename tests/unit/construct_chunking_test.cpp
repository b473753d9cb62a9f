// Construct chunking (the query-results cache level) equals a fresh Chunker::chunk:
// on real files of all twelve languages, chunked cold (which fills the cache), then
// after random edits with the cache warm (the unchanged constructs reused, the others
// queried), every field of every chunk and fold. Also: what is reused is counted, a
// construct with a syntax error is never kept, and another path gets its own ids.
#include "engine/cache/construct_chunking.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "random_edits.h"
#include "real_file_cases.h"
#include "test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::Case;
using testing::first_difference;

ChunkedText by_constructs(ConstructCache& cache, const Language& language, std::string_view text,
                          std::string_view path) {
  Chunker chunker;
  chunker.parser().set_language(language.grammar());
  Tree tree = chunker.parser().parse(text);
  return chunk_by_constructs(chunker, cache, language, std::move(tree), text, path,
                             Deadline::never());
}

std::uint32_t edits_per_file() {
  const char* env = std::getenv("CHUNKLS_CONSTRUCT_EDITS");
  return env ? static_cast<std::uint32_t>(std::strtoul(env, nullptr, 10)) : 120;
}

class ConstructChunking : public ::testing::TestWithParam<Case> {};

TEST_P(ConstructChunking, EqualsAFreshChunkingAfterRandomEdits) {
  const Case& c = GetParam();
  const fs::path path = testing::pick(c);
  const Language& language = testing::language(c.language);
  std::string text = testing::read_text_file(path);
  if (c.crlf) text = testing::to_crlf(text);
  ConstructCache cache(CacheLimits{.max_entries = 100000, .max_bytes = std::uint64_t{1} << 30});
  Chunker fresh;
  // A file of one top-level construct (a JSON document) has nothing to reuse.
  const bool several = ts_node_named_child_count(fresh.chunk(language, text).tree.root()) >= 3;
  ASSERT_EQ(first_difference(by_constructs(cache, language, text, path.string()),
                             fresh.chunk(language, text, path.string())),
            "")
      << "cold";
  testing::EditMix edits(20261201);
  std::uint64_t hits_before = cache.stats().counters.hits;
  for (std::uint32_t i = 0; i < edits_per_file(); ++i) {
    const TextEdit e = edits.next(text);
    text.replace(e.start_byte, e.old_end_byte - e.start_byte, e.new_text);
    const ChunkedText got = by_constructs(cache, language, text, path.string());
    const ChunkedText expected = fresh.chunk(language, text, path.string());
    ASSERT_EQ(first_difference(got, expected), "") << "after edit " << i << " of " << path;
    ASSERT_EQ(got.origins, expected.origins) << "after edit " << i;
    ASSERT_EQ(got.fold_parts, expected.fold_parts) << "after edit " << i;
    ASSERT_EQ(got.omitted_too_deep, expected.omitted_too_deep);
  }
  if (edits_per_file() > 0 && several) {
    EXPECT_GT(cache.stats().counters.hits, hits_before) << "nothing was reused";
  }
}

INSTANTIATE_TEST_SUITE_P(RealFiles, ConstructChunking, ::testing::ValuesIn(testing::cases()),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

const std::string kPython =
    "import os\n\n# The first.\ndef first():\n    return 1\n\n\nclass Second:\n"
    "    def method(self):\n        pass\n\n\ndef third():\n    return 3\n";

TEST(ConstructChunkingCache, AnEditReQueriesOnlyTheConstructItTouches) {
  const Language& python = testing::language("python");
  ConstructCache cache(CacheLimits{});
  by_constructs(cache, python, kPython, "/a.py");
  const CacheStats cold = cache.stats();
  EXPECT_EQ(cold.entries, 4u) << "import, first (with its comment), Second, third";
  std::string edited = kPython;
  edited.replace(edited.find("return 3"), 8, "return 33");
  const ChunkedText got = by_constructs(cache, python, edited, "/a.py");
  EXPECT_EQ(got.chunks, testing::chunk("python", edited, "/a.py").chunks);
  const CacheStats warm = cache.stats();
  EXPECT_EQ(warm.counters.hits - cold.counters.hits, 3u);
  EXPECT_EQ(warm.counters.insertions - cold.counters.insertions, 1u) << "third, new";
}

TEST(ConstructChunkingCache, AnotherPathGetsItsOwnIds) {
  const Language& python = testing::language("python");
  ConstructCache cache(CacheLimits{});
  by_constructs(cache, python, kPython, "/a.py");
  std::string edited = kPython + "\ndef fourth():\n    pass\n";
  EXPECT_EQ(by_constructs(cache, python, edited, "/b.py").chunks,
            testing::chunk("python", edited, "/b.py").chunks);
  EXPECT_GT(cache.stats().counters.hits, 0u);
}

TEST(ConstructChunkingCache, ConstructsWithSyntaxErrorsAreNeverKept) {
  const Language& python = testing::language("python");
  ConstructCache cache(CacheLimits{});
  const std::string broken = kPython + "\ndef broken(:\n    pass\n";
  EXPECT_EQ(by_constructs(cache, python, broken, "/a.py").chunks,
            testing::chunk("python", broken, "/a.py").chunks);
  const CacheStats stats = cache.stats();
  EXPECT_GT(stats.entries, 0u);
  EXPECT_LT(stats.entries, 5u) << "the broken one is not kept";
}

}  // namespace
}  // namespace chunkls
