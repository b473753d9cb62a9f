#include "engine/index/directory_watcher.h"

#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <vector>

#include "engine/support/thread_name.h"

namespace chunkls {
namespace {

constexpr std::uint32_t kMask = IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM |
                                IN_DELETE | IN_DELETE_SELF | IN_ONLYDIR;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

int checked(int fd, const char* what) {
  if (fd < 0) throw std::system_error(errno, std::generic_category(), what);
  return fd;
}

}  // namespace

struct DirectoryWatcher::State {
  explicit State(DirectoryEvents e)
      : events(std::move(e)),
        inotify(checked(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "inotify_init1")),
        wake(checked(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd")) {}

  bool watch(const std::string& directory) {
    const int wd = ::inotify_add_watch(inotify.get(), directory.c_str(), kMask);
    if (wd < 0) {
      if (errno == ENOSPC && !limit_told) {
        limit_told = true;
        say(
            fmt::format("the kernel's limit on watched directories is reached "
                        "(fs.inotify.max_user_watches): changes under {} and further "
                        "directories are not seen until the next walk",
                        directory));
      }
      return false;
    }
    const std::lock_guard lock(mutex);
    paths[wd] = directory;
    return true;
  }

  // A directory that appeared: watched, and everything already in it reported (it may
  // have been filled before the watch was added). A loop over a stack of directories,
  // not recursion: a tree 1,000 levels deep moved in must not exhaust the thread's stack.
  void adopt(const std::string& top) {
    std::vector<std::string> pending{top};
    while (!pending.empty()) {
      const std::string directory = std::move(pending.back());
      pending.pop_back();
      if (events.wanted && !events.wanted(directory)) continue;
      watch(directory);
      std::error_code error;
      std::vector<std::string> subdirectories;
      for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
        std::error_code type_error;
        const std::string path = entry.path().string();
        // symlink_status: a link is never followed here (the walk decides where links
        // may lead; a link to a file is reported and the indexer checks where it
        // resolves).
        const auto type = entry.symlink_status(type_error).type();
        if (type == std::filesystem::file_type::directory) {
          if (entry.path().filename() != ".git") subdirectories.push_back(path);
        } else if ((type == std::filesystem::file_type::regular ||
                    (type == std::filesystem::file_type::symlink &&
                     entry.is_regular_file(type_error))) &&
                   events.changed) {
          events.changed(path);
        }
      }
      // Reversed onto the stack: visited in the order listed.
      pending.insert(pending.end(), std::make_move_iterator(subdirectories.rbegin()),
                     std::make_move_iterator(subdirectories.rend()));
    }
  }

  void run() {
    name_this_thread("chunkls-watch");
    alignas(inotify_event) char buffer[64 * 1024];
    while (true) {
      pollfd fds[2] = {{inotify.get(), POLLIN, 0}, {wake.get(), POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR) continue;
        say(fmt::format("watching files failed: {}", std::strerror(errno)));
        return;
      }
      if (fds[1].revents != 0) return;  // stopping
      const ssize_t n = ::read(inotify.get(), buffer, sizeof buffer);
      if (n <= 0) continue;  // EAGAIN (a spurious wake-up) or EINTR
      for (char* at = buffer; at < buffer + n;) {
        const auto* event = reinterpret_cast<const inotify_event*>(at);
        at += sizeof(inotify_event) + event->len;
        handle(*event);
      }
    }
  }

  void handle(const inotify_event& event) {
    if (event.mask & IN_Q_OVERFLOW) {
      say("too many file changes at once: some were lost until the next walk");
      return;
    }
    std::string directory;
    {
      const std::lock_guard lock(mutex);
      const auto it = paths.find(event.wd);
      if (it == paths.end()) return;
      directory = it->second;
      if (event.mask & IN_IGNORED) {
        paths.erase(it);
        return;
      }
    }
    if (event.len == 0) {
      if ((event.mask & IN_DELETE_SELF) && events.deleted) events.deleted(directory);
      return;
    }
    const std::string path = directory + "/" + event.name;
    if (event.mask & IN_ISDIR) {
      if (event.mask & (IN_CREATE | IN_MOVED_TO)) {
        if (std::string_view(event.name) != ".git") adopt(path);
      } else if ((event.mask & (IN_DELETE | IN_MOVED_FROM)) && events.deleted) {
        events.deleted(path);
      }
      return;
    }
    if ((event.mask & (IN_CLOSE_WRITE | IN_MOVED_TO)) && events.changed) {
      events.changed(path);
    } else if ((event.mask & (IN_DELETE | IN_MOVED_FROM)) && events.deleted) {
      events.deleted(path);
    }
  }

  void say(const std::string& message) const {
    if (events.log) events.log(message);
  }

  DirectoryEvents events;
  Fd inotify;
  Fd wake;
  mutable std::mutex mutex;  // paths
  std::unordered_map<int, std::string> paths;
  bool limit_told = false;
  std::thread thread;
};

DirectoryWatcher::DirectoryWatcher(DirectoryEvents events)
    : state_(std::make_unique<State>(std::move(events))) {
  state_->thread = std::thread([state = state_.get()] { state->run(); });
}

DirectoryWatcher::~DirectoryWatcher() {
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t written = ::write(state_->wake.get(), &one, sizeof one);
  state_->thread.join();
}

bool DirectoryWatcher::watch(const std::filesystem::path& directory) {
  return state_->watch(directory.string());
}

std::size_t DirectoryWatcher::watched() const {
  const std::lock_guard lock(state_->mutex);
  return state_->paths.size();
}

}  // namespace chunkls
