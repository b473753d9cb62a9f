// WorkspaceIndexer::Root: what the indexer keeps of one workspace root (its store, what
// the store holds, its ignore rules for watched-file events), and the small helpers the
// indexer's .cpp files share. Private to the indexer: only its .cpp files include this.
//
// The indexer's roots_ map owns each Root, shared (shared_ptr) with the walks queued and
// the files in progress, so a removed root outlives them. Thread-safety: `path` is fixed
// before the Root is shared; `removed` and `next_seq` are atomic; `trusted` changes under
// the indexer's mutex_ (add_root); `warm` is the walker thread's; `store`, `stored` and
// `rules` are under `mutex`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>

#include "engine/index/ignore/ignore_rules.h"
#include "engine/index/workspace_indexer.h"

namespace chunkls {

struct WorkspaceIndexer::Root {
  std::string path;
  bool trusted = false;
  std::atomic<bool> removed{false};
  std::atomic<std::uint64_t> next_seq{1};
  std::mutex mutex;  // store, stored
  std::unique_ptr<IndexStore> store;
  // What the store holds of a file, without its path (the map's key): a copy per file
  // of a large tree adds up.
  struct Known {
    FileStamp stamp;
    ContentKey key;
    const Language* language = nullptr;
    std::uint64_t chunks = 0;
  };
  std::unordered_map<std::string, Known> stored;  // what the store holds, by path
  // The root with its links resolved (realpath): every file read for it must resolve
  // inside (a link out of the root, from an event or swapped in after the walk, is
  // refused). Empty until first needed; under mutex.
  std::string resolved;
  bool warm = false;                 // warm_start() ran
  std::optional<IgnoreRules> rules;  // for watched-file events; under mutex
};

namespace indexer_detail {

// A root's key in roots_: absolute, normal, no trailing slash.
inline std::string normal_root(const std::filesystem::path& root) {
  std::error_code error;
  std::string out = std::filesystem::absolute(root, error).lexically_normal().string();
  while (out.size() > 1 && out.ends_with('/'))
    out.pop_back();
  return out;
}

// Git's "racily clean" rule: a stamp from the last seconds may hide a second write with
// the same size and mtime.
inline bool racy(const FileStamp& stamp) {
  const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  return now - stamp.mtime_ns < std::chrono::nanoseconds(std::chrono::seconds(2)).count();
}

}  // namespace indexer_detail

}  // namespace chunkls
