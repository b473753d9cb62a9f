// WorkspaceWalk on trees each test builds (order, pruning, links, special files, limits,
// stopping) and on a real tree nobody here wrote, checked against find(1).
#include "engine/index/workspace_walk.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::git_init;
using testing::TempDir;
using testing::write_file;

struct Walked {
  std::vector<WalkedFile> files;
  std::vector<WalkSkip> skips;
  WalkSummary summary;

  std::vector<std::string> relatives() const {
    std::vector<std::string> out;
    for (const WalkedFile& f : files)
      out.push_back(f.relative);
    return out;
  }
  // relative path -> skip, for skips below `root`.
  std::map<std::string, WalkSkip> skips_by_path(const fs::path& root) const {
    std::map<std::string, WalkSkip> out;
    for (const WalkSkip& s : skips)
      out[s.path.lexically_relative(root).generic_string()] = s;
    return out;
  }
};

Walked walk(const fs::path& root, WalkOptions options = {}, std::stop_token stop = {}) {
  Walked w;
  w.summary = WorkspaceWalk(root, std::move(options))
                  .run(
                      [&](WalkedFile&& f) {
                        w.files.push_back(std::move(f));
                        return true;
                      },
                      [&](WalkSkip&& s) {
                        w.skips.push_back(std::move(s));
                        return true;
                      },
                      stop);
  return w;
}

WalkOptions trusted() {
  WalkOptions options;
  options.trusted_root = true;
  return options;
}

TEST(WorkspaceWalk, YieldsFilesInByteOrderDepthFirst) {
  TempDir tmp;
  for (const char* file :
       {"b.c", "B.c", "a/z.c", "a/b/y.c", "a.c", "a-b/x.c", "_.c", "\xC3\xA9.c", "a/a.c"}) {
    write_file(tmp.path() / file);
  }
  const Walked first = walk(tmp.path(), trusted());
  const std::vector<std::string> expected = {"B.c",     "_.c", "a/a.c", "a/b/y.c",   "a/z.c",
                                             "a-b/x.c", "a.c", "b.c",   "\xC3\xA9.c"};
  EXPECT_EQ(first.relatives(), expected);
  for (const WalkedFile& f : first.files)
    EXPECT_EQ(f.path, tmp.path() / f.relative);
  EXPECT_EQ(walk(tmp.path(), trusted()).relatives(), expected) << "the same tree, the same walk";
  EXPECT_TRUE(first.skips.empty());
  EXPECT_EQ(first.summary.files, 9u);
  EXPECT_EQ(first.summary.directories, 4u) << "the root, a, a/b, a-b";
  EXPECT_FALSE(first.summary.marker);
}

TEST(WorkspaceWalk, NeverEntersGitMetadataAndTakesItAsTheMarker) {
  TempDir tmp;
  write_file(tmp.path() / ".git" / "HEAD", "ref: refs/heads/main\n");
  write_file(tmp.path() / ".git" / "objects" / "x.c");
  write_file(tmp.path() / "sub" / ".git",
             "gitdir: ../.git/modules/sub\n");  // a submodule's gitfile
  write_file(tmp.path() / "sub" / "a.c");
  const Walked w = walk(tmp.path());
  EXPECT_EQ(w.relatives(), std::vector<std::string>{"sub/a.c"});
  EXPECT_TRUE(w.summary.marker);
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 2u);
  EXPECT_EQ(skips.at(".git").reason, WalkSkipReason::kIgnored);
  EXPECT_TRUE(skips.at(".git").directory);
  EXPECT_EQ(skips.at("sub/.git").reason, WalkSkipReason::kIgnored);
  EXPECT_FALSE(skips.at("sub/.git").directory);
}

TEST(WorkspaceWalk, PrunesIgnoredDirectoriesAndSkipsIgnoredFiles) {
  TempDir tmp;
  git_init(tmp.path());
  write_file(tmp.path() / ".gitignore", "build/\n*.o\n!keep.o\n");
  write_file(tmp.path() / "build" / "a.c");
  write_file(tmp.path() / "build" / "sub" / "b.c");
  write_file(tmp.path() / "src" / "x.o");
  write_file(tmp.path() / "src" / "keep.o");
  write_file(tmp.path() / "src" / "x.c");
  const Walked w = walk(tmp.path());
  EXPECT_EQ(w.relatives(), (std::vector<std::string>{".gitignore", "src/keep.o", "src/x.c"}));
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 3u);
  EXPECT_EQ(skips.at("build").reason, WalkSkipReason::kIgnored);
  EXPECT_TRUE(skips.at("build").directory) << "one skip for the directory, none for its files";
  EXPECT_EQ(skips.at("src/x.o").reason, WalkSkipReason::kIgnored);
  EXPECT_FALSE(skips.at("src/x.o").directory);
  EXPECT_TRUE(skips.contains(".git"));
  EXPECT_EQ(w.summary.skipped, 3u);
  EXPECT_EQ(w.summary.directories, 2u) << "the root and src";
}

TEST(WorkspaceWalk, UserExcludeGlobs) {
  TempDir tmp;
  for (const char* file : {"node_modules/x/i.js", "a/node_modules/j.js", "app.min.js", "app.js",
                           "docs/d.md", "a/docs/e.md"}) {
    write_file(tmp.path() / file);
  }
  WalkOptions options = trusted();
  options.exclude_globs = {"node_modules/", "*.min.js", "/docs"};
  const Walked w = walk(tmp.path(), options);
  EXPECT_EQ(w.relatives(), (std::vector<std::string>{"a/docs/e.md", "app.js"}));
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 4u);
  for (const char* dir : {"node_modules", "a/node_modules", "docs"}) {
    EXPECT_EQ(skips.at(dir).reason, WalkSkipReason::kExcluded) << dir;
    EXPECT_TRUE(skips.at(dir).directory) << dir;
  }
  EXPECT_EQ(skips.at("app.min.js").reason, WalkSkipReason::kExcluded);
  EXPECT_FALSE(skips.at("app.min.js").directory);
}

// Runs the walk on another thread and fails, rather than hangs, should it block; then
// `unblock` frees it so the test can end. A hang guard, not a speed assumption.
Walked walk_with_watchdog(const fs::path& root, const WalkOptions& options,
                          const std::function<void()>& unblock) {
  auto future = std::async(std::launch::async, [&] { return walk(root, options); });
  if (future.wait_for(60s) != std::future_status::ready) {
    ADD_FAILURE() << "the walk blocked";
    unblock();
  }
  return future.get();
}

TEST(WorkspaceWalk, SkipsFifosAndSocketsWithoutOpeningThem) {
  TempDir tmp;
  const fs::path fifo = tmp.path() / "x.py";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0) << std::strerror(errno);
  const fs::path socket_path = tmp.path() / "s.py";
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.string().size(), sizeof address.sun_path);
  std::strcpy(address.sun_path, socket_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  write_file(tmp.path() / "y.py", "pass\n");

  const Walked w = walk_with_watchdog(tmp.path(), trusted(), [&] {
    // A writer opening the FIFO releases a reader blocked opening it.
    const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  });
  ::close(sock);
  EXPECT_EQ(w.relatives(), std::vector<std::string>{"y.py"});
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 2u);
  EXPECT_EQ(skips.at("x.py").reason, WalkSkipReason::kNotAFile);
  EXPECT_EQ(skips.at("x.py").detail, "a FIFO");
  EXPECT_EQ(skips.at("s.py").reason, WalkSkipReason::kNotAFile);
  EXPECT_EQ(skips.at("s.py").detail, "a socket");
}

TEST(WorkspaceWalk, ASymlinkLoopIsWalkedOnce) {
  TempDir tmp;
  write_file(tmp.path() / "f.c");
  write_file(tmp.path() / "a" / "g.c");
  fs::create_directory_symlink("..", tmp.path() / "a" / "loop");
  const Walked w = walk_with_watchdog(tmp.path(), trusted(), [] {});
  EXPECT_EQ(w.relatives(), (std::vector<std::string>{"a/g.c", "f.c"}));
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips.at("a/loop").reason, WalkSkipReason::kLoop);
  EXPECT_TRUE(skips.at("a/loop").directory);
}

TEST(WorkspaceWalk, SymlinksOutOfTheRootAreNotFollowed) {
  TempDir tmp;
  TempDir elsewhere;
  write_file(elsewhere.path() / "secret.c");
  const fs::path root = tmp.path() / "root";
  write_file(root / "in.c");
  fs::create_directory_symlink("/usr/include", root / "out");
  fs::create_symlink(elsewhere.path() / "secret.c", root / "secret.c");
  fs::create_directory_symlink("../", root / "up");  // the root's parent
  const Walked w = walk(root, trusted());
  EXPECT_EQ(w.relatives(), std::vector<std::string>{"in.c"});
  const auto skips = w.skips_by_path(root);
  ASSERT_EQ(skips.size(), 3u);
  for (const char* link : {"out", "secret.c", "up"}) {
    EXPECT_EQ(skips.at(link).reason, WalkSkipReason::kOutsideRoot) << link;
  }
  EXPECT_TRUE(skips.at("out").directory);
  EXPECT_FALSE(skips.at("secret.c").directory);
}

TEST(WorkspaceWalk, SymlinksInsideTheRootAreFollowed) {
  TempDir tmp;
  write_file(tmp.path() / "real" / "x.c", "int x;\n");
  fs::create_symlink("real/x.c", tmp.path() / "link.c");
  fs::create_directory_symlink("real", tmp.path() / "linkdir");  // walked first: byte order
  const Walked w = walk(tmp.path(), trusted());
  EXPECT_EQ(w.relatives(), (std::vector<std::string>{"link.c", "linkdir/x.c"}));
  ASSERT_EQ(w.files.size(), 2u);
  EXPECT_EQ(w.files[0].path, tmp.path() / "link.c") << "named by the link, not its target";
  EXPECT_EQ(w.files[0].stamp, stamp_of(tmp.path() / "real" / "x.c")) << "the target's stamp";
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 1u);
  EXPECT_EQ(skips.at("real").reason, WalkSkipReason::kLoop) << "already walked as linkdir";
  EXPECT_TRUE(skips.at("real").directory);
}

TEST(WorkspaceWalk, ARootReachedThroughASymlinkIsWalked) {
  TempDir tmp;
  write_file(tmp.path() / "real" / "x.c");
  fs::create_directory_symlink("real", tmp.path() / "alias");
  fs::create_symlink("x.c", tmp.path() / "real" / "y.c");
  const Walked w = walk(tmp.path() / "alias", trusted());
  EXPECT_EQ(w.relatives(), (std::vector<std::string>{"x.c", "y.c"}));
  EXPECT_EQ(w.files[0].path, tmp.path() / "alias" / "x.c");
  EXPECT_TRUE(w.skips.empty());
}

TEST(WorkspaceWalk, BrokenSymlinksAreReportedUnreadable) {
  TempDir tmp;
  fs::create_symlink("nowhere.c", tmp.path() / "broken.c");
  const Walked w = walk(tmp.path(), trusted());
  EXPECT_TRUE(w.files.empty());
  ASSERT_EQ(w.skips.size(), 1u);
  EXPECT_EQ(w.skips[0].reason, WalkSkipReason::kUnreadable);
  EXPECT_NE(w.skips[0].detail.find("broken symbolic link"), std::string::npos) << w.skips[0].detail;
}

TEST(WorkspaceWalk, AMissingRootOrAFileAsRootIsReported) {
  TempDir tmp;
  const Walked w = walk(tmp.path() / "missing", trusted());
  EXPECT_TRUE(w.files.empty());
  ASSERT_EQ(w.skips.size(), 1u);
  EXPECT_EQ(w.skips[0].reason, WalkSkipReason::kUnreadable);
  EXPECT_TRUE(w.skips[0].directory);
  EXPECT_EQ(w.summary.directories, 0u);

  write_file(tmp.path() / "file.c");
  const Walked file = walk(tmp.path() / "file.c", trusted());
  EXPECT_TRUE(file.files.empty()) << "a root that is not a directory";
  ASSERT_EQ(file.skips.size(), 1u);
  EXPECT_EQ(file.skips[0].reason, WalkSkipReason::kUnreadable);
}

// Permissions do not stop root, so the walk runs in a child that gives up root's rights
// (as "nobody") when it has them; the child reports by its exit code.
TEST(WorkspaceWalk, UnreadableDirectoriesAreReportedAndTheWalkGoesOn) {
  TempDir tmp;
  write_file(tmp.path() / "a.c");
  write_file(tmp.path() / "locked" / "hidden.c");
  write_file(tmp.path() / "z" / "b.c");
  fs::permissions(tmp.path(), fs::perms::all, fs::perm_options::add);  // nobody may enter
  fs::permissions(tmp.path() / "z", fs::perms::all, fs::perm_options::add);
  fs::permissions(tmp.path() / "locked", fs::perms::none);

  enum : int { kAsExpected = 0, kCannotDropRoot = 10, kNotReported, kWalkStopped, kWrongFiles };
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
      ::_exit(kCannotDropRoot);
    if (::geteuid() == 0) ::_exit(kCannotDropRoot);
    const Walked w = walk(tmp.path(), trusted());
    const auto skips = w.skips_by_path(tmp.path());
    const auto locked = skips.find("locked");
    if (locked == skips.end() || locked->second.reason != WalkSkipReason::kUnreadable ||
        !locked->second.directory || locked->second.detail.empty()) {
      ::_exit(kNotReported);
    }
    if (w.summary.stopped) ::_exit(kWalkStopped);
    if (w.relatives() != std::vector<std::string>{"a.c", "z/b.c"}) ::_exit(kWrongFiles);
    ::_exit(kAsExpected);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  if (WEXITSTATUS(status) == kCannotDropRoot) {
    GTEST_SKIP() << "running as root and cannot become nobody: permissions cannot be tested";
  }
  EXPECT_EQ(WEXITSTATUS(status), kAsExpected)
      << "10 cannot drop root, 11 not reported, 12 stopped, 13 wrong files";
}

TEST(WorkspaceWalk, FilesOverTheSizeLimitAreSkippedBySize) {
  TempDir tmp;
  write_file(tmp.path() / "at-limit.c");
  fs::resize_file(tmp.path() / "at-limit.c", kDefaultMaxFileBytes);
  write_file(tmp.path() / "over.c");
  fs::resize_file(tmp.path() / "over.c", kDefaultMaxFileBytes + 1);
  write_file(tmp.path() / "huge.c");
  fs::resize_file(tmp.path() / "huge.c", std::uint64_t{8} << 30);  // sparse: costs nothing
  const Walked w = walk(tmp.path(), trusted());
  EXPECT_EQ(w.relatives(), std::vector<std::string>{"at-limit.c"});
  EXPECT_EQ(w.files[0].stamp.size, kDefaultMaxFileBytes);
  const auto skips = w.skips_by_path(tmp.path());
  ASSERT_EQ(skips.size(), 2u);
  EXPECT_EQ(skips.at("over.c").reason, WalkSkipReason::kTooLarge);
  EXPECT_EQ(skips.at("huge.c").reason, WalkSkipReason::kTooLarge);

  WalkOptions unlimited = trusted();
  unlimited.max_file_bytes = 0;
  EXPECT_EQ(walk(tmp.path(), unlimited).files.size(), 3u) << "0: no size limit";
}

TEST(WorkspaceWalk, AnUnmarkedRootStopsAtTheFileLimit) {
  TempDir tmp;
  for (int i = 0; i < 50; ++i)
    write_file(tmp.path() / ("f" + std::to_string(100 + i) + ".c"));
  WalkOptions options;
  options.max_files_without_marker = 10;
  const Walked w = walk(tmp.path(), options);
  ASSERT_EQ(w.files.size(), 10u);
  EXPECT_EQ(w.files.front().relative, "f100.c");
  EXPECT_EQ(w.files.back().relative, "f109.c");
  ASSERT_EQ(w.skips.size(), 1u) << "one skip says why the rest was left";
  EXPECT_EQ(w.skips[0].reason, WalkSkipReason::kFileLimit);
  EXPECT_EQ(w.skips[0].path, tmp.path() / "f110.c");
  EXPECT_TRUE(w.summary.truncated);
  EXPECT_FALSE(w.summary.stopped);
  EXPECT_FALSE(w.summary.marker);
  EXPECT_EQ(w.summary.files, 10u);

  WalkOptions trusting = options;
  trusting.trusted_root = true;
  const Walked all = walk(tmp.path(), trusting);
  EXPECT_EQ(all.files.size(), 50u) << "a trusted root has no limit";
  EXPECT_FALSE(all.summary.truncated);

  fs::create_directory(tmp.path() / ".git");
  const Walked marked = walk(tmp.path(), options);
  EXPECT_EQ(marked.files.size(), 50u) << "a marked root has no limit";
  EXPECT_TRUE(marked.summary.marker);
  EXPECT_FALSE(marked.summary.truncated);
}

TEST(WorkspaceWalk, ExactlyTheFileLimitIsNotTruncated) {
  TempDir tmp;
  for (int i = 0; i < 10; ++i)
    write_file(tmp.path() / ("f" + std::to_string(i) + ".c"));
  write_file(tmp.path() / "big.c");
  fs::resize_file(tmp.path() / "big.c", kDefaultMaxFileBytes + 1);
  WalkOptions options;
  options.max_files_without_marker = 10;
  const Walked w = walk(tmp.path(), options);
  EXPECT_EQ(w.files.size(), 10u);
  EXPECT_FALSE(w.summary.truncated) << "a file skipped by size is not one past the limit";
  ASSERT_EQ(w.skips.size(), 1u);
  EXPECT_EQ(w.skips[0].reason, WalkSkipReason::kTooLarge);
}

TEST(WorkspaceWalk, TheStopTokenStopsTheWalk) {
  TempDir tmp;
  for (int i = 0; i < 20; ++i)
    write_file(tmp.path() / ("f" + std::to_string(100 + i) + ".c"));
  std::stop_source stop;
  std::vector<std::string> seen;
  const WalkSummary summary = WorkspaceWalk(tmp.path(), trusted())
                                  .run(
                                      [&](WalkedFile&& f) {
                                        seen.push_back(f.relative);
                                        if (seen.size() == 3) stop.request_stop();
                                        return true;
                                      },
                                      [](WalkSkip&&) { return true; }, stop.get_token());
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_TRUE(summary.stopped);
  EXPECT_EQ(summary.files, 3u);

  stop = std::stop_source();
  stop.request_stop();
  EXPECT_TRUE(walk(tmp.path(), trusted(), stop.get_token()).files.empty())
      << "stopped before it starts";
}

TEST(WorkspaceWalk, ACallbackReturningFalseStopsTheWalk) {
  TempDir tmp;
  for (int i = 0; i < 20; ++i)
    write_file(tmp.path() / ("f" + std::to_string(100 + i) + ".c"));
  int files = 0;
  WalkSummary summary =
      WorkspaceWalk(tmp.path(), trusted())
          .run([&](WalkedFile&&) { return ++files < 2; }, [](WalkSkip&&) { return true; });
  EXPECT_EQ(files, 2);
  EXPECT_TRUE(summary.stopped);
  EXPECT_EQ(summary.files, 2u);

  fs::create_directory(tmp.path() / ".git");  // the first entry, and a skip
  int skips = 0;
  files = 0;
  summary = WorkspaceWalk(tmp.path(), trusted())
                .run(
                    [&](WalkedFile&&) {
                      ++files;
                      return true;
                    },
                    [&](WalkSkip&&) {
                      ++skips;
                      return false;
                    });
  EXPECT_EQ(skips, 1);
  EXPECT_EQ(files, 0);
  EXPECT_TRUE(summary.stopped);
}

TEST(WorkspaceWalk, TheSummaryCountsWhatTheCallbacksSaw) {
  TempDir tmp;
  git_init(tmp.path());
  write_file(tmp.path() / ".gitignore", "*.log\nout/\n");
  for (const char* file : {"a.c", "a.log", "d/b.c", "d/e/c.c", "d/e/x.log", "out/o.c"}) {
    write_file(tmp.path() / file);
  }
  write_file(tmp.path() / "d" / "big.c");
  fs::resize_file(tmp.path() / "d" / "big.c", 2000);
  WalkOptions options;
  options.max_file_bytes = 1000;
  const Walked w = walk(tmp.path(), options);
  EXPECT_EQ(w.summary.files, w.files.size());
  EXPECT_EQ(w.summary.skipped, w.skips.size());
  EXPECT_EQ(w.summary.files, 4u) << ".gitignore a.c d/b.c d/e/c.c";
  EXPECT_EQ(w.summary.skipped, 5u) << ".git a.log d/big.c d/e/x.log out";
  EXPECT_EQ(w.summary.directories, 3u) << "the root, d, d/e";
  EXPECT_TRUE(w.summary.marker);
  EXPECT_FALSE(w.summary.truncated);
  EXPECT_FALSE(w.summary.stopped);
}

TEST(WorkspaceWalk, StampsAreThoseOfStampOf) {
  TempDir tmp;
  write_file(tmp.path() / "a.c", "int a;\n");
  write_file(tmp.path() / "d" / "b.c", "int bb;\n");
  const Walked w = walk(tmp.path(), trusted());
  ASSERT_EQ(w.files.size(), 2u);
  for (const WalkedFile& f : w.files) {
    const std::optional<FileStamp> stamp = stamp_of(f.path);
    ASSERT_TRUE(stamp.has_value());
    EXPECT_EQ(f.stamp, *stamp) << f.relative;
    EXPECT_NE(f.stamp.mtime_ns, 0);
    EXPECT_NE(f.stamp.inode, 0u);
  }
  EXPECT_EQ(w.files[0].stamp.size, 7u);
}

TEST(WorkspaceWalk, SkipReasonsHaveNames) {
  EXPECT_EQ(to_string(WalkSkipReason::kIgnored), "ignored");
  EXPECT_EQ(to_string(WalkSkipReason::kExcluded), "excluded");
  EXPECT_EQ(to_string(WalkSkipReason::kTooLarge), "too large");
  EXPECT_EQ(to_string(WalkSkipReason::kNotAFile), "not a file");
  EXPECT_EQ(to_string(WalkSkipReason::kUnreadable), "unreadable");
  EXPECT_EQ(to_string(WalkSkipReason::kOutsideRoot), "outside root");
  EXPECT_EQ(to_string(WalkSkipReason::kLoop), "loop");
  EXPECT_EQ(to_string(WalkSkipReason::kFileLimit), "file limit");
}

// ---------------------------------------------------------------------------------------
// A real tree nobody here wrote, against find(1).

std::string real_path(const fs::path& path) {
  std::error_code ec;
  const fs::path resolved = fs::canonical(path, ec);
  return ec ? std::string() : resolved.string();
}

bool inside(const std::string& root, const std::string& path) {
  return path == root || path.starts_with(root + "/");
}

std::string run(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[1 << 16];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;)
    out.append(buffer, n);
  ::pclose(pipe);
  return out;
}

std::vector<std::string> split_nul(const std::string& text) {
  std::vector<std::string> parts;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t nul = text.find('\0', start);
    parts.push_back(text.substr(start, nul - start));
    start = nul + 1;
  }
  return parts;
}

TEST(WorkspaceWalk, RealTreeMatchesFind) {
  const fs::path root = "/usr/include";
  if (!fs::is_directory(root)) GTEST_SKIP() << "no /usr/include here";
  const std::string resolved_root = real_path(root);
  constexpr std::uint64_t kLimit = 64 * 1024;  // low enough that some headers are over it

  // find: every regular file with its size (links not followed).
  std::map<std::string, std::uint64_t> found;
  for (const std::string& record : split_nul(run("find /usr/include -type f -printf '%s %p\\0'"))) {
    const std::size_t space = record.find(' ');
    found[record.substr(space + 1)] = std::stoull(record.substr(0, space));
  }
  ASSERT_GT(found.size(), 100u);
  std::set<std::string> found_real;
  for (const auto& [path, size] : found)
    found_real.insert(real_path(path));

  WalkOptions options = trusted();
  options.max_file_bytes = kLimit;
  const Walked w = walk(root, options);

  std::set<std::string> yielded;
  std::set<std::string> yielded_real;
  for (const WalkedFile& f : w.files) {
    EXPECT_TRUE(yielded.insert(f.path.string()).second) << "yielded twice: " << f.path;
    yielded_real.insert(real_path(f.path));
    EXPECT_LE(f.stamp.size, kLimit) << f.path;
    if (const auto it = found.find(f.path.string()); it != found.end()) {
      EXPECT_EQ(f.stamp.size, it->second) << f.path;
    } else {
      // Reached through a link inside the root: the target is one of find's files.
      EXPECT_TRUE(found_real.contains(real_path(f.path))) << f.path;
    }
  }
  std::set<std::string> too_large;
  std::vector<std::string> loops;
  for (const WalkSkip& s : w.skips) {
    switch (s.reason) {
      case WalkSkipReason::kTooLarge:
        too_large.insert(s.path.string());
        break;
      case WalkSkipReason::kLoop:
        EXPECT_TRUE(s.directory);
        loops.push_back(s.path.string());
        break;
      case WalkSkipReason::kOutsideRoot:
        EXPECT_TRUE(fs::is_symlink(s.path)) << s.path;
        EXPECT_FALSE(inside(resolved_root, real_path(s.path))) << s.path;
        break;
      case WalkSkipReason::kUnreadable:
        EXPECT_TRUE(fs::is_symlink(s.path) && real_path(s.path).empty())
            << "only broken links: " << s.path << " " << s.detail;
        break;
      default:
        ADD_FAILURE() << to_string(s.reason) << ": " << s.path << " " << s.detail;
    }
  }
  // find's files: yielded, or over the limit, or (below a directory first reached through
  // a link) yielded under the link's path.
  for (const auto& [path, size] : found) {
    if (size > kLimit) {
      const bool reported = too_large.contains(path) ||
                            std::any_of(loops.begin(), loops.end(), [&](const std::string& dir) {
                              return path.starts_with(dir + "/");
                            });
      EXPECT_TRUE(reported) << "over the limit, not reported: " << path;
      EXPECT_FALSE(yielded.contains(path)) << path;
    } else if (!yielded.contains(path)) {
      EXPECT_TRUE(yielded_real.contains(real_path(path))) << "never yielded: " << path;
    }
  }
  EXPECT_EQ(w.summary.files, w.files.size());
  EXPECT_FALSE(w.summary.truncated);
  EXPECT_FALSE(w.summary.stopped);
}

}  // namespace
}  // namespace chunkls
