// read_source on hostile files: a FIFO or a socket named like a source (never waited
// on, whoever swapped it in), a file whose size says nothing of what it reads (read
// again, then given up: no torn version is ever returned), a file gone, links that
// resolve outside the directories the caller allows (checked on the opened file), and
// names that are not UTF-8 or hold a newline.
#include "engine/text/source_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <string>
#include <vector>

#include "tests/support/file_tree.h"
#include "tests/support/temp_dir.h"

namespace chunkls {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;
using testing::write_file;

// Reads on another thread and fails, rather than hangs, should the read block; then
// `unblock` frees it so the test can end. A hang guard, not a speed assumption.
SourceRead read_with_watchdog(const fs::path& path, const std::vector<std::string>& within,
                              const fs::path& fifo_to_release) {
  auto future = std::async(std::launch::async, [&] { return read_source(path, 0, within); });
  if (future.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "read_source blocked on " << path;
    const int fd = ::open(fifo_to_release.c_str(), O_WRONLY | O_NONBLOCK);
    if (fd >= 0) ::close(fd);
  }
  return future.get();
}

TEST(ReadSource, AFifoNamedLikeASourceIsRefusedWithoutWaitingForAWriter) {
  TempDir tmp;
  const fs::path fifo = tmp.path() / "x.py";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0644), 0) << std::strerror(errno);
  const SourceRead read = read_with_watchdog(fifo, {}, fifo);
  EXPECT_EQ(read.problem, SourceProblem::kNotAFile);
  EXPECT_EQ(read.reason, "unreadable: not a regular file (a FIFO)");
  // Through a link too (what the walk saw as a link, or a file swapped for one).
  fs::create_symlink(fifo, tmp.path() / "link.py");
  EXPECT_EQ(read_with_watchdog(tmp.path() / "link.py", {}, fifo).problem, SourceProblem::kNotAFile);
}

TEST(ReadSource, ASocketAndADirectoryAreNotFiles) {
  TempDir tmp;
  const fs::path socket_path = tmp.path() / "s.py";
  const int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.string().size(), sizeof address.sun_path);
  std::strcpy(address.sun_path, socket_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const SourceRead socket_read = read_source(socket_path, 0);
  ::close(sock);
  EXPECT_FALSE(socket_read);  // opening a socket fails (ENXIO): unreadable
  EXPECT_NE(socket_read.reason.find("unreadable"), std::string::npos) << socket_read.reason;
  const SourceRead directory = read_source(tmp.path(), 0);
  EXPECT_EQ(directory.problem, SourceProblem::kNotAFile);
  EXPECT_EQ(directory.reason, "unreadable: is a directory");
}

TEST(ReadSource, ADeviceIsNotAFile) {
  const SourceRead read = read_source("/dev/zero", 0);  // would never end if read
  EXPECT_EQ(read.problem, SourceProblem::kNotAFile);
  EXPECT_EQ(read.reason, "unreadable: not a regular file (a character device)");
}

// A /proc file is a regular file whose size (0) is never what it reads: every read
// disagrees with the stamp, so it is read again, then given up; torn bytes never return.
TEST(ReadSource, AFileThatChangesDuringEveryReadIsGivenUpNotReturnedTorn) {
  const SourceRead read = read_source("/proc/self/status", 0);
  EXPECT_EQ(read.problem, SourceProblem::kChanging);
  EXPECT_EQ(read.reason, "changed while being read (3 attempts)");
  EXPECT_TRUE(read.bytes.empty());
}

TEST(ReadSource, AStableFileComesWithTheStampItWasReadAt) {
  TempDir tmp;
  const fs::path file = tmp.write("a.py", "def f():\n    pass\n");
  const SourceRead read = read_source(file, 0);
  ASSERT_TRUE(read) << read.reason;
  EXPECT_EQ(read.bytes, "def f():\n    pass\n");
  EXPECT_EQ(read.stamp, stamp_of(file));
  fs::remove(file);
  const SourceRead gone = read_source(file, 0);
  EXPECT_EQ(gone.problem, SourceProblem::kUnreadable);
  EXPECT_EQ(gone.reason, "unreadable: No such file or directory");
}

TEST(ReadSource, LinksResolvingOutsideTheAllowedDirectoriesAreRefused) {
  TempDir root;
  TempDir outside;
  const fs::path secret = outside.write("secret.py", "password = 1\n");
  root.write("inside.py", "x = 1\n");
  fs::create_symlink(secret, root.path() / "link.py");
  fs::create_directories(root.path() / "sub");
  fs::create_symlink("/", root.path() / "sub" / "slash");
  fs::create_symlink(root.path() / "inside.py", root.path() / "sub" / "near.py");
  const std::vector<std::string> within = {fs::canonical(root.path()).string()};

  const SourceRead out = read_source(root.path() / "link.py", 0, within);
  EXPECT_EQ(out.problem, SourceProblem::kOutside);
  EXPECT_NE(out.reason.find("outside the workspace folders"), std::string::npos) << out.reason;
  EXPECT_TRUE(out.bytes.empty());
  const SourceRead via_slash =
      read_source(root.path() / "sub" / "slash" / secret.relative_path(), 0, within);
  EXPECT_EQ(via_slash.problem, SourceProblem::kOutside) << via_slash.reason;
  EXPECT_TRUE(read_source(root.path() / "sub" / "near.py", 0, within));  // a link inside
  EXPECT_TRUE(read_source(root.path() / "link.py", 0));                  // no confinement asked
}

TEST(ReadSource, NamesThatAreNotUtf8OrHoldANewlineAreReadLikeAnyOther) {
  TempDir tmp;
  const fs::path file = tmp.path() / std::string("bad\xff\xfe\nname.py");
  write_file(file, "def odd():\n    pass\n");
  const std::vector<std::string> within = {fs::canonical(tmp.path()).string()};
  const SourceRead read = read_source(file, 0, within);
  ASSERT_TRUE(read) << read.reason;
  EXPECT_EQ(read.bytes, "def odd():\n    pass\n");
}

}  // namespace
}  // namespace chunkls
