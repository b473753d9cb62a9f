// The WorkspaceIndexer on generated trees: what it indexes and skips, the warm restart
// that reads the store instead of parsing (counted), files changed or deleted while it
// was down, watched-file events, priorities, roots added and removed, cancel and stop.
// Nothing here waits for the machine to be slow or fast: holds are released by the test,
// and waits end on the indexer's own idle signal.
#include "engine/index/workspace_indexer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <thread>

#include "engine/index/index_location.h"
#include "engine/store/sqlite_index_store.h"
#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

using std::chrono::milliseconds;
using testing::age_tree;
using testing::git_init;
using testing::TempDir;

constexpr const char* kPython =
    "class Shape:\n    def area(self):\n        return 0\n\ndef main():\n    pass\n";
constexpr const char* kC = "struct point { int x; };\nint add(int a, int b) { return a + b; }\n";

class RecordingListener final : public IndexListener {
 public:
  void indexed(const IndexedFile& file) override {
    const std::lock_guard lock(mutex_);
    order_.push_back(file.path);
    outcomes_[file.path] = file.outcome;
  }
  void skipped(const SkippedFile& file) override {
    const std::lock_guard lock(mutex_);
    skipped_[file.path] = file.reason;
  }
  std::vector<std::string> order() const {
    const std::lock_guard lock(mutex_);
    return order_;
  }
  std::map<std::string, IndexSkip> skips() const {
    const std::lock_guard lock(mutex_);
    return skipped_;
  }
  std::map<std::string, IndexOutcome> outcomes() const {
    const std::lock_guard lock(mutex_);
    return outcomes_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> order_;
  std::map<std::string, IndexSkip> skipped_;
  std::map<std::string, IndexOutcome> outcomes_;
};

// One indexer and everything it borrows, over `cache` (empty: in memory).
struct Harness {
  explicit Harness(const std::filesystem::path& cache, unsigned workers = 2,
                   std::vector<std::string> excludes = {},
                   std::shared_ptr<WorkHold> typing = nullptr)
      : indexer({.languages = &registry(),
                 .chunkers = &chunkers,
                 .monitor = &monitor,
                 .symbols = &symbols,
                 .listener = &listener,
                 .typing = std::move(typing)},
                {.walk = {.exclude_globs = std::move(excludes)},
                 .workers = workers,
                 .nice = 0,
                 .cache_directory = cache}) {}

  // Indexes a trusted root and waits until the indexer is idle (what wait_idle() says).
  bool index(const std::filesystem::path& root) {
    indexer.add_root(root, /*trusted=*/true);
    return indexer.wait_idle();
  }
  static const LanguageRegistry& registry() {
    static const LanguageRegistry languages = LanguageRegistry::with_builtins();
    return languages;
  }
  bool has_symbol(const std::string& name) const {
    for (const SymbolMatch& m : symbols.search({.query = name, .limit = 0})) {
      if (m.name == name) return true;
    }
    return false;
  }
  std::uint64_t parses() const {
    return monitor.snapshot().stages[static_cast<std::size_t>(Stage::kParse)].count;
  }

  ChunkerPool chunkers;
  Monitor monitor;
  SymbolIndex symbols;
  RecordingListener listener;
  WorkspaceIndexer indexer;
};

void make_tree(const TempDir& tree) {
  git_init(tree.path());
  tree.write(".gitignore", "build/\n*.log\n");
  tree.write("src/shapes.py", kPython);
  tree.write("src/point.c", kC);
  tree.write("src/notes.txt", "not a language we know\n");
  tree.write("src/blob.py", std::string("abc\0def", 7));
  tree.write("build/generated.py", "def generated():\n    pass\n");
  tree.write("debug.log", "def not_indexed():\n    pass\n");
}

TEST(WorkspaceIndexer, IndexesSupportedFilesAndSaysWhyOthersAreSkipped) {
  TempDir tree;
  TempDir cache;
  make_tree(tree);
  Harness h(cache.path());
  ASSERT_TRUE(h.index(tree.path()));
  const IndexProgress p = h.indexer.progress();
  EXPECT_EQ(p.parsed, 2u);
  EXPECT_EQ(p.skipped[static_cast<std::size_t>(IndexSkip::kBinary)], 1u);
  // notes.txt, and .gitignore (no extension: read for a shebang, then left out)
  EXPECT_EQ(p.skipped[static_cast<std::size_t>(IndexSkip::kUnsupported)], 2u);
  EXPECT_GE(p.skipped[static_cast<std::size_t>(IndexSkip::kIgnored)], 2u);  // build/, debug.log
  EXPECT_TRUE(h.has_symbol("Shape"));
  EXPECT_TRUE(h.has_symbol("area"));
  EXPECT_TRUE(h.has_symbol("add"));
  EXPECT_FALSE(h.has_symbol("generated"));
  EXPECT_FALSE(h.has_symbol("not_indexed"));
  const auto skips = h.listener.skips();
  EXPECT_EQ(skips.at((tree.path() / "src/blob.py").string()), IndexSkip::kBinary);
  EXPECT_EQ(skips.at((tree.path() / "src/notes.txt").string()), IndexSkip::kUnsupported);
  EXPECT_TRUE(p.idle);
}

TEST(WorkspaceIndexer, WarmRestartReadsTheStoreAndParsesNothing) {
  TempDir tree;
  TempDir cache;
  make_tree(tree);
  age_tree(tree.path());
  {
    Harness first(cache.path());
    ASSERT_TRUE(first.index(tree.path()));
    EXPECT_EQ(first.indexer.progress().parsed, 2u);
  }
  Harness second(cache.path());
  ASSERT_TRUE(second.index(tree.path()));
  const IndexProgress p = second.indexer.progress();
  EXPECT_EQ(p.parsed, 0u);
  EXPECT_EQ(p.stored, 0u);
  EXPECT_EQ(p.unchanged, 2u);
  EXPECT_EQ(p.warm_files, 2u);
  EXPECT_EQ(second.parses(), 0u);
  EXPECT_EQ(second.chunkers.stats().acquired, 0u);  // not one parser was needed
  EXPECT_TRUE(second.has_symbol("Shape"));
  EXPECT_TRUE(second.has_symbol("add"));
}

TEST(WorkspaceIndexer, FilesEditedOrDeletedWhileDownAreNoticedOnRestart) {
  TempDir tree;
  TempDir cache;
  make_tree(tree);
  tree.write("src/other.py", "def other():\n    pass\n");
  age_tree(tree.path());
  {
    Harness first(cache.path());
    ASSERT_TRUE(first.index(tree.path()));
  }
  // Same size, new content: the size alone would not tell, the new mtime does.
  tree.write("src/shapes.py", std::string(kPython).replace(0, 11, "class Forms"));
  std::filesystem::remove(tree.path() / "src/other.py");
  {
    Harness second(cache.path());
    ASSERT_TRUE(second.index(tree.path()));
    const IndexProgress p = second.indexer.progress();
    EXPECT_EQ(p.parsed, 1u);
    EXPECT_EQ(p.unchanged, 1u);  // point.c
    EXPECT_EQ(p.removed, 1u);
    EXPECT_TRUE(second.has_symbol("Forms"));
    EXPECT_FALSE(second.has_symbol("Shape"));
    EXPECT_FALSE(second.has_symbol("other"));
  }  // closed, so its queued writes are committed (the store's writer batches up to 64 ms)
  // And the store agrees: a third start parses nothing and finds the same symbols.
  age_tree(tree.path());
  Harness third(cache.path());
  ASSERT_TRUE(third.index(tree.path()));
  EXPECT_EQ(third.parses(), 0u);
  EXPECT_TRUE(third.has_symbol("Forms"));
  EXPECT_FALSE(third.has_symbol("other"));
}

TEST(WorkspaceIndexer, ACopyOfKnownContentIsNotParsedAgain) {
  TempDir tree;
  TempDir cache;
  git_init(tree.path());
  tree.write("a/shapes.py", kPython);
  Harness h(cache.path());
  ASSERT_TRUE(h.index(tree.path()));
  tree.write("b/copy.py", kPython);
  h.indexer.file_changed((tree.path() / "b/copy.py").string());
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_EQ(h.indexer.progress().parsed, 1u);
  EXPECT_EQ(h.indexer.progress().stored, 1u);
  std::size_t found = 0;
  for (const SymbolMatch& m : h.symbols.search({.query = "Shape", .limit = 0})) {
    found += m.name == "Shape";
  }
  EXPECT_EQ(found, 2u);
}

// A file touched (new mtime, same bytes) is read and hashed, and then only its stamp
// moves: nothing is parsed, no chunk is read back, and the next start trusts it.
TEST(WorkspaceIndexer, ATouchedFileOnlyRefreshesItsStamp) {
  TempDir tree;
  TempDir cache;
  make_tree(tree);
  age_tree(tree.path());
  const std::filesystem::path shapes = tree.path() / "src/shapes.py";
  {
    Harness first(cache.path());
    ASSERT_TRUE(first.index(tree.path()));
    std::filesystem::last_write_time(
        shapes, std::filesystem::file_time_type::clock::now() - std::chrono::minutes(30));
    first.indexer.file_changed(shapes.string());
    ASSERT_TRUE(first.indexer.wait_idle());
    const IndexProgress p = first.indexer.progress();
    EXPECT_EQ(p.parsed, 2u);  // the first walk's two files, not one more
    EXPECT_EQ(p.stored, 1u);
    EXPECT_EQ(first.listener.outcomes().at(shapes.string()), IndexOutcome::kStored);
    EXPECT_TRUE(first.has_symbol("Shape"));
    first.indexer.stop();
    const std::optional<StoredFile> row =
        open_sqlite_store(store_directory(cache.path(), tree.path()) / kStoreFileName,
                          store_versions(Harness::registry()))
            ->file(shapes.string());
    ASSERT_TRUE(row);
    EXPECT_EQ(row->stamp, stamp_of(shapes.string()));
  }
  Harness second(cache.path());
  ASSERT_TRUE(second.index(tree.path()));
  EXPECT_EQ(second.indexer.progress().unchanged, 2u);
  EXPECT_EQ(second.parses(), 0u);
  EXPECT_TRUE(second.has_symbol("Shape"));
}

TEST(WorkspaceIndexer, WatchedFileEventsIndexAndDropFilesAndRespectIgnoreRules) {
  TempDir tree;
  make_tree(tree);
  Harness h({});
  ASSERT_TRUE(h.index(tree.path()));
  tree.write("src/fresh.py", "def fresh():\n    pass\n");
  h.indexer.file_changed((tree.path() / "src/fresh.py").string());
  tree.write("build/more.py", "def ignored_more():\n    pass\n");
  h.indexer.file_changed((tree.path() / "build/more.py").string());
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_TRUE(h.has_symbol("fresh"));
  EXPECT_FALSE(h.has_symbol("ignored_more"));
  std::filesystem::remove(tree.path() / "src/shapes.py");
  h.indexer.file_deleted((tree.path() / "src/shapes.py").string());
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_FALSE(h.has_symbol("Shape"));
  // A change event for a file that is gone counts as its deletion.
  std::filesystem::remove(tree.path() / "src/fresh.py");
  h.indexer.file_changed((tree.path() / "src/fresh.py").string());
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_FALSE(h.has_symbol("fresh"));
  // Outside every root: nothing happens.
  TempDir elsewhere;
  h.indexer.file_changed(elsewhere.write("x.py", "def outside_every_root():\n    pass\n").string());
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_FALSE(h.has_symbol("outside_every_root"));
}

TEST(WorkspaceIndexer, OpenDocumentsFirstThenChangedThenNearThenTheRest) {
  TempDir tree;
  git_init(tree.path());
  for (const char* dir : {"a", "b", "c"}) {
    for (int i = 0; i < 3; ++i) {
      tree.write(fmt::format("{}/f{}.py", dir, i), fmt::format("def {}{}():\n    pass\n", dir, i));
    }
  }
  age_tree(tree.path());
  tree.write("c/recent.py", "def recent():\n    pass\n");  // modified just now
  Harness h({}, /*workers=*/1);
  h.indexer.hold(std::chrono::hours(1));  // nothing starts until the walk has queued all
  h.indexer.document_opened((tree.path() / "b/f1.py").string());
  h.indexer.add_root(tree.path(), true);
  while (h.indexer.progress().walking)
    std::this_thread::sleep_for(milliseconds(1));
  h.indexer.hold(milliseconds(0));
  ASSERT_TRUE(h.indexer.wait_idle());
  std::vector<std::string> order;
  for (const std::string& path : h.listener.order()) {
    order.push_back(std::filesystem::relative(path, tree.path()).string());
  }
  const std::vector<std::string> expected = {"b/f1.py", "c/recent.py", "b/f0.py", "b/f2.py",
                                             "a/f0.py", "a/f1.py",     "a/f2.py", "c/f0.py",
                                             "c/f1.py", "c/f2.py"};
  EXPECT_EQ(order, expected);
}

TEST(WorkspaceIndexer, RemovingARootDropsItsSymbolsAndAddingItBackRestoresThem) {
  TempDir one;
  TempDir two;
  make_tree(one);
  git_init(two.path());
  two.write("lib.py", "def library():\n    pass\n");
  TempDir cache;
  Harness h(cache.path());
  h.indexer.add_root(one.path(), true);
  ASSERT_TRUE(h.index(two.path()));
  EXPECT_TRUE(h.has_symbol("library"));
  EXPECT_EQ(h.indexer.roots().size(), 2u);
  h.indexer.remove_root(two.path());
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_FALSE(h.has_symbol("library"));
  EXPECT_TRUE(h.has_symbol("Shape"));
  ASSERT_TRUE(h.index(two.path()));
  EXPECT_TRUE(h.has_symbol("library"));
}

TEST(WorkspaceIndexer, AnUnmarkedUntrustedRootIsWalkedOnlyUpToTheFileLimit) {
  TempDir home;
  for (int i = 0; i < 30; ++i)
    home.write(fmt::format("f{:02}.py", i), "x = 1\n");
  ChunkerPool chunkers;
  SymbolIndex symbols;
  WorkspaceIndexer indexer(
      {.languages = &Harness::registry(), .chunkers = &chunkers, .symbols = &symbols},
      {.walk = {.max_files_without_marker = 10}, .workers = 1, .nice = 0});
  indexer.add_root(home.path(), /*trusted=*/false);
  ASSERT_TRUE(indexer.wait_idle());
  EXPECT_EQ(indexer.progress().found, 10u);
  EXPECT_EQ(indexer.progress().skipped[static_cast<std::size_t>(IndexSkip::kFileLimit)], 1u);
}

TEST(WorkspaceIndexer, CancelDropsTheQueueAndReindexStartsAgain) {
  TempDir tree;
  git_init(tree.path());
  for (int i = 0; i < 20; ++i)
    tree.write(fmt::format("f{:02}.py", i), fmt::format("def f{}():\n    pass\n", i));
  Harness h({}, 1);
  h.indexer.hold(std::chrono::hours(1));
  h.indexer.add_root(tree.path(), true);
  while (h.indexer.progress().walking)
    std::this_thread::sleep_for(milliseconds(1));
  h.indexer.cancel();
  h.indexer.hold(milliseconds(0));
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_EQ(h.indexer.progress().parsed, 0u);
  h.indexer.reindex();
  ASSERT_TRUE(h.indexer.wait_idle());
  EXPECT_EQ(h.indexer.progress().parsed, 20u);
  EXPECT_TRUE(h.has_symbol("f19"));
}

// A Python file long enough that its parse reaches tree-sitter's progress checks.
std::string many_functions(int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += fmt::format("def f{}(a, b):\n    return a + b * {}\n", i, i);
  return text;
}

// Until a worker is paused inside a file (the hold is raised before the root is added,
// so the first deadline check of the parse waits); false if no worker ever pauses (a
// minute is only the bound of a failing run).
bool await_paused(const WorkHold& typing) {
  const auto give_up = WorkHold::Clock::now() + std::chrono::minutes(1);
  while (typing.waiting() == 0) {
    if (WorkHold::Clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(1));
  }
  return true;
}

TEST(WorkspaceIndexer, TypingPausesAFileInProgressWhichThenGoesOnWhereItWas) {
  TempDir tree;
  git_init(tree.path());
  tree.write("big.py", many_functions(400));
  auto typing = std::make_shared<WorkHold>();
  typing->hold_until(WorkHold::Clock::now() + std::chrono::hours(1));
  Harness h({}, 1, {}, typing);
  h.indexer.add_root(tree.path(), true);
  ASSERT_TRUE(await_paused(*typing));
  EXPECT_EQ(h.indexer.progress().done, 0u);
  EXPECT_FALSE(h.indexer.progress().idle);
  h.indexer.hold(milliseconds(0));  // what the server's typing hold does when it ends
  ASSERT_TRUE(h.indexer.wait_idle());
  const IndexProgress done = h.indexer.progress();
  EXPECT_EQ(done.parsed, 1u);
  EXPECT_EQ(done.skipped[static_cast<std::size_t>(IndexSkip::kFailed)], 0u);
  EXPECT_EQ(h.parses(), 1u);  // paused and resumed, not parsed again
  EXPECT_GE(typing->pauses(), 1u);
  EXPECT_TRUE(h.has_symbol("f399"));
}

TEST(WorkspaceIndexer, StopWhilePausedByTypingEndsAtOnceAndWritesNothing) {
  TempDir tree;
  TempDir cache;
  git_init(tree.path());
  tree.write("big.py", many_functions(400));
  auto typing = std::make_shared<WorkHold>();
  typing->hold_until(WorkHold::Clock::now() + std::chrono::hours(1));
  {
    Harness h(cache.path(), 1, {}, typing);
    h.indexer.add_root(tree.path(), true);
    ASSERT_TRUE(await_paused(*typing));
    h.indexer.stop();  // an hour's hold does not keep it
    EXPECT_EQ(typing->waiting(), 0u);
    EXPECT_EQ(h.indexer.progress().parsed, 0u);
  }
  const std::filesystem::path db = store_directory(cache.path(), tree.path()) / kStoreFileName;
  auto store = open_sqlite_store(db, store_versions(Harness::registry()));
  EXPECT_TRUE(store->files().empty());
}

TEST(WorkspaceIndexer, StopWhileIndexingLeavesAConsistentStore) {
  TempDir tree;
  TempDir cache;
  git_init(tree.path());
  for (int i = 0; i < 200; ++i) {
    tree.write(fmt::format("m{:03}.py", i),
               fmt::format("class C{}:\n    def m(self):\n        pass\n", i));
  }
  {
    Harness h(cache.path(), 2);
    h.indexer.add_root(tree.path(), true);
    while (h.indexer.progress().done < 20)
      std::this_thread::sleep_for(milliseconds(1));
    h.indexer.stop();
    EXPECT_FALSE(h.indexer.progress().idle && h.indexer.progress().done == 200);
  }
  // Every stored file has its chunks; a restart completes the rest.
  const std::filesystem::path db = store_directory(cache.path(), tree.path()) / kStoreFileName;
  {
    auto store = open_sqlite_store(db, store_versions(Harness::registry()));
    for (const StoredFile& file : store->files()) {
      const std::optional<StoredChunking> chunking = store->chunking(file.key);
      ASSERT_TRUE(chunking) << file.path;
      EXPECT_EQ(chunking->chunks.size(), 2u) << file.path;
    }
  }
  Harness again(cache.path());
  ASSERT_TRUE(again.index(tree.path()));
  for (int i = 0; i < 200; i += 37)
    EXPECT_TRUE(again.has_symbol(fmt::format("C{}", i)));
}

}  // namespace
}  // namespace chunkls
