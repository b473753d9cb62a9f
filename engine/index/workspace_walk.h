// WorkspaceWalk: a streaming, deterministic walk of one workspace root that yields the
// files worth indexing and says why every other one was left out.
//
// - Directory entries are visited in byte order of their names, depth first: the same
//   tree always yields the same sequence.
// - IgnoreRules (git's .gitignore semantics, user globs) prune directories and files;
//   a ".git" entry (directory or gitfile) is never entered, reported as kIgnored.
// - Only regular files are yielded: FIFOs, sockets and devices named like sources are
//   skipped without being opened (the walk never blocks on them). Files over
//   max_file_bytes are skipped by their size. (Binary detection and the language are
//   the reader's: they need the bytes.)
// - Symbolic links are followed only when their target lies inside the root (resolved);
//   a directory reached twice (a loop, or two links to it) is walked once, where the
//   walk order reaches it first. A link counts as what it points to (for the rules
//   too); a file reached through one is yielded under the link's path, with the
//   target's stamp.
// - A root with no project marker (a ".git" entry) that the caller does not vouch for
//   (`trusted_root`, e.g. the client's workspace folder) yields at most
//   max_files_without_marker files: opening a file in $HOME must not index $HOME. The
//   first file past the limit is reported (kFileLimit) and the walk ends there.
// - Unreadable directories are skipped and reported; the walk goes on.
// - With a shard (shard.h), only the files of that shard are yielded or reported: the
//   other shards' tasks walk the same tree and take the rest.
//
// Runs on the calling thread; stops early when `stop` is requested or a callback
// returns false. Not thread-safe (one walk, one thread).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "engine/index/shard.h"
#include "engine/text/source_file.h"

namespace chunkls {

enum class WalkSkipReason : std::uint8_t {
  kIgnored,      // .gitignore / info/exclude / global excludes
  kExcluded,     // a user exclude glob
  kTooLarge,     // over max_file_bytes
  kNotAFile,     // FIFO, socket, device
  kUnreadable,   // a directory or entry that could not be read or stat'ed
  kOutsideRoot,  // a symbolic link whose target is outside the root
  kLoop,         // a directory reached again (symlink loop or second link)
  kFileLimit,    // past max_files_without_marker in an unmarked root
};
std::string_view to_string(WalkSkipReason reason);

struct WalkOptions {
  std::vector<std::string> exclude_globs;
  std::uint64_t max_file_bytes = kDefaultMaxFileBytes;  // 0: no limit
  bool trusted_root = false;
  std::uint64_t max_files_without_marker = 10000;  // 0: no limit
  // Only the files of this shard are yielded; the others are neither yielded nor
  // reported (another task takes them). Directories are walked whole by every shard.
  Shard shard;
  // Each directory entered (the root first), before its entries: what a watcher of the
  // walked tree watches. May be empty.
  std::function<void(const std::string& path)> on_directory;
};

struct WalkedFile {
  std::filesystem::path path;  // under the root as given (links not resolved)
  std::string relative;        // '/'-separated, from the root
  FileStamp stamp;             // from stat (size, mtime, inode)
};

struct WalkSkip {
  std::filesystem::path path;
  WalkSkipReason reason = WalkSkipReason::kIgnored;
  bool directory = false;  // a whole directory left out (its files are not counted)
  std::string detail;      // e.g. the OS error
};

struct WalkSummary {
  std::uint64_t files = 0;        // yielded
  std::uint64_t directories = 0;  // walked, the root included
  std::uint64_t skipped = 0;
  bool marker = false;     // the root has a project marker
  bool truncated = false;  // stopped at max_files_without_marker
  bool stopped = false;    // by the stop token or a callback
};

class WorkspaceWalk {
 public:
  WorkspaceWalk(std::filesystem::path root, WalkOptions options);

  // `on_file` / `on_skip` return false to stop the walk.
  WalkSummary run(const std::function<bool(WalkedFile&&)>& on_file,
                  const std::function<bool(WalkSkip&&)>& on_skip, std::stop_token stop = {}) const;

 private:
  std::filesystem::path root_;
  WalkOptions options_;
};

}  // namespace chunkls
