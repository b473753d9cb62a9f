#include "engine/index/workspace_walk.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <memory>
#include <optional>
#include <system_error>
#include <unordered_set>
#include <utility>

#include "engine/index/ignore/ignore_rules.h"

namespace chunkls {

std::string_view to_string(WalkSkipReason reason) {
  switch (reason) {
    case WalkSkipReason::kIgnored:
      return "ignored";
    case WalkSkipReason::kExcluded:
      return "excluded";
    case WalkSkipReason::kTooLarge:
      return "too large";
    case WalkSkipReason::kNotAFile:
      return "not a file";
    case WalkSkipReason::kUnreadable:
      return "unreadable";
    case WalkSkipReason::kOutsideRoot:
      return "outside root";
    case WalkSkipReason::kLoop:
      return "loop";
    case WalkSkipReason::kFileLimit:
      return "file limit";
  }
  return "ignored";
}

namespace {

std::string not_a_file(mode_t mode) {
  const std::string_view kind = special_file_kind(mode);
  return std::string(kind.empty() ? "not a regular file" : kind);
}

std::string os_error(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// realpath() returns a buffer malloc'd by libc.
struct FreeDeleter {
  void operator()(char* p) const {
    // NOLINTNEXTLINE(cppcoreguidelines-no-malloc,cppcoreguidelines-owning-memory): libc's buffer
    std::free(p);
  }
};

std::optional<std::string> real_path(const std::string& path, int& error) {
  const std::unique_ptr<char, FreeDeleter> resolved(::realpath(path.c_str(), nullptr));
  if (resolved == nullptr) {
    error = errno;
    return std::nullopt;
  }
  return std::string(resolved.get());
}

bool is_within(std::string_view root, std::string_view path) {
  if (!path.starts_with(root)) return false;
  return path.size() == root.size() || root == "/" || path[root.size()] == '/';
}

std::string join(const std::string& directory, const std::string& name) {
  std::string path = directory;
  if (path.empty() || path.back() != '/') path += '/';
  path += name;
  return path;
}

// A file descriptor, closed when it goes.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  void release() { fd_ = -1; }

 private:
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  int fd_ = -1;
};

// Where an entry is: relative to its open parent directory (cheaper for the kernel than
// resolving the whole path each time, and immune to a parent renamed meanwhile), or by
// its full path when the parent is not held open.
struct Location {
  int directory_fd;  // AT_FDCWD: `name` is the full path
  const char* name;
};

struct DirectoryId {
  dev_t device;
  ino_t inode;
  friend bool operator==(const DirectoryId&, const DirectoryId&) = default;
};
struct DirectoryIdHash {
  std::size_t operator()(const DirectoryId& id) const {
    return std::hash<std::uint64_t>{}(static_cast<std::uint64_t>(id.inode) * 31 +
                                      static_cast<std::uint64_t>(id.device));
  }
};

// A directory's entry names in byte order, read whole at once (and the directory, held
// open for its entries' stat calls when asked).
struct Listing {
  std::vector<std::string> names;
  DirectoryId id{};
  Fd held;
  int open_error = 0;  // errno: could not be opened
  int read_error = 0;  // errno: opened, but reading the entries failed
};

Listing list_directory(Location at, bool follow_link, bool hold) {
  Listing listing;
  // O_DIRECTORY and O_NONBLOCK: should the entry have been swapped for a FIFO since it was
  // stat'ed, the open fails instead of waiting for a writer.
  const int flags =
      O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK | (follow_link ? 0 : O_NOFOLLOW);
  Fd fd(::openat(at.directory_fd, at.name, flags));
  struct stat st {};
  if (fd.get() < 0 || ::fstat(fd.get(), &st) != 0) {
    listing.open_error = errno;
    return listing;
  }
  listing.id = {st.st_dev, st.st_ino};
  if (hold) listing.held = Fd(::fcntl(fd.get(), F_DUPFD_CLOEXEC, 0));
  DIR* dir = ::fdopendir(fd.get());
  if (dir == nullptr) {
    listing.open_error = errno;
    return listing;
  }
  fd.release();  // the DIR owns it now: closedir closes it
  while (true) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      listing.read_error = errno;
      break;
    }
    const std::string_view name = entry->d_name;
    if (name != "." && name != "..") listing.names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(listing.names.begin(), listing.names.end());  // std::string compares bytes
  return listing;
}

class Walker {
 public:
  Walker(const std::filesystem::path& root, const WalkOptions& options,
         const std::function<bool(WalkedFile&&)>& on_file,
         const std::function<bool(WalkSkip&&)>& on_skip, std::stop_token stop)
      : root_(root), options_(options), on_file_(on_file), on_skip_(on_skip), stop_(stop) {}

  WalkSummary run() {
    const std::string root = root_.string();
    struct stat st {};
    summary_.marker = ::lstat(join(root, ".git").c_str(), &st) == 0;
    limited_ = !summary_.marker && !options_.trusted_root && options_.max_files_without_marker != 0;
    int error = 0;
    const std::optional<std::string> resolved = real_path(root, error);
    if (!resolved) {
      skip(root, WalkSkipReason::kUnreadable, true, os_error(error));
      return summary_;
    }
    resolved_root_ = *resolved;
    rules_.emplace(IgnoreRules::open(root_, options_.exclude_globs));
    enter({AT_FDCWD, root.c_str()}, root, std::string(), true);
    while (!frames_.empty() && !done_) {
      Frame& frame = frames_.back();
      if (frame.next == frame.names.size()) {
        frames_.pop_back();
        continue;
      }
      if (stop_.stop_requested()) {
        summary_.stopped = true;
        break;
      }
      // visit() may push a frame: it gets copies, not references into frames_.
      const std::string name = frame.names[frame.next++];
      const int directory_fd = frame.fd.get();
      std::string path = join(frame.path, name);
      std::string relative = frame.relative.empty() ? name : frame.relative + "/" + name;
      visit(directory_fd, name, std::move(path), std::move(relative));
    }
    return summary_;
  }

 private:
  // Directories held open at once, at most (a deeper tree's entries are found by path).
  static constexpr std::size_t kHeldDirectories = 64;

  struct Frame {
    std::string path;                // as reached from the root (links not resolved)
    std::string relative;            // "" for the root
    std::vector<std::string> names;  // byte order
    std::size_t next = 0;
    Fd fd;  // the directory, when held open
  };

  // `directory_fd`: the parent, when held open (else -1).
  void visit(int directory_fd, const std::string& name, std::string path, std::string relative) {
    // Where to find the entry: by name in its parent, or by path. A copy: `path` moves on.
    const std::string open_name = directory_fd >= 0 ? name : path;
    const Location at{directory_fd >= 0 ? directory_fd : AT_FDCWD, open_name.c_str()};
    struct stat st {};
    if (::fstatat(at.directory_fd, at.name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      skip(std::move(path), WalkSkipReason::kUnreadable, false, os_error(errno));
      return;
    }
    if (name == ".git") {
      skip(std::move(path), WalkSkipReason::kIgnored, S_ISDIR(st.st_mode), "git metadata");
      return;
    }
    const bool link = S_ISLNK(st.st_mode);
    std::string target;  // a link's resolved target
    if (link) {
      int error = 0;
      std::optional<std::string> resolved = real_path(path, error);
      if (resolved && ::stat(resolved->c_str(), &st) != 0) {
        error = errno;
        resolved.reset();
      }
      if (!resolved) {
        if (left_out(path, relative, false)) return;
        skip(std::move(path), WalkSkipReason::kUnreadable, false,
             fmt::format("broken symbolic link: {}", os_error(error)));
        return;
      }
      target = std::move(*resolved);
    }
    const bool directory = S_ISDIR(st.st_mode);
    if (left_out(path, relative, directory)) return;
    if (link && !is_within(resolved_root_, target)) {
      skip(std::move(path), WalkSkipReason::kOutsideRoot, directory,
           fmt::format("links to {}", target));
      return;
    }
    if (directory) {
      enter(link ? Location{AT_FDCWD, target.c_str()} : at, std::move(path), std::move(relative),
            link);  // `target` and `open_name` outlive the call
    } else if (S_ISREG(st.st_mode)) {
      offer(std::move(path), std::move(relative), st);
    } else {
      skip(std::move(path), WalkSkipReason::kNotAFile, false, not_a_file(st.st_mode));
    }
  }

  // Ignored or excluded: reported (a directory once, its contents never looked at).
  bool left_out(std::string& path, const std::string& relative, bool directory) {
    if (rules_->excluded(relative, directory)) {
      skip(std::move(path), WalkSkipReason::kExcluded, directory, {});
      return true;
    }
    if (rules_->git_ignored(relative, directory)) {
      skip(std::move(path), WalkSkipReason::kIgnored, directory, {});
      return true;
    }
    return false;
  }

  void enter(Location at, std::string path, std::string relative, bool follow_link) {
    Listing listing = list_directory(at, follow_link, frames_.size() < kHeldDirectories);
    if (listing.open_error != 0) {
      skip(std::move(path), WalkSkipReason::kUnreadable, true, os_error(listing.open_error));
      return;
    }
    if (!seen_.insert(listing.id).second) {
      skip(std::move(path), WalkSkipReason::kLoop, true, "already walked");
      return;
    }
    if (listing.read_error != 0) {
      // Listed in part: what was read may not be all, and would not be the same twice.
      skip(std::move(path), WalkSkipReason::kUnreadable, true, os_error(listing.read_error));
      return;
    }
    ++summary_.directories;
    frames_.push_back({.path = std::move(path),
                       .relative = std::move(relative),
                       .names = std::move(listing.names),
                       .fd = std::move(listing.held)});
    if (options_.on_directory) options_.on_directory(frames_.back().path);
  }

  void offer(std::string path, std::string relative, const struct stat& st) {
    if (!in_shard(relative, options_.shard)) return;  // another task's file
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (options_.max_file_bytes != 0 && size > options_.max_file_bytes) {
      skip(std::move(path), WalkSkipReason::kTooLarge, false,
           fmt::format("{} bytes > {} bytes", size, options_.max_file_bytes));
      return;
    }
    if (limited_ && summary_.files == options_.max_files_without_marker) {
      summary_.truncated = true;
      done_ = true;
      skip(std::move(path), WalkSkipReason::kFileLimit, false,
           fmt::format("no project marker (.git): {} files at most",
                       options_.max_files_without_marker));
      return;
    }
    ++summary_.files;
    if (!on_file_(
            {.path = std::move(path), .relative = std::move(relative), .stamp = stamp_from(st)})) {
      summary_.stopped = true;
      done_ = true;
    }
  }

  void skip(std::string path, WalkSkipReason reason, bool directory, std::string detail) {
    ++summary_.skipped;
    if (!on_skip_({.path = std::move(path),
                   .reason = reason,
                   .directory = directory,
                   .detail = std::move(detail)})) {
      summary_.stopped = true;
      done_ = true;
    }
  }

  const std::filesystem::path& root_;
  const WalkOptions& options_;
  const std::function<bool(WalkedFile&&)>& on_file_;
  const std::function<bool(WalkSkip&&)>& on_skip_;
  std::stop_token stop_;
  std::string resolved_root_;
  std::optional<IgnoreRules> rules_;
  std::vector<Frame> frames_;
  std::unordered_set<DirectoryId, DirectoryIdHash> seen_;
  WalkSummary summary_;
  bool limited_ = false;
  bool done_ = false;
};

}  // namespace

WorkspaceWalk::WorkspaceWalk(std::filesystem::path root, WalkOptions options)
    : root_(std::move(root)), options_(std::move(options)) {}

WalkSummary WorkspaceWalk::run(const std::function<bool(WalkedFile&&)>& on_file,
                               const std::function<bool(WalkSkip&&)>& on_skip,
                               std::stop_token stop) const {
  return Walker(root_, options_, on_file, on_skip, std::move(stop)).run();
}

}  // namespace chunkls
