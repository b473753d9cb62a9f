// DirectoryWatcher: file changes under a set of directories, from the kernel (inotify),
// for clients that cannot watch files for us (no dynamic registration of
// workspace/didChangeWatchedFiles). Reports a file created, written or moved in as
// changed, a file deleted or moved out as deleted, and a new directory with everything
// already in it (so a `git checkout` or `mkdir -p a/b && touch a/b/c.py` is seen);
// watches new directories as they appear.
//
// Linux only (inotify). The kernel's limit on watches (fs.inotify.max_user_watches) may
// be reached: then the directories past it are not watched, said once through `log`.
//
// Threads: one thread of its own reads the events and calls the callbacks (they must
// not call back into the watcher except watch()). watch() and the destructor are safe
// from any thread; the destructor stops the thread at once (an eventfd wakes it).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace chunkls {

struct DirectoryEvents {
  // A file created, written (closed after writing) or moved in.
  std::function<void(const std::string& path)> changed;
  // A file or directory deleted or moved out (for a directory, its path: everything
  // below it is gone).
  std::function<void(const std::string& path)> deleted;
  // Whether a directory found later should be watched (and its files reported); false
  // for ignored or excluded ones. May be empty: all are.
  std::function<bool(const std::string& directory)> wanted;
  std::function<void(std::string_view message)> log;
};

class DirectoryWatcher {
 public:
  // Throws std::system_error when inotify is not available.
  explicit DirectoryWatcher(DirectoryEvents events);
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  // Watches `directory` itself (not its subdirectories: call it for each one wanted).
  // False when the kernel refused (limit reached, gone).
  bool watch(const std::filesystem::path& directory);
  // Directories watched now.
  std::size_t watched() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace chunkls
