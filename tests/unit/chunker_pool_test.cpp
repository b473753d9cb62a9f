// ChunkerPool: Chunkers are reused per language (the same thread's first), bounded,
// warmed up ahead of use, and leased by Documents for each call only.
#include "engine/chunks/chunker_pool.h"

#include <gtest/gtest.h>

#include <span>
#include <stop_token>
#include <thread>

#include "engine/document/document.h"
#include "tests/unit/random_edits.h"
#include "tests/unit/test_support.h"

namespace chunkls {
namespace {

using testing::chunk;
using testing::language;

TEST(ChunkerPool, ReusesPerLanguageAndCountsEveryLease) {
  ChunkerPool pool;
  const Chunker* first = nullptr;
  {
    const ChunkerPool::Lease lease = pool.acquire(language("python"));
    first = &*lease;
    EXPECT_EQ(pool.stats().in_use, 1u);
  }
  {
    const ChunkerPool::Lease again = pool.acquire(language("python"));
    EXPECT_EQ(&*again, first) << "given back, then reused";
    const ChunkerPool::Lease other = pool.acquire(language("c"));
    EXPECT_NE(&*other, first) << "another language has its own";
    const ChunkerPool::Lease second = pool.acquire(language("python"));
    EXPECT_NE(&*second, first) << "a Chunker is leased to one user at a time";
  }
  const ChunkerPoolStats stats = pool.stats();
  EXPECT_EQ(stats.acquired, 4u);
  EXPECT_EQ(stats.created, 3u);
  EXPECT_EQ(stats.reused, 1u);
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_EQ(stats.idle, 3u);
}

TEST(ChunkerPool, APooledChunkerChunksLikeANewOne) {
  ChunkerPool pool;
  const std::string a = "def a():\n    pass\n";
  const std::string b = "class B:\n    def m(self):\n        return 1\n";
  for (const std::string& text : {a, b, a}) {
    const ChunkerPool::Lease chunker = pool.acquire(language("python"));
    EXPECT_EQ(chunker->chunk(language("python"), text, "p").chunks,
              chunk("python", text, "p").chunks);
  }
  EXPECT_EQ(pool.stats().created, 1u);
}

TEST(ChunkerPool, FreesWhatIsGivenBackBeyondMaxIdle) {
  ChunkerPool pool({}, /*max_idle=*/1);
  {
    const auto a = pool.acquire(language("json"));
    const auto b = pool.acquire(language("json"));
  }
  const ChunkerPoolStats stats = pool.stats();
  EXPECT_EQ(stats.idle, 1u);
  EXPECT_EQ(stats.dropped, 1u);
}

TEST(ChunkerPool, WarmUpLeavesOneReadyPerLanguage) {
  ChunkerPool pool;
  const std::vector<const Language*> languages = testing::builtin_registry().languages();
  EXPECT_TRUE(pool.warm_up(languages).empty());
  EXPECT_EQ(pool.stats().idle, languages.size());
  const auto lease = pool.acquire(language("cpp"));
  EXPECT_EQ(pool.stats().reused, 1u) << "the warmed-up one, from another thread";
  EXPECT_EQ(pool.stats().created, languages.size());
}

// A server that exits stops its warm-up between two languages instead of compiling
// the rest: a stop requested before the first leaves the pool as it was.
TEST(ChunkerPool, WarmUpStopsBetweenLanguagesWhenAskedTo) {
  ChunkerPool pool;
  const std::vector<const Language*> languages = testing::builtin_registry().languages();
  std::stop_source stop;
  stop.request_stop();
  EXPECT_TRUE(pool.warm_up(languages, stop.get_token()).empty());
  EXPECT_EQ(pool.stats().created, 0u);
  EXPECT_EQ(pool.stats().idle, 0u);
  EXPECT_TRUE(pool.warm_up(std::span(languages).first(2), std::stop_source().get_token()).empty());
  EXPECT_EQ(pool.stats().idle, 2u) << "a token nobody stops warms every language given";
}

TEST(ChunkerPool, ThreadsShareAPoolWithoutSharingAChunker) {
  ChunkerPool pool({}, 8);
  const std::string text = "def f():\n    pass\n\nclass C:\n    def g(self):\n        pass\n";
  const std::vector<Chunk> expected = chunk("python", text, "t").chunks;
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto chunker = pool.acquire(language("python"));
        if (chunker->chunk(language("python"), text, "t").chunks != expected) ++mismatches;
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(mismatches, 0);
  const ChunkerPoolStats stats = pool.stats();
  EXPECT_EQ(stats.acquired, 200u);
  EXPECT_LE(stats.created, 4u);
  EXPECT_EQ(stats.in_use, 0u);
}

TEST(ChunkerPool, DocumentsLeaseForEachCallOnly) {
  ChunkerPool pool;
  const std::string text = testing::read_text_file(std::filesystem::path(CHUNKLS_SOURCE_DIR) /
                                                   "tests/fixtures/python/sample.py");
  Document one(language("python"), text, "/1.py");
  Document two(language("python"), text, "/2.py");
  one.set_services({.chunkers = &pool});
  two.set_services({.chunkers = &pool});
  EXPECT_EQ(one.chunked().chunks, chunk("python", text, "/1.py").chunks);
  EXPECT_EQ(two.chunked().chunks, chunk("python", text, "/2.py").chunks);
  one.edit({0, 0, "import os\n"});
  EXPECT_EQ(one.chunked().chunks, chunk("python", "import os\n" + text, "/1.py").chunks);
  const ChunkerPoolStats stats = pool.stats();
  EXPECT_EQ(stats.created, 1u) << "two documents, one Chunker";
  EXPECT_EQ(stats.in_use, 0u);
  EXPECT_GE(stats.reused, 2u);

  // Limits the pool's Chunkers do not have: the document keeps its own.
  Document limited(language("python"), text, "/3.py", DocumentLimits{.chunks = {.max_depth = 1}});
  limited.set_services({.chunkers = &pool});
  limited.chunked();
  EXPECT_EQ(pool.stats().acquired, stats.acquired);
}

}  // namespace
}  // namespace chunkls
