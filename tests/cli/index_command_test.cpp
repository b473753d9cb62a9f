// `chunkls index` and `chunkls cache` as users and scripts run them: the real binary on
// generated trees: the summary, the jsonl stream (deterministic, the same objects as
// `chunkls chunk`), the store that makes a second run read instead of parse, the
// filters, and the cache subcommands.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "subprocess.h"
#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::age_tree;
using testing::git_init;
using testing::run_process;
using testing::TempDir;

const std::string kBinary = CHUNKLS_BINARY;

void make_tree(const TempDir& tree) {
  git_init(tree.path());
  tree.write(".gitignore", "out/\n");
  tree.write("a.py", "class A:\n    def f(self):\n        pass\n");
  tree.write("lib/b.c", "int b(void) { return 1; }\nstruct s { int x; };\n");
  tree.write("lib/c.js", "function c() {}\nclass D { m() {} }\n");
  tree.write("lib/data.bin.py", std::string("x\0y", 3));
  tree.write("README.md", "# not chunked\n");
  tree.write("out/gen.py", "def generated():\n    pass\n");
  age_tree(tree.path());  // a second run may trust the stamps
}

std::vector<nlohmann::json> lines_of(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);)
    lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(IndexCommand, SummaryCountsLanguagesSkipsAndTheStore) {
  TempDir tree;
  TempDir cache;
  make_tree(tree);
  const auto r = run_process(
      {kBinary, "index", tree.path().string(), "--cache", cache.path().string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("indexed 3 files (3 parsed, 0 from stored contents, 0 unchanged)"),
            std::string::npos)
      << r.out;
  for (const char* language : {"python", "c ", "javascript"}) {
    EXPECT_NE(r.out.find(std::string("  ") + language), std::string::npos) << language << r.out;
  }
  EXPECT_NE(r.out.find("1 binary"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("unsupported"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ignored"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("store " + cache.path().string()), std::string::npos) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;  // --quiet

  const auto again = run_process(
      {kBinary, "index", tree.path().string(), "--cache", cache.path().string(), "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("indexed 3 files (0 parsed, 0 from stored contents, 3 unchanged)"),
            std::string::npos)
      << again.out;
}

TEST(IndexCommand, JsonlIsDeterministicAndHoldsWhatChunkPrints) {
  TempDir tree;
  make_tree(tree);
  const std::vector<std::string> argv = {
      kBinary, "index", tree.path().string(), "--no-cache", "--format", "jsonl", "--jobs", "2"};
  const auto first = run_process(argv);
  const auto second = run_process(argv);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, second.out);
  std::string expected;
  for (const char* file : {"a.py", "lib/b.c", "lib/c.js"}) {  // the walk's order
    const auto chunk = run_process(
        {kBinary, "chunk", "--format", "jsonl", "--content", (tree.path() / file).string()});
    ASSERT_EQ(chunk.exit_code, 0) << chunk.err;
    expected += chunk.out;
  }
  EXPECT_EQ(lines_of(first.out), lines_of(expected));
  for (const nlohmann::json& line : lines_of(first.out)) {
    for (const char* field : {"path", "language", "id", "kind", "name", "qualified_name",
                              "parent_id", "range", "content", "content_hash"}) {
      EXPECT_TRUE(line.contains(field)) << field << " " << line.dump();
    }
  }
  // The summary goes to stderr, so stdout stays a clean stream.
  EXPECT_NE(first.err.find("indexed 3 files"), std::string::npos) << first.err;
  const auto bare = run_process({kBinary, "index", tree.path().string(), "--no-cache", "--format",
                                 "jsonl", "--no-content", "--quiet"});
  for (const nlohmann::json& line : lines_of(bare.out))
    EXPECT_FALSE(line.contains("content"));
}

TEST(IndexCommand, AWarmRunStreamsTheSameChunksFromTheStore) {
  TempDir tree;
  TempDir cache;
  make_tree(tree);
  const std::vector<std::string> argv = {
      kBinary, "index",  tree.path().string(), "--cache", cache.path().string(), "--format",
      "jsonl", "--quiet"};
  const auto cold = run_process(argv);
  const auto warm = run_process(argv);
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  EXPECT_EQ(cold.out, warm.out);
  // A copy under another path: its chunks come from the stored content, with its own ids.
  tree.write("copy/a.py", "class A:\n    def f(self):\n        pass\n");
  const auto copied = run_process(argv);
  const std::vector<nlohmann::json> lines = lines_of(copied.out);
  const auto chunk = run_process(
      {kBinary, "chunk", "--format", "jsonl", "--content", (tree.path() / "copy/a.py").string()});
  std::vector<nlohmann::json> copy_lines;
  for (const nlohmann::json& line : lines) {
    if (line["path"] == (tree.path() / "copy/a.py").string()) copy_lines.push_back(line);
  }
  EXPECT_EQ(copy_lines, lines_of(chunk.out));
}

TEST(IndexCommand, ExcludeGlobsAndTheSizeLimit) {
  TempDir tree;
  make_tree(tree);
  tree.write("lib/big.py", std::string(5000, '#') + "\n");
  const auto r = run_process({kBinary, "index", tree.path().string(), "--no-cache", "--exclude",
                              "*.c", "--exclude", "lib/c.js", "--max-size", "1000", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("indexed 1 files"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 excluded"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("1 too large"), std::string::npos) << r.out;
}

TEST(IndexCommand, ProgressLinesWhenStandardErrorIsNotATerminal) {
  TempDir tree;
  make_tree(tree);
  const auto r = run_process({kBinary, "index", tree.path().string(), "--no-cache"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("chunkls index: 6/6 files"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos);  // no bar redrawing into a log
}

// Names that are not UTF-8 or hold a newline are indexed, and the output stays valid:
// one JSON object per line (a newline in a name is escaped; bytes that are not UTF-8 are
// replaced by U+FFFD, as in content). A FIFO named like a source is skipped, never
// waited on.
TEST(IndexCommand, HostileNamesKeepTheOutputValidAndAFifoIsSkipped) {
  TempDir tree;
  git_init(tree.path());
  tree.write(std::string("caf\xe9.py"), "def latin1_named():\n    pass\n");
  tree.write("two\nlines.py", "def newline_named():\n    pass\n");
  ASSERT_EQ(::mkfifo((tree.path() / "x.py").c_str(), 0644), 0);
  const auto jsonl = run_process(
      {kBinary, "index", tree.path().string(), "--no-cache", "--format", "jsonl", "--jobs", "2"});
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.err;
  std::vector<std::string> names;
  std::vector<std::string> paths;
  for (const nlohmann::json& line : lines_of(jsonl.out)) {  // throws on a line not JSON
    names.push_back(line["name"]);
    paths.push_back(line["path"]);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"latin1_named", "newline_named"}));
  EXPECT_EQ(paths, (std::vector<std::string>{(tree.path() / "caf\xEF\xBF\xBD.py").string(),
                                             (tree.path() / "two\nlines.py").string()}));
  EXPECT_NE(jsonl.err.find("indexed 2 files"), std::string::npos) << jsonl.err;
  EXPECT_NE(jsonl.err.find("1 not a file"), std::string::npos) << jsonl.err;
  const auto json = run_process(
      {kBinary, "index", tree.path().string(), "--no-cache", "--format", "json", "--quiet"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(nlohmann::json::parse(json.out)["files"].size(), 2u) << json.out;
}

TEST(IndexCommand, NotADirectoryIsAnError) {
  TempDir tree;
  const auto file = tree.write("f.py", "x = 1\n");
  const auto r = run_process({kBinary, "index", file.string(), "--no-cache"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("not a directory"), std::string::npos) << r.err;
  const auto missing = run_process({kBinary, "index", (tree.path() / "nope").string()});
  EXPECT_EQ(missing.exit_code, 1);
}

TEST(CacheCommand, InfoListsStoresAndClearRemovesThem) {
  TempDir tree;
  TempDir other;
  TempDir cache;
  make_tree(tree);
  other.write("o.py", "def o():\n    pass\n");
  for (const TempDir* root : {&tree, &other}) {
    ASSERT_EQ(run_process({kBinary, "index", root->path().string(), "--cache",
                           cache.path().string(), "--quiet"})
                  .exit_code,
              0);
  }
  const auto info = run_process({kBinary, "cache", "info", "--cache", cache.path().string()});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_NE(info.out.find("root      " + tree.path().string()), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("root      " + other.path().string()), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("holds     3 files"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("versions  current"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("2 stores"), std::string::npos) << info.out;
  const auto one = run_process(
      {kBinary, "cache", "clear", "--cache", cache.path().string(), other.path().string()});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("1 store removed"), std::string::npos) << one.out;
  const auto rest = run_process({kBinary, "cache", "clear", "--cache", cache.path().string()});
  EXPECT_NE(rest.out.find("1 store removed"), std::string::npos) << rest.out;
  const auto empty = run_process({kBinary, "cache", "info", "--cache", cache.path().string()});
  EXPECT_NE(empty.out.find("0 stores"), std::string::npos) << empty.out;
  EXPECT_EQ(run_process({kBinary, "cache", "wipe"}).exit_code, 2);  // usage
}

}  // namespace
}  // namespace chunkls
