// SourceCaches: content keys (a copied or moved text is a hit, another grammar or query a
// miss), chunks renumbered for another path exactly as a fresh chunking numbers them,
// Documents restored from cached chunks and trees, and the bytes each level reports
// against what malloc really holds for its entries.
#include "engine/cache/source_caches.h"

#include <gtest/gtest.h>
#include <malloc.h>

#include <filesystem>
#include <iostream>

#include "engine/document/document.h"
#include "tests/unit/random_edits.h"
#include "tests/unit/test_support.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::chunk;
using testing::language;

std::string fixture(std::string_view relative) {
  return testing::read_text_file(fs::path(CHUNKLS_SOURCE_DIR) / "tests" / "fixtures" / relative);
}

std::shared_ptr<const ChunkedText> without_tree(ChunkedText chunked) {
  chunked.tree = Tree();
  return std::make_shared<const ChunkedText>(std::move(chunked));
}

TEST(ContentKey, SameBytesSameKeyAndTheLanguageIsPartOfIt) {
  const std::string text = fixture("python/sample.py");
  EXPECT_EQ(content_key(language("python"), text), content_key(language("python"), text));
  EXPECT_NE(content_key(language("python"), text), content_key(language("python"), text + " "));
  EXPECT_NE(content_key(language("javascript"), "x"), content_key(language("typescript"), "x"));
  EXPECT_EQ(content_key(language("python"), text).hex().size(), 32u);
}

TEST(ContentKey, AQueryChangeIsAnotherIdentity) {
  LanguageRegistry registry = LanguageRegistry::with_builtins();
  const std::uint64_t before = registry.find("json")->identity();
  QuerySource chunks = registry.find("json")->spec().chunks_query;
  QuerySource folds = registry.find("json")->spec().folds_query;
  chunks.text += "\n; one more comment\n";
  registry.set_queries("json", chunks, folds);
  EXPECT_NE(registry.find("json")->identity(), before);
  EXPECT_EQ(LanguageRegistry::with_builtins().find("json")->identity(), before)
      << "the identity is a function of the grammar and the query text";
}

TEST(ReassignIds, MatchesAFreshChunkingUnderTheOtherPath) {
  for (const auto& [lang, file] :
       {std::pair{"python", "python/sample.py"}, std::pair{"cpp", "cpp/sample.cpp"},
        std::pair{"json", "json/sample.json"}, std::pair{"ruby", "ruby/sample.rb"}}) {
    const std::string text = fixture(file);
    ChunkedText moved = chunk(lang, text, "/old/place");
    reassign_ids(moved.chunks, "/new/place");
    const ChunkedText fresh = chunk(lang, text, "/new/place");
    ASSERT_FALSE(fresh.chunks.empty()) << file;
    EXPECT_EQ(moved.chunks, fresh.chunks) << file;
  }
}

TEST(SourceCaches, AMovedFileIsAHitWithTheIdsOfItsNewPath) {
  SourceCaches caches;
  const std::string text = fixture("python/sample.py");
  const ContentKey key = content_key(language("python"), text);
  caches.keep(key, without_tree(chunk("python", text, "/a.py")), "/a.py");
  const auto same = caches.chunks_for(key, "/a.py");
  const auto moved = caches.chunks_for(key, "/b.py");
  ASSERT_NE(same, nullptr);
  ASSERT_NE(moved, nullptr);
  EXPECT_EQ(moved->chunks, chunk("python", text, "/b.py").chunks);
  EXPECT_EQ(caches.chunks_for(content_key(language("python"), text + "\n"), "/a.py"), nullptr);
  const CacheStats stats = caches.stats().chunks;
  EXPECT_EQ(stats.counters.hits, 2u);
  EXPECT_EQ(stats.counters.misses, 1u);
  caches.invalidate("/a.py");
  EXPECT_EQ(caches.chunks_for(key, "/a.py"), nullptr);
}

TEST(SourceCaches, ARestoredDocumentAnswersWithoutParsingAndEditsOnIncrementally) {
  const std::string text = fixture("python/sample.py");
  const Language& python = language("python");
  SourceCaches caches;
  const ContentKey key = content_key(python, text);
  {
    Document closing(python, text, "/s.py");
    closing.chunked();
    const std::optional<ParsedText> parsed = closing.parsed();
    ASSERT_TRUE(parsed);
    caches.keep(key, parsed->chunked, "/s.py", &parsed->tree);
  }
  const std::shared_ptr<const Tree> tree = caches.trees().get(key);
  ASSERT_NE(tree, nullptr);
  Document reopened(python, text, "/s.py", {}, ParsedText{caches.chunks_for(key, "/s.py"), *tree});
  EXPECT_FALSE(reopened.reparse_pending());
  EXPECT_EQ(reopened.chunked().chunks, chunk("python", text, "/s.py").chunks);
  EXPECT_EQ(reopened.chunking_stats().whole, 0u) << "answered from the cache";

  // An edit updates from a window at once, and the cached chunks stay as they were.
  const auto cached_before = caches.chunks_for(key, "/s.py");
  const std::vector<Chunk> before = cached_before->chunks;
  const std::size_t at = text.find("def ");
  ASSERT_NE(at, std::string::npos);
  reopened.edit({static_cast<std::uint32_t>(at + 4), static_cast<std::uint32_t>(at + 4), "x"});
  std::string edited = text;
  edited.insert(at + 4, "x");
  EXPECT_EQ(reopened.chunked().chunks, chunk("python", edited, "/s.py").chunks);
  EXPECT_EQ(reopened.chunking_stats().updated, 1u);
  EXPECT_EQ(reopened.chunking_stats().whole, 0u);
  EXPECT_EQ(caches.chunks_for(key, "/s.py")->chunks, before) << "copied on write";
}

TEST(SourceCaches, ChunksWithoutTheirTreeParseWhenAnEditComes) {
  const std::string text = fixture("cpp/sample.cpp");
  const Language& cpp = language("cpp");
  Document doc(cpp, text, "/s.cpp", {}, ParsedText{without_tree(chunk("cpp", text, "/s.cpp")), {}});
  EXPECT_TRUE(doc.reparse_pending());
  EXPECT_EQ(doc.chunked().chunks.size(), chunk("cpp", text, "/s.cpp").chunks.size());
  EXPECT_EQ(doc.chunking_stats().whole, 0u);
  doc.edit({0, 0, "int added_first;\n"});
  EXPECT_EQ(doc.chunked().chunks, chunk("cpp", "int added_first;\n" + text, "/s.cpp").chunks);
  EXPECT_EQ(doc.chunking_stats().whole, 1u) << "no tree to update from: chunked whole";
}

#if defined(__SANITIZE_ADDRESS__)
#define CHUNKLS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHUNKLS_UNDER_ASAN 1
#endif
#endif

[[maybe_unused]] std::uint64_t heap_in_use() {  // unused under AddressSanitizer (below)
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

// The bytes each level reports are within 20 % of what malloc frees when it is cleared.
TEST(SourceCachesMemory, ReportedBytesMatchWhatMallocHolds) {
#ifdef CHUNKLS_UNDER_ASAN
  GTEST_SKIP() << "AddressSanitizer's allocator keeps no glibc statistics";
#else
  const fs::path py = testing::python_stdlib_dir();
  const fs::path nm = fs::path(CHUNKLS_SOURCE_DIR) / "node_modules";
  const std::vector<std::pair<std::string, fs::path>> files = {
      {"python", py / "_pydecimal.py"},
      {"python", py / "typing.py"},
      {"python", py / "argparse.py"},
      {"c", nm / "tree-sitter/vendor/tree-sitter/lib/src/parser.c"},
      {"javascript", nm / "tree-sitter/index.js"},
      {"json", fs::path(CHUNKLS_SOURCE_DIR) / "package-lock.json"},
      {"cpp", nm / "tree-sitter/src/tree.cc"},
      {"bash", fs::path(CHUNKLS_SOURCE_DIR) / "scripts/setup"}};
  SourceCaches caches(SourceCacheLimits{
      .trees = {.max_entries = 100, .max_bytes = std::uint64_t{1} << 30},
      .chunks = {.max_entries = 100, .max_bytes = std::uint64_t{1} << 30},
      .constructs = {.max_entries = 1'000'000, .max_bytes = std::uint64_t{1} << 30}});
  {
    Chunker chunker;
    for (const auto& [lang, path] : files) {
      const std::string text = testing::read_text_file(path);
      ASSERT_FALSE(text.empty()) << path;
      chunker.parser().set_language(language(lang).grammar());
      ChunkedText chunked =
          chunk_by_constructs(chunker, caches.constructs(), language(lang),
                              chunker.parser().parse(text), text, path.string(), Deadline::never());
      const Tree tree = std::move(chunked.tree);
      chunked.tree = Tree();
      caches.keep(content_key(language(lang), text),
                  std::make_shared<const ChunkedText>(std::move(chunked)), path.string(), &tree);
    }
  }
  const SourceCacheStats stats = caches.stats();
  ASSERT_EQ(stats.trees.entries, files.size());
  ASSERT_EQ(stats.chunks.entries, files.size());

  const std::uint64_t before = heap_in_use();
  caches.trees().clear();
  const std::uint64_t trees_freed = before - heap_in_use();
  const std::uint64_t middle = heap_in_use();
  caches.chunks().clear();
  const std::uint64_t chunks_freed = middle - heap_in_use();
  const std::uint64_t last = heap_in_use();
  caches.constructs().clear();
  const std::uint64_t constructs_freed = last - heap_in_use();
  std::cout << "trees " << stats.trees.bytes << " reported, " << trees_freed << " freed; chunks "
            << stats.chunks.bytes << " / " << chunks_freed << "; constructs "
            << stats.constructs.bytes << " / " << constructs_freed << " ("
            << stats.constructs.entries << " entries)\n";

  EXPECT_GT(trees_freed, 1'000'000u);
  EXPECT_NEAR(static_cast<double>(stats.trees.bytes), static_cast<double>(trees_freed),
              0.2 * static_cast<double>(trees_freed));
  EXPECT_NEAR(static_cast<double>(stats.chunks.bytes), static_cast<double>(chunks_freed),
              0.2 * static_cast<double>(chunks_freed));
  EXPECT_GT(stats.constructs.entries, 100u);
  EXPECT_NEAR(static_cast<double>(stats.constructs.bytes), static_cast<double>(constructs_freed),
              0.2 * static_cast<double>(constructs_freed));
#endif
}

}  // namespace
}  // namespace chunkls
