// Scale-out as a cluster runs it, on one machine: `chunkls index DIR --shard K/N --out
// FILE` for every K, then `chunkls merge`: each file in exactly one shard, the merged
// store equal to a single-machine index of the same tree (files, contents, chunks; chunk
// ids aside: they hash the path of whichever file wrote a shared content first), served
// by `chunkls index --cache` as its own, and every refusal of the merge. The real binary;
// the stores are read with SQLite.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

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

// Every row of `sql` on the store at `path`, each row's columns joined by '|'.
std::vector<std::string> rows(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::string> out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return out;
  }
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db);
  } else {
    while (sqlite3_step(statement) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(statement); ++i) {
        const auto* text = sqlite3_column_text(statement, i);
        row += (i ? "|" : "") + std::string(text ? reinterpret_cast<const char*>(text) : "NULL");
      }
      out.push_back(std::move(row));
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return out;
}

// What a store holds, independent of row ids: files with their content's hash, contents,
// and chunks keyed by content hash and ordinal (every column but the id).
std::vector<std::string> files_of(const fs::path& store) {
  return rows(store,
              "SELECT f.path, f.size, f.mtime_ns, f.inode, f.language, hex(c.hash) FROM files f "
              "JOIN contents c ON c.id = f.content ORDER BY f.path");
}
std::vector<std::string> contents_of(const fs::path& store) {
  return rows(store,
              "SELECT hex(hash), hex(folds), omitted_deep, omitted_count, chunk_count, "
              "hex(symbols) FROM contents ORDER BY hash");
}
std::vector<std::string> chunks_of(const fs::path& store) {
  return rows(store,
              "SELECT hex(c.hash), k.ordinal, k.kind, k.name, k.parent, k.depth, k.content_hash, "
              "k.range_start_byte, k.range_end_byte, k.range_start_row, k.range_end_row, "
              "k.selection_start_byte, k.definition_end_byte, k.detail FROM chunks k JOIN "
              "contents c ON c.id = k.content ORDER BY c.hash, k.ordinal");
}

// The test fixtures in every language, plus one content under several names (shards
// share it: the merge keeps it once).
void make_tree(const TempDir& tree) {
  git_init(tree.path());
  const fs::path fixtures = fs::path(CHUNKLS_SOURCE_DIR) / "tests" / "fixtures";
  for (const char* language : {"python", "c", "cpp", "go", "java", "javascript", "json", "ruby",
                               "rust", "tsx", "typescript", "bash"}) {
    fs::copy(fixtures / language, tree.path() / language, fs::copy_options::recursive);
  }
  for (int i = 0; i < 8; ++i)
    tree.write("copies/same" + std::to_string(i) + ".py", "def same():\n    return 1\n");
  age_tree(tree.path());
}

struct Shards {
  std::vector<fs::path> files;
};

Shards index_shards(const TempDir& tree, const fs::path& out_dir, int count,
                    std::vector<std::string> extra = {}) {
  Shards out;
  for (int k = 0; k < count; ++k) {
    const fs::path file = out_dir / ("shard-" + std::to_string(k) + ".sqlite");
    std::vector<std::string> argv = {kBinary,
                                     "index",
                                     tree.path().string(),
                                     "--shard",
                                     std::to_string(k) + "/" + std::to_string(count),
                                     "--out",
                                     file.string(),
                                     "--quiet"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    const auto r = run_process(argv);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    out.files.push_back(file);
  }
  return out;
}

testing::ProcessResult merge(const std::vector<fs::path>& shards, const fs::path& out) {
  std::vector<std::string> argv = {kBinary, "merge"};
  for (const fs::path& shard : shards)
    argv.push_back(shard.string());
  argv.insert(argv.end(), {"--out", out.string()});
  return run_process(argv);
}

TEST(ShardMerge, EveryFileIsInExactlyOneShardAndTheMergeEqualsOneIndex) {
  TempDir tree("tree");
  make_tree(tree);
  TempDir work("work");
  const Shards shards = index_shards(tree, work.path(), 3);
  // The single-machine index of the same tree.
  const fs::path cache = work.path() / "cache";
  const auto single =
      run_process({kBinary, "index", tree.path().string(), "--cache", cache.string(), "--quiet"});
  ASSERT_EQ(single.exit_code, 0) << single.err;
  fs::path single_store;
  for (const auto& entry : fs::recursive_directory_iterator(cache)) {
    if (entry.path().filename() == "index.sqlite") single_store = entry.path();
  }
  ASSERT_FALSE(single_store.empty());

  std::multiset<std::string> in_shards;
  for (const fs::path& shard : shards.files) {
    ASSERT_TRUE(fs::exists(shard));
    EXPECT_FALSE(fs::exists(fs::path(shard.string() + "-wal"))) << "a sealed store is one file";
    const std::vector<std::string> paths = rows(shard, "SELECT path FROM files");
    EXPECT_FALSE(paths.empty()) << shard;
    in_shards.insert(paths.begin(), paths.end());
    EXPECT_EQ(rows(shard, "SELECT value FROM meta WHERE key = 'partition'"),
              std::vector<std::string>{"xxh3_64(relative path) mod N"});
  }
  const std::vector<std::string> all = rows(single_store, "SELECT path FROM files ORDER BY path");
  ASSERT_EQ(all.size(), 20U) << "12 fixtures and 8 copies";
  EXPECT_EQ(std::vector<std::string>(in_shards.begin(), in_shards.end()), all)
      << "every file in exactly one shard";

  const fs::path merged = work.path() / "merged.sqlite";
  const auto r = merge(shards.files, merged);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("merged 3 shards of "), std::string::npos) << r.out;
  EXPECT_EQ(files_of(merged), files_of(single_store));
  EXPECT_EQ(contents_of(merged), contents_of(single_store));
  EXPECT_EQ(chunks_of(merged), chunks_of(single_store));
  EXPECT_EQ(rows(merged, "SELECT count(DISTINCT content) FROM files WHERE path LIKE '%/same%'"),
            std::vector<std::string>{"1"})
      << "a content shared by shards is kept once";

  // Merging again gives the same store.
  const auto again = merge(shards.files, merged);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(chunks_of(merged), chunks_of(single_store));
  EXPECT_EQ(files_of(merged), files_of(single_store));
}

// Merged into a cache directory, the store is where `chunkls index --cache` looks: a run
// finds every file unchanged and parses nothing.
TEST(ShardMerge, AMergeIntoACacheDirectoryServesTheNextIndexRun) {
  TempDir tree("tree");
  make_tree(tree);
  TempDir work("work");
  const Shards shards = index_shards(tree, work.path(), 2);
  const fs::path cache = work.path() / "cache";
  fs::create_directories(cache);
  const auto r = merge(shards.files, cache);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto run =
      run_process({kBinary, "index", tree.path().string(), "--cache", cache.string(), "--quiet"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("(0 parsed, 0 from stored contents, "), std::string::npos) << run.out;
}

TEST(ShardMerge, RefusesMissingDuplicateMixedAndForeignStores) {
  TempDir tree("tree");
  make_tree(tree);
  TempDir other("other");
  other.write("x.py", "def x():\n    pass\n");
  TempDir work("work");
  const Shards shards = index_shards(tree, work.path(), 3);
  const fs::path out = work.path() / "merged.sqlite";
  const auto refused = [&](const std::vector<fs::path>& inputs, const std::string& says) {
    const auto r = merge(inputs, out);
    EXPECT_EQ(r.exit_code, 1) << r.out;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(out)) << "a refused merge writes nothing";
  };
  refused({shards.files[0], shards.files[1]}, "shard 2/3 of ");
  refused({shards.files[0], shards.files[1], shards.files[1], shards.files[2]},
          "are both shard 1/3");
  // Another tree's shard 2/3.
  fs::create_directories(work.path() / "other");
  const Shards foreign_made = index_shards(other, work.path() / "other", 3);
  refused({shards.files[0], shards.files[1], foreign_made.files[2]}, "different roots");
  // Another shard count.
  fs::create_directories(work.path() / "two");
  const Shards two = index_shards(tree, work.path() / "two", 2);
  refused({shards.files[0], shards.files[1], two.files[1]}, "different shard counts");
  // Another chunkls (versions differ), and a store whose record lies about its shard.
  const fs::path stale = work.path() / "stale.sqlite";
  fs::copy_file(shards.files[2], stale);
  rows(stale, "UPDATE meta SET value = 'schema 0' WHERE key = 'versions'");
  refused({shards.files[0], shards.files[1], stale}, "another store schema, grammars or queries");
  const fs::path liar = work.path() / "liar.sqlite";
  fs::copy_file(shards.files[0], liar);
  rows(liar, "UPDATE meta SET value = '2/3' WHERE key = 'shard'");
  refused({shards.files[0], shards.files[1], liar}, "the shards overlap");
  // Not a shard store: a single-machine store, and not a database at all.
  const fs::path text = work.path() / "notes.txt";
  std::ofstream(text) << "not a database\n";
  refused({shards.files[0], shards.files[1], text}, "is not a chunkls index store");
}

// `--shard auto` reads the scheduler's variables; a bad value is a usage error.
TEST(ShardMerge, AutoReadsTheSchedulersTaskIndex) {
  TempDir tree("tree");
  make_tree(tree);
  TempDir work("work");
  const fs::path out = work.path() / "auto.sqlite";
  const auto r =
      run_process({"/usr/bin/env", "SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=5",
                   "SLURM_ARRAY_TASK_STEP=2", "SLURM_ARRAY_TASK_COUNT=3", kBinary, "index",
                   tree.path().string(), "--shard", "auto", "--out", out.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(rows(out, "SELECT value FROM meta WHERE key = 'shard'"),
            std::vector<std::string>{"1/3"});
  const auto bad = run_process({kBinary, "index", tree.path().string(), "--shard", "3/3"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("shard 3 of 3 does not exist"), std::string::npos) << bad.err;
  const auto none = run_process({"/usr/bin/env", "-u", "SLURM_ARRAY_TASK_ID", kBinary, "index",
                                 tree.path().string(), "--shard", "auto"});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("no scheduler's task index is set"), std::string::npos) << none.err;
}

// --out appears whole or not at all: a task that fails leaves no file and no partial one.
TEST(ShardMerge, OutIsWrittenWholeOrNotAtAll) {
  TempDir tree("tree");
  make_tree(tree);
  TempDir work("work");
  const fs::path listing = work.path() / "shard.jsonl";
  const auto r =
      run_process({kBinary, "index", tree.path().string(), "--shard", "0/2", "--format", "jsonl",
                   "--no-content", "--out", listing.string(), "--no-cache", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(listing);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line))
    ++lines;
  EXPECT_GT(lines, 10U);
  EXPECT_TRUE(r.out.empty()) << "the listing went to the file";
  // A store that cannot be made (its directory would be under a file) fails the task.
  const fs::path nowhere = work.write("a-file", "x") / "shard.sqlite";
  const auto failed = run_process({kBinary, "index", tree.path().string(), "--shard", "0/2",
                                   "--out", nowhere.string(), "--quiet"});
  EXPECT_EQ(failed.exit_code, 1) << failed.err;
  EXPECT_FALSE(fs::exists(nowhere));
  std::size_t partials = 0;
  for (const auto& entry : fs::directory_iterator(work.path())) {
    if (entry.path().filename().string().find(".partial-") != std::string::npos) ++partials;
  }
  EXPECT_EQ(partials, 0U);
}

}  // namespace
}  // namespace chunkls
