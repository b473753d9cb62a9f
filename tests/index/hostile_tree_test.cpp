// The walk and the indexer on hostile trees: 100,000 files in one directory, directories
// 1,000 levels deep (and deeper than PATH_MAX allows), names that are not UTF-8 or hold a
// newline, FIFOs named like sources, files replaced by a FIFO, deleted or rewritten
// after the walk queued them, events for links out of the root, and a file queued twice
// (every number the indexer hands out is settled exactly once).
// Nothing here depends on the machine's speed: workers are held by the test, waits end
// on the indexer's idle signal or on an outcome, and the 60 s bounds are hang guards.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/index/ignore/ignore_rules.h"
#include "engine/index/workspace_indexer.h"
#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using testing::git_init;
using testing::TempDir;
using testing::write_file;

constexpr auto kHangGuard = std::chrono::seconds(60);

// What the indexer said, numbers included.
class Recorder final : public IndexListener {
 public:
  void indexed(const IndexedFile& file) override {
    const std::lock_guard lock(mutex_);
    indexed_.insert(file.path);
    settled_.push_back(file.seq);
  }
  void skipped(const SkippedFile& file) override {
    const std::lock_guard lock(mutex_);
    skipped_[file.path] = file;
    if (file.seq != 0) settled_.push_back(file.seq);
  }
  void withdrawn(const std::string&, std::uint64_t seq) override {
    const std::lock_guard lock(mutex_);
    settled_.push_back(seq);
  }
  std::set<std::string> indexed() const {
    const std::lock_guard lock(mutex_);
    return indexed_;
  }
  std::map<std::string, SkippedFile> skipped() const {
    const std::lock_guard lock(mutex_);
    return skipped_;
  }
  std::vector<std::uint64_t> settled() const {
    const std::lock_guard lock(mutex_);
    return settled_;
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> indexed_;
  std::map<std::string, SkippedFile> skipped_;
  std::vector<std::uint64_t> settled_;
};

const LanguageRegistry& registry() {
  static const LanguageRegistry languages = LanguageRegistry::with_builtins();
  return languages;
}

struct Harness {
  explicit Harness(unsigned workers = 2)
      : indexer({.languages = &registry(),
                 .chunkers = &chunkers,
                 .monitor = &monitor,
                 .symbols = &symbols,
                 .listener = &recorder},
                {.workers = workers, .nice = 0}) {}

  bool has_symbol(const std::string& name) const {
    for (const SymbolMatch& m : symbols.search({.query = name, .limit = 0})) {
      if (m.name == name) return true;
    }
    return false;
  }
  // Waits until the walk has queued `found` files (the workers held meanwhile).
  bool wait_walked(std::uint64_t found) {
    const auto until = std::chrono::steady_clock::now() + kHangGuard;
    while (std::chrono::steady_clock::now() < until) {
      const IndexProgress p = indexer.progress();
      if (!p.walking && p.found >= found) return true;
      std::this_thread::sleep_for(milliseconds(1));
    }
    return false;
  }
  std::uint64_t skipped(IndexSkip reason) const {
    return indexer.progress().skipped[static_cast<std::size_t>(reason)];
  }

  ChunkerPool chunkers;
  Monitor monitor;
  SymbolIndex symbols;
  Recorder recorder;
  WorkspaceIndexer indexer;
};

// Every number 1..n settled exactly once.
void expect_each_number_settled_once(const std::vector<std::uint64_t>& settled) {
  std::vector<std::uint64_t> sorted = settled;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < sorted.size(); ++i)
    ASSERT_EQ(sorted[i], i + 1) << "numbers settled: " << ::testing::PrintToString(sorted);
}

void create_empty(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  ASSERT_GE(fd, 0) << path << ": " << std::strerror(errno);
  ::close(fd);
}

TEST(HostileTree, OneHundredThousandFilesInOneDirectory) {
  TempDir tmp;
  git_init(tmp.path());
  const fs::path dir = tmp.path() / "flat";
  fs::create_directory(dir);
  constexpr int kFiles = 100'000;
  for (int i = 0; i < kFiles; ++i) {
    // Most with an extension no language claims (skipped unread), every 1,000th Python.
    create_empty(dir / fmt::format("f{:06}.{}", i, i % 1000 == 0 ? "py" : "dat"));
  }
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  const IndexProgress p = h.indexer.progress();
  EXPECT_EQ(p.found, static_cast<std::uint64_t>(kFiles));
  EXPECT_EQ(p.done, p.found);
  EXPECT_EQ(p.parsed + p.stored, 100u);  // empty files share one content: parsed once
  EXPECT_EQ(h.recorder.indexed().size(), 100u);
  EXPECT_TRUE(h.recorder.indexed().contains((dir / "f000000.py").string()));
  EXPECT_EQ(h.skipped(IndexSkip::kUnsupported), static_cast<std::uint64_t>(kFiles - 100));
  expect_each_number_settled_once(h.recorder.settled());
}

TEST(HostileTree, ATreeAThousandLevelsDeepIsWalkedWithoutRecursionAndIndexed) {
  TempDir tmp;
  git_init(tmp.path());
  fs::path deepest = tmp.path();
  for (int level = 0; level < 1000; ++level)
    deepest /= "d";
  fs::create_directories(deepest);
  write_file(deepest / "bottom.py", "def at_the_bottom():\n    pass\n");
  write_file(tmp.path() / "d" / "d" / "top.py", "def near_the_top():\n    pass\n");
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  EXPECT_EQ(h.recorder.indexed(),
            (std::set<std::string>{(tmp.path() / "d" / "d" / "top.py").string(),
                                   (deepest / "bottom.py").string()}));
  EXPECT_TRUE(h.has_symbol("at_the_bottom"));
  EXPECT_EQ(h.indexer.progress().walking, false);
}

// Levels of 100-byte names, 200 deep: paths of 20,000 bytes, five times PATH_MAX. The
// walk goes as deep as the kernel can name (entries past that are skipped, said so with
// the OS's reason), never overflows a stack, and the indexer goes on.
TEST(HostileTree, PathsLongerThanPathMaxAreSkippedWithTheReason) {
  TempDir tmp;
  git_init(tmp.path());
  write_file(tmp.path() / "shallow.py", "def shallow():\n    pass\n");
  const std::string name(100, 'n');
  {
    int fd = ::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    for (int level = 0; level < 200; ++level) {
      ASSERT_EQ(::mkdirat(fd, name.c_str(), 0755), 0) << std::strerror(errno);
      const int file = ::openat(fd, "f.py", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      ASSERT_GE(file, 0);
      ASSERT_EQ(::write(file, "x = 1\n", 6), 6);
      ::close(file);
      const int next = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      ::close(fd);
      ASSERT_GE(next, 0);
      fd = next;
    }
    ::close(fd);
  }
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  EXPECT_TRUE(h.has_symbol("shallow"));
  const IndexProgress p = h.indexer.progress();
  EXPECT_GT(p.parsed, 1u);
  EXPECT_LT(p.parsed, 200u);  // not all: most lie past PATH_MAX
  bool said_why = false;
  for (const auto& [path, skip] : h.recorder.skipped())
    said_why = said_why || skip.detail.find("File name too long") != std::string::npos;
  EXPECT_TRUE(said_why);
  // The tree's own clean-up: rename each level's child up to the top, then remove it.
  const int top = ::open(tmp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(top, 0);
  const std::string child = name + "/" + name;
  while (true) {
    const int level = ::openat(top, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (level < 0) break;
    ::unlinkat(level, "f.py", 0);
    ::close(level);
    const bool deeper = ::renameat(top, child.c_str(), top, "next") == 0;
    ::unlinkat(top, name.c_str(), AT_REMOVEDIR);
    if (!deeper) break;
    ::renameat(top, "next", top, name.c_str());
  }
  ::close(top);
}

TEST(HostileTree, NamesThatAreNotUtf8OrHoldANewlineAreIndexed) {
  TempDir tmp;
  git_init(tmp.path());
  const fs::path latin1 = tmp.path() / std::string("caf\xe9.py");
  const fs::path newline = tmp.path() / "two\nlines.py";
  write_file(latin1, "def latin1_name():\n    pass\n");
  write_file(newline, "def newline_name():\n    pass\n");
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  EXPECT_EQ(h.recorder.indexed(), (std::set<std::string>{latin1.string(), newline.string()}));
  EXPECT_TRUE(h.has_symbol("latin1_name"));
  EXPECT_TRUE(h.has_symbol("newline_name"));
}

TEST(HostileTree, AFifoNamedLikeASourceIsSkippedWithItsReason) {
  TempDir tmp;
  git_init(tmp.path());
  ASSERT_EQ(::mkfifo((tmp.path() / "x.py").c_str(), 0644), 0);
  write_file(tmp.path() / "y.py", "def real():\n    pass\n");
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  const auto skipped = h.recorder.skipped();
  ASSERT_TRUE(skipped.contains((tmp.path() / "x.py").string()));
  EXPECT_EQ(skipped.at((tmp.path() / "x.py").string()).reason, IndexSkip::kNotAFile);
  EXPECT_EQ(skipped.at((tmp.path() / "x.py").string()).detail, "a FIFO");
  EXPECT_TRUE(h.has_symbol("real"));
}

// A FIFO or a device named .gitignore would be read never or forever: it gives no
// rules, the problem is said, and the walk goes on.
TEST(HostileTree, AFifoNamedGitignoreGivesNoRulesAndNeverBlocks) {
  TempDir tmp;
  git_init(tmp.path());
  fs::create_directories(tmp.path() / "sub");
  ASSERT_EQ(::mkfifo((tmp.path() / "sub" / ".gitignore").c_str(), 0644), 0);
  write_file(tmp.path() / "sub" / "kept.py", "def kept():\n    pass\n");
  const IgnoreRules rules = IgnoreRules::open(tmp.path(), {});
  EXPECT_FALSE(rules.git_ignored("sub/kept.py", false));
  EXPECT_NE(rules.problems().find("not a regular file"), std::string::npos) << rules.problems();
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  EXPECT_TRUE(h.has_symbol("kept"));
}

// The walk queued regular files; before a worker reads them one becomes a FIFO, one is
// deleted, one is rewritten. The FIFO is refused without waiting for a writer, the
// deleted file leaves nothing behind, the rewritten one is indexed as it is now.
TEST(HostileTree, FilesReplacedDeletedOrRewrittenAfterTheWalkQueuedThem) {
  TempDir tmp;
  git_init(tmp.path());
  write_file(tmp.path() / "becomes_fifo.py", "def was_a_file():\n    pass\n");
  write_file(tmp.path() / "deleted.py", "def deleted_before_read():\n    pass\n");
  write_file(tmp.path() / "rewritten.py", "def old_version():\n    pass\n");
  Harness h;
  h.indexer.hold(std::chrono::hours(1));  // workers take nothing until released
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.wait_walked(3));
  fs::remove(tmp.path() / "becomes_fifo.py");
  ASSERT_EQ(::mkfifo((tmp.path() / "becomes_fifo.py").c_str(), 0644), 0);
  fs::remove(tmp.path() / "deleted.py");
  write_file(tmp.path() / "rewritten.py", "def new_version_of_it():\n    pass\n");
  h.indexer.hold(milliseconds(0));
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  const auto skipped = h.recorder.skipped();
  const std::string fifo = (tmp.path() / "becomes_fifo.py").string();
  ASSERT_TRUE(skipped.contains(fifo));
  EXPECT_EQ(skipped.at(fifo).reason, IndexSkip::kNotAFile);
  EXPECT_EQ(skipped.at(fifo).detail, "unreadable: not a regular file (a FIFO)");
  EXPECT_FALSE(h.has_symbol("was_a_file"));
  EXPECT_FALSE(h.has_symbol("deleted_before_read"));
  EXPECT_FALSE(h.has_symbol("old_version"));
  EXPECT_TRUE(h.has_symbol("new_version_of_it"));
  EXPECT_EQ(h.recorder.indexed(), std::set<std::string>{(tmp.path() / "rewritten.py").string()});
  const IndexProgress p = h.indexer.progress();
  EXPECT_EQ(p.done, p.found);
}

TEST(HostileTree, AnEventForALinkOutOfTheRootReadsNothingOutside) {
  TempDir tmp;
  TempDir outside;
  git_init(tmp.path());
  write_file(outside.path() / "secret.py", "def outside_secret():\n    pass\n");
  write_file(tmp.path() / "a.py", "def inside():\n    pass\n");
  Harness h;
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  // Created after the walk: only the event (a client's, or the watcher's) tells of it.
  fs::create_symlink(outside.path() / "secret.py", tmp.path() / "link.py");
  fs::create_symlink("/", tmp.path() / "slash");
  h.indexer.file_changed((tmp.path() / "link.py").string());
  h.indexer.file_changed(
      (tmp.path() / "slash" / outside.path().relative_path() / "secret.py").string());
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  EXPECT_TRUE(h.has_symbol("inside"));
  EXPECT_FALSE(h.has_symbol("outside_secret"));
  EXPECT_EQ(h.skipped(IndexSkip::kOutsideRoot), 2u);
  const auto skipped = h.recorder.skipped();
  ASSERT_TRUE(skipped.contains((tmp.path() / "link.py").string()));
  EXPECT_NE(skipped.at((tmp.path() / "link.py").string()).detail.find("outside"),
            std::string::npos);
}

// The same file queued by an event and by the walk: indexed once, and the other number
// withdrawn, so every number is settled exactly once (`chunkls index` prints in number
// order and must never wait for one that does not come).
TEST(HostileTree, AFileQueuedTwiceSettlesEveryNumberOnce) {
  TempDir tmp;
  git_init(tmp.path());
  for (const char* name : {"a.py", "b.py", "c.py"})
    write_file(tmp.path() / name, "def f():\n    pass\n");
  Harness h;
  h.indexer.hold(std::chrono::hours(1));
  h.indexer.add_root(tmp.path(), /*trusted=*/true);
  h.indexer.file_changed((tmp.path() / "b.py").string());  // before or after the walk's
  ASSERT_TRUE(h.wait_walked(3));
  h.indexer.file_changed((tmp.path() / "c.py").string());  // after the walk's
  h.indexer.hold(milliseconds(0));
  ASSERT_TRUE(h.indexer.wait_idle(std::chrono::duration_cast<milliseconds>(kHangGuard)));
  EXPECT_EQ(h.recorder.indexed().size(), 3u);
  const std::vector<std::uint64_t> settled = h.recorder.settled();
  EXPECT_GE(settled.size(), 4u);  // at least c.py's event number was withdrawn
  expect_each_number_settled_once(settled);
}

}  // namespace
}  // namespace chunkls
