// DirectoryWatcher on a real directory: files created, written, moved and deleted, a
// directory created with files already in it, unwanted directories left alone. Each
// wait ends on the event it waits for (or fails after a generous hang guard).
#include "engine/index/directory_watcher.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>

#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

class Recorder {
 public:
  DirectoryEvents events(std::function<bool(const std::string&)> wanted = {}) {
    return {.changed = [this](const std::string& p) { add(changed_, p); },
            .deleted = [this](const std::string& p) { add(deleted_, p); },
            .wanted = std::move(wanted)};
  }
  // Hang guard only: each wait ends as soon as the kernel's event arrives.
  bool wait_changed(const std::string& path) { return wait(changed_, path); }
  bool wait_deleted(const std::string& path) { return wait(deleted_, path); }
  bool saw_changed(const std::string& path) {
    const std::lock_guard lock(mutex_);
    return changed_.contains(path);
  }

 private:
  void add(std::set<std::string>& into, const std::string& path) {
    {
      const std::lock_guard lock(mutex_);
      into.insert(path);
    }
    arrived_.notify_all();
  }
  bool wait(std::set<std::string>& in, const std::string& path) {
    std::unique_lock lock(mutex_);
    return arrived_.wait_for(lock, std::chrono::seconds(60), [&] { return in.contains(path); });
  }
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::set<std::string> changed_;
  std::set<std::string> deleted_;
};

TEST(DirectoryWatcher, CreatedWrittenMovedAndDeletedFiles) {
  TempDir dir;
  Recorder recorder;
  DirectoryWatcher watcher(recorder.events());
  ASSERT_TRUE(watcher.watch(dir.path()));
  EXPECT_EQ(watcher.watched(), 1u);
  const std::string created = dir.write("a.py", "x = 1\n").string();
  EXPECT_TRUE(recorder.wait_changed(created));
  const std::string moved = (dir.path() / "b.py").string();
  fs::rename(created, moved);
  EXPECT_TRUE(recorder.wait_deleted(created));
  EXPECT_TRUE(recorder.wait_changed(moved));
  fs::remove(moved);
  EXPECT_TRUE(recorder.wait_deleted(moved));
}

TEST(DirectoryWatcher, ANewDirectoryIsWatchedAndItsFilesReported) {
  TempDir dir;
  Recorder recorder;
  DirectoryWatcher watcher(recorder.events());
  ASSERT_TRUE(watcher.watch(dir.path()));
  // Made elsewhere, filled, then moved in whole: only the move is seen, so its files
  // must be found by looking.
  TempDir outside;
  outside.write("pkg/sub/deep.py", "y = 2\n");
  fs::rename(outside.path() / "pkg", dir.path() / "pkg");
  const std::string deep = (dir.path() / "pkg/sub/deep.py").string();
  EXPECT_TRUE(recorder.wait_changed(deep));
  // And it is watched now.
  const std::string later = dir.write("pkg/sub/later.py", "z = 3\n").string();
  EXPECT_TRUE(recorder.wait_changed(later));
  fs::remove_all(dir.path() / "pkg");
  EXPECT_TRUE(recorder.wait_deleted((dir.path() / "pkg").string()));
}

// A tree 1,000 levels deep moved in whole is adopted level by level with a loop (the
// watcher's thread has a small stack); a link to "/" inside it is not entered.
TEST(DirectoryWatcher, ATreeAThousandLevelsDeepMovedInIsAdoptedWithoutFollowingLinks) {
  TempDir dir;
  Recorder recorder;
  DirectoryWatcher watcher(recorder.events());
  ASSERT_TRUE(watcher.watch(dir.path()));
  TempDir outside;
  fs::path deepest = outside.path() / "deep";
  for (int level = 1; level < 1000; ++level)
    deepest /= "d";
  fs::create_directories(deepest);
  outside.write((deepest / "bottom.py").lexically_relative(outside.path()).string(), "x = 1\n");
  fs::create_symlink("/", outside.path() / "deep" / "slash");
  fs::rename(outside.path() / "deep", dir.path() / "deep");
  const fs::path moved_bottom =
      dir.path() / (deepest / "bottom.py").lexically_relative(outside.path());
  EXPECT_TRUE(recorder.wait_changed(moved_bottom.string()));
  EXPECT_EQ(watcher.watched(), 1u + 1000u);  // the directory and each level, not "/"
}

TEST(DirectoryWatcher, UnwantedDirectoriesAreLeftAlone) {
  TempDir dir;
  Recorder recorder;
  DirectoryWatcher watcher(
      recorder.events([](const std::string& d) { return !d.ends_with("/node_modules"); }));
  ASSERT_TRUE(watcher.watch(dir.path()));
  TempDir outside;
  outside.write("node_modules/lib.js", "var a;\n");
  fs::rename(outside.path() / "node_modules", dir.path() / "node_modules");
  // Something after it that is wanted: once it is seen, the unwanted one was handled.
  const std::string marker = dir.write("marker.py", "m = 1\n").string();
  EXPECT_TRUE(recorder.wait_changed(marker));
  EXPECT_FALSE(recorder.saw_changed((dir.path() / "node_modules/lib.js").string()));
  EXPECT_EQ(watcher.watched(), 1u);
}

}  // namespace
}  // namespace chunkls
