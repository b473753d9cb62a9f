// WorkspaceIndexer: a root's warm start from its store and its walk (the walker thread).
#include <fmt/format.h>

#include <fstream>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/index/index_location.h"
#include "engine/index/workspace_indexer.h"
#include "engine/index/workspace_indexer_root.h"
#include "engine/store/memory_index_store.h"
#include "engine/store/sqlite_index_store.h"

namespace chunkls {

using indexer_detail::racy;

namespace {

// A name with an extension we do not know is not read at all; one without an extension
// may still have a shebang.
bool has_extension(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  return dot != std::string::npos && (slash == std::string::npos || dot > slash + 1);
}

}  // namespace

void WorkspaceIndexer::warm_start(Root& root, std::stop_token stop) {
  std::unique_ptr<IndexStore> store;
  if (!options_.store_file.empty()) {
    store = open_sqlite_store(options_.store_file, versions_, services_.log);
  } else if (options_.cache_directory.empty()) {
    store = open_memory_store();
  } else {
    const std::filesystem::path directory = store_directory(options_.cache_directory, root.path);
    store = open_sqlite_store(directory / kStoreFileName, versions_, services_.log);
    // Which root this store indexes, for `chunkls cache info` (best effort).
    if (std::error_code error; std::filesystem::exists(directory / kStoreFileName, error)) {
      std::ofstream(directory / kStoreRootFileName, std::ios::trunc) << root.path << '\n';
    }
  }
  // The files' stamps and, for search, their symbols straight from the store: search
  // answers before the walk ends. A file whose symbols do not read is not known: the
  // walk indexes it again.
  std::unordered_map<std::string, Root::Known> stored;
  store->scan(
      [&](const StoredFile& file, StoredSummary&& summary) {
        if (stop.stop_requested()) return false;
        if (services_.symbols && !services_.symbols->replace_encoded(file.path, summary.symbols)) {
          return true;
        }
        stored.emplace(file.path,
                       Root::Known{file.stamp, file.key, services_.languages->find(file.language),
                                   summary.chunks});
        return true;
      },
      services_.symbols != nullptr);
  {
    const std::lock_guard lock(root.mutex);
    root.store = std::move(store);
    root.stored = std::move(stored);
    root.warm = true;
  }
  const std::lock_guard lock(mutex_);
  counters_.warm_files += root.stored.size();
}

void WorkspaceIndexer::walk(Root& root, std::stop_token stop) {
  {
    const std::lock_guard lock(root.mutex);
    root.rules.reset();     // events after this walk read the ignore files again
    root.resolved.clear();  // and where the root leads is resolved again
  }
  WalkOptions walk_options = options_.walk;
  walk_options.trusted_root = root.trusted;
  if (watcher_) {
    walk_options.on_directory = [this](const std::string& directory) {
      watcher_->watch(directory);
    };
  }
  std::unordered_map<std::string, bool> seen;  // path -> yielded
  const std::uint64_t cancels = cancels_;
  const auto on_file = [&](WalkedFile&& file) {
    if (root.removed || cancels_ != cancels) return false;
    std::string path = file.path.string();
    const std::uint64_t seq = root.next_seq++;
    seen.emplace(path, true);
    {
      const std::lock_guard lock(mutex_);
      ++counters_.found;
    }
    if (!services_.languages->detect({.path = path}) && has_extension(path)) {
      skip(root.path, seq, std::move(path), IndexSkip::kUnsupported, false, {});
      count_done(0, 0);
      return true;
    }
    std::optional<Root::Known> known;
    {
      const std::lock_guard lock(root.mutex);
      if (const auto it = root.stored.find(path); it != root.stored.end()) known = it->second;
    }
    if (known && known->stamp == file.stamp && !racy(file.stamp)) {
      {
        const std::lock_guard lock(mutex_);
        ++counters_.unchanged;
      }
      count_done(file.stamp.size, known->chunks);
      if (services_.listener) {
        services_.listener->indexed({.seq = seq,
                                     .root = root.path,
                                     .path = path,
                                     .language = known->language,
                                     .stamp = file.stamp,
                                     .key = known->key,
                                     .outcome = IndexOutcome::kUnchanged,
                                     .chunks = known->chunks});
      }
      maybe_report(false);
      return true;
    }
    const IndexPriority priority = priority_for(path, file.stamp);
    bool queued = false;
    {
      const std::lock_guard lock(mutex_);
      queued = queue_.push(
          {.path = std::move(path), .priority = priority, .seq = seq, .stamp = file.stamp});
      if (queued) {
        ++pending_;
      } else {
        ++counters_.done;  // already queued (a watched-file event): counted there
      }
    }
    // Its number must still be settled, or `chunkls index` would wait for it forever and
    // print nothing after it.
    if (!queued && services_.listener) services_.listener->withdrawn(root.path, seq);
    return true;
  };
  const auto on_skip = [&](WalkSkip&& skipped) {
    std::string path = skipped.path.string();
    skip(root.path, 0, std::move(path), skip_of(skipped.reason), skipped.directory,
         std::move(skipped.detail));
    return !root.removed && cancels_ == cancels;
  };
  const WalkSummary summary = WorkspaceWalk(root.path, walk_options).run(on_file, on_skip, stop);
  if (summary.truncated && services_.log) {
    services_.log(fmt::format("{} has no project marker (.git): indexed its first {} files only",
                              root.path, walk_options.max_files_without_marker));
  }
  if (summary.stopped || summary.truncated || root.removed || cancels_ != cancels) return;
  // Files the store holds that the walk did not find any more.
  std::vector<std::string> gone;
  {
    const std::lock_guard lock(root.mutex);
    for (const auto& [path, known] : root.stored) {
      if (!seen.contains(path)) gone.push_back(path);
    }
  }
  for (const std::string& path : gone)
    file_deleted(path);
}

}  // namespace chunkls
