#include "engine/text/source_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <system_error>
#include <utility>

#include "engine/text/text_kind.h"

namespace chunkls {
namespace {

// A file whose stamp moves while it is read is read again this many times in all, then
// given up ("changed while being read").
constexpr int kReadAttempts = 3;

SourceRead problem(SourceProblem kind, std::string reason) {
  SourceRead r;
  r.problem = kind;
  r.reason = std::move(reason);
  return r;
}

SourceRead check_content(std::string bytes, std::uint64_t max_bytes) {
  if (max_bytes != 0 && bytes.size() > max_bytes) {
    return problem(SourceProblem::kTooLarge,
                   fmt::format("over the size limit ({} bytes > {} bytes; see --max-size)",
                               bytes.size(), max_bytes));
  }
  if (looks_binary(bytes)) {
    const auto at = bytes.find('\0');
    return problem(SourceProblem::kBinary, fmt::format("binary file (NUL byte at offset {})", at));
  }
  SourceRead r;
  r.bytes = std::move(bytes);
  return r;
}

std::string not_regular(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  const std::string_view kind = special_file_kind(mode);
  return kind.empty() ? "not a regular file" : fmt::format("not a regular file ({})", kind);
}

// A file descriptor, closed when it goes.
class OpenFile {
 public:
  explicit OpenFile(int fd) : fd_(fd) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Where the open file really is: the kernel's name for it (links resolved at open time,
// so a link swapped in afterwards does not matter), or the path resolved now.
std::string real_path_of(int fd, const std::filesystem::path& path) {
  std::array<char, 4096> buffer{};
  const std::string link = fmt::format("/proc/self/fd/{}", fd);
  const ssize_t n = ::readlink(link.c_str(), buffer.data(), buffer.size());
  if (n > 0 && static_cast<std::size_t>(n) < buffer.size()) {
    return std::string(buffer.data(), static_cast<std::size_t>(n));
  }
  std::error_code error;
  return std::filesystem::canonical(path, error).string();
}

bool is_within(std::string_view directory, std::string_view path) {
  if (directory.empty() || !path.starts_with(directory)) return false;
  return path.size() == directory.size() || directory == "/" || path[directory.size()] == '/';
}

enum class Attempt : std::uint8_t { kDone, kChanged };

// One read of an open regular file: its bytes (up to max_bytes + 1) and whether its
// stamp stayed the same and it is still what `path` names.
Attempt read_whole(int fd, const struct stat& before, const std::filesystem::path& path,
                   std::uint64_t max_bytes, std::string& bytes, int& error) {
  bytes.clear();
  const std::uint64_t cap = max_bytes == 0 ? UINT64_MAX : max_bytes + 1;
  bytes.reserve(static_cast<std::size_t>(
      std::min<std::uint64_t>(static_cast<std::uint64_t>(before.st_size), cap)));
  std::array<char, 1 << 16> buffer{};
  while (bytes.size() < cap) {
    const std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), cap - bytes.size()));
    const ssize_t n = ::read(fd, buffer.data(), want);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = errno;
      return Attempt::kDone;
    }
    if (n == 0) break;
    bytes.append(buffer.data(), static_cast<std::size_t>(n));
  }
  struct stat after {};
  struct stat named {};
  if (::fstat(fd, &after) != 0 || ::stat(path.c_str(), &named) != 0) return Attempt::kChanged;
  const bool same = stamp_from(before) == stamp_from(after) && named.st_ino == before.st_ino &&
                    named.st_dev == before.st_dev;
  // Fewer or more bytes than its size: written meanwhile (or a /proc-like file whose
  // size says nothing).
  const bool whole = bytes.size() == static_cast<std::uint64_t>(before.st_size) ||
                     (max_bytes != 0 && bytes.size() > max_bytes);
  return same && whole ? Attempt::kDone : Attempt::kChanged;
}

}  // namespace

SourceRead read_source(const std::filesystem::path& path, std::uint64_t max_bytes,
                       std::span<const std::string> within) {
  for (int attempt = 0; attempt < kReadAttempts; ++attempt) {
    // O_NONBLOCK: a FIFO opens at once instead of waiting for a writer (and is refused
    // below by its type); O_NOCTTY: a terminal device never becomes ours.
    OpenFile file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (file.get() < 0) {
      return problem(SourceProblem::kUnreadable,
                     fmt::format("unreadable: {}", std::strerror(errno)));
    }
    struct stat before {};
    if (::fstat(file.get(), &before) != 0) {
      return problem(SourceProblem::kUnreadable,
                     fmt::format("unreadable: {}", std::strerror(errno)));
    }
    // The type of what was opened, not of what the path named a moment before.
    if (!S_ISREG(before.st_mode)) {
      return problem(SourceProblem::kNotAFile,
                     fmt::format("unreadable: {}", not_regular(before.st_mode)));
    }
    if (!within.empty()) {
      const std::string real = real_path_of(file.get(), path);
      bool inside = false;
      for (const std::string& directory : within)
        inside = inside || is_within(directory, real);
      if (!inside) {
        return problem(SourceProblem::kOutside,
                       fmt::format("outside the workspace folders (it is {})", real));
      }
    }
    const auto size = static_cast<std::uint64_t>(before.st_size);
    if (max_bytes != 0 && size > max_bytes) {
      return problem(SourceProblem::kTooLarge,
                     fmt::format("over the size limit ({} bytes > {} bytes; see --max-size)", size,
                                 max_bytes));
    }
    std::string bytes;
    int error = 0;
    const Attempt read = read_whole(file.get(), before, path, max_bytes, bytes, error);
    if (error != 0) {
      return problem(SourceProblem::kUnreadable,
                     fmt::format("unreadable: {}", std::strerror(error)));
    }
    if (read == Attempt::kChanged) continue;
    SourceRead out = check_content(std::move(bytes), max_bytes);
    if (out) out.stamp = stamp_from(before);
    return out;
  }
  return problem(SourceProblem::kChanging,
                 fmt::format("changed while being read ({} attempts)", kReadAttempts));
}

FileStamp stamp_from(const struct stat& st) {
  return FileStamp{.size = static_cast<std::uint64_t>(st.st_size),
                   .mtime_ns = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec,
                   .inode = static_cast<std::uint64_t>(st.st_ino)};
}

std::string_view special_file_kind(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return {};
}

std::optional<FileStamp> stamp_of(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return stamp_from(st);
}

SourceRead read_source(std::istream& in, std::uint64_t max_bytes) {
  std::string bytes;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    bytes.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (max_bytes != 0 && bytes.size() > max_bytes) break;  // stop reading a huge stream
  }
  if (in.bad()) return problem(SourceProblem::kUnreadable, "unreadable: read error");
  return check_content(std::move(bytes), max_bytes);
}

}  // namespace chunkls
