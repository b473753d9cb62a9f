// WorkspaceIndexer: what comes from outside while it runs: roots added and removed,
// reindex, open documents and the priorities they give, watched-file events (the client's
// or the DirectoryWatcher's) checked against the ignore rules, cancel and hold.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/index/workspace_indexer.h"
#include "engine/index/workspace_indexer_root.h"

namespace chunkls {

using indexer_detail::normal_root;
using indexer_detail::racy;

namespace {

std::string parent_directory(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

std::shared_ptr<WorkspaceIndexer::Root> WorkspaceIndexer::make_root(
    const std::filesystem::path& root, bool trusted) {
  auto out = std::make_shared<Root>();
  out->path = normal_root(root);
  out->trusted = trusted;
  return out;
}

void WorkspaceIndexer::add_root(const std::filesystem::path& root, bool trusted) {
  {
    const std::lock_guard lock(mutex_);
    std::string key = normal_root(root);
    auto it = roots_.find(key);
    if (it == roots_.end()) {
      it = roots_.emplace(key, make_root(root, trusted)).first;
    } else {
      it->second->trusted = it->second->trusted || trusted;
    }
    walks_.push_back({it->second});
    counters_.roots = roots_.size();
    counters_.idle = false;
  }
  changed_.notify_all();
}

void WorkspaceIndexer::remove_root(const std::filesystem::path& root) {
  std::shared_ptr<Root> removed;
  {
    const std::lock_guard lock(mutex_);
    const auto it = roots_.find(normal_root(root));
    if (it == roots_.end()) return;
    removed = it->second;
    roots_.erase(it);
    std::erase_if(walks_, [&](const WalkJob& job) { return job.root == removed; });
    counters_.roots = roots_.size();
  }
  removed->removed = true;
  {
    const std::lock_guard lock(mutex_);
    const std::size_t dropped = queue_.drop_below(removed->path);
    pending_ -= std::min<std::uint64_t>(pending_, dropped);
  }
  std::vector<std::string> paths;
  {
    const std::lock_guard lock(removed->mutex);
    for (const auto& [path, known] : removed->stored)
      paths.push_back(path);
  }
  if (services_.symbols) {
    for (const std::string& path : paths)
      services_.symbols->remove(path);
  }
  changed_.notify_all();
}

void WorkspaceIndexer::reindex() {
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [path, root] : roots_)
      walks_.push_back({root});
    counters_.idle = roots_.empty();
  }
  changed_.notify_all();
}

std::vector<std::string> WorkspaceIndexer::roots() const {
  const std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (const auto& [path, root] : roots_)
    out.push_back(path);
  return out;
}

std::shared_ptr<WorkspaceIndexer::Root> WorkspaceIndexer::root_of(const std::string& path) const {
  const std::lock_guard lock(mutex_);
  std::shared_ptr<Root> best;
  for (const auto& [root_path, root] : roots_) {
    const bool inside = path.size() > root_path.size() && path.starts_with(root_path) &&
                        (root_path == "/" || path[root_path.size()] == '/');
    if (inside && (!best || root_path.size() > best->path.size())) best = root;
  }
  return best;
}

void WorkspaceIndexer::document_opened(const std::string& path) {
  {
    const std::lock_guard lock(mutex_);
    if (!open_paths_.insert(path).second) return;
    open_directories_.insert(parent_directory(path));
  }
  queue_.raise(path, IndexPriority::kOpen);
}

void WorkspaceIndexer::document_closed(const std::string& path) {
  const std::lock_guard lock(mutex_);
  if (open_paths_.erase(path) == 0) return;
  const auto it = open_directories_.find(parent_directory(path));
  if (it != open_directories_.end()) open_directories_.erase(it);
}

IndexPriority WorkspaceIndexer::priority_for(const std::string& path,
                                             const FileStamp& stamp) const {
  const std::lock_guard lock(mutex_);
  if (open_paths_.contains(path)) return IndexPriority::kOpen;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  if (std::chrono::nanoseconds(now).count() - stamp.mtime_ns <
      std::chrono::nanoseconds(options_.recent).count()) {
    return IndexPriority::kChanged;
  }
  if (open_directories_.contains(parent_directory(path))) return IndexPriority::kNear;
  return IndexPriority::kRest;
}

bool WorkspaceIndexer::left_out(Root& root, const std::string& path, bool is_directory) const {
  if (path.size() <= root.path.size()) return false;  // the root itself
  const std::string relative = path.substr(root.path.size() + 1);
  const std::lock_guard lock(root.mutex);
  if (!root.rules) root.rules.emplace(IgnoreRules::open(root.path, options_.walk.exclude_globs));
  // An ignored directory leaves out everything below it, whatever the rules say of the
  // file itself (git's rule; the walk prunes such directories).
  for (std::size_t slash = relative.find('/'); slash != std::string::npos;
       slash = relative.find('/', slash + 1)) {
    const std::string_view directory(relative.data(), slash);
    if (directory == ".git" || directory.ends_with("/.git")) return true;
    if (root.rules->git_ignored(directory, true) || root.rules->excluded(directory, true)) {
      return true;
    }
  }
  const std::string_view name = std::string_view(relative).substr(relative.rfind('/') + 1);
  if (name == ".git") return true;
  return root.rules->git_ignored(relative, is_directory) ||
         root.rules->excluded(relative, is_directory);
}

void WorkspaceIndexer::start_watching() {
  try {
    watcher_ = std::make_unique<DirectoryWatcher>(
        DirectoryEvents{.changed = [this](const std::string& path) { file_changed(path); },
                        .deleted = [this](const std::string& path) { file_deleted(path); },
                        .wanted =
                            [this](const std::string& directory) {
                              const std::shared_ptr<Root> root = root_of(directory);
                              return root && !left_out(*root, directory, true);
                            },
                        .log =
                            [this](std::string_view message) {
                              if (services_.log) services_.log(message);
                            }});
  } catch (const std::exception& e) {
    if (services_.log) {
      services_.log(
          fmt::format("files cannot be watched ({}): changes are seen at the next walk", e.what()));
    }
  }
}

void WorkspaceIndexer::cancel() {
  {
    const std::lock_guard lock(mutex_);
    walks_.clear();
    ++cancels_;
    const std::size_t dropped = queue_.drop_below("/");
    pending_ -= std::min<std::uint64_t>(pending_, dropped);
  }
  changed_.notify_all();
  maybe_report(true);
}

void WorkspaceIndexer::file_changed(const std::string& path) {
  const std::shared_ptr<Root> root = root_of(path);
  if (!root) return;
  if (path.ends_with("/.gitignore") || path.ends_with("/.git/info/exclude")) {
    // Other rules: every file may have come in or gone out. Walk the root again.
    {
      const std::lock_guard lock(root->mutex);
      root->rules.reset();
    }
    {
      const std::lock_guard lock(mutex_);
      walks_.push_back({root});
      counters_.idle = false;
    }
    changed_.notify_all();
    return;
  }
  if (left_out(*root, path, false)) return;
  const std::optional<FileStamp> stamp = stamp_of(path);
  if (!stamp) {
    file_deleted(path);
    return;
  }
  {
    const std::lock_guard lock(root->mutex);
    const auto known = root->stored.find(path);
    if (known != root->stored.end() && known->second.stamp == *stamp && !racy(*stamp)) return;
  }
  const std::uint64_t seq = root->next_seq++;
  {
    const std::lock_guard lock(mutex_);
    if (queue_.push(
            {.path = path, .priority = IndexPriority::kChanged, .seq = seq, .stamp = stamp})) {
      ++pending_;
      ++counters_.found;
      counters_.idle = false;
      return;
    }
  }
  // Already queued (raised to kChanged): reported under the number it was queued with.
  if (services_.listener) services_.listener->withdrawn(root->path, seq);
}

void WorkspaceIndexer::file_deleted(const std::string& path) {
  const std::shared_ptr<Root> root = root_of(path);
  if (!root) return;
  {
    const std::lock_guard lock(mutex_);
    const std::size_t dropped = (queue_.drop(path) ? 1 : 0) + queue_.drop_below(path);
    pending_ -= std::min<std::uint64_t>(pending_, dropped);
  }
  // A file, or a directory: everything known below it goes.
  std::vector<std::string> gone;
  {
    const std::lock_guard lock(root->mutex);
    if (root->stored.contains(path)) {
      gone.push_back(path);
    } else {
      const std::string prefix = path + '/';
      for (const auto& [known, entry] : root->stored) {
        if (known.starts_with(prefix)) gone.push_back(known);
      }
    }
    for (const std::string& known : gone) {
      root->stored.erase(known);
      if (root->store) root->store->remove(known);
    }
  }
  for (const std::string& known : gone) {
    if (services_.symbols) services_.symbols->remove(known);
  }
  if (!gone.empty()) {
    const std::lock_guard lock(mutex_);
    counters_.removed += gone.size();
  }
  maybe_report(false);
}

void WorkspaceIndexer::hold(std::chrono::milliseconds hold) {
  const auto until = std::chrono::steady_clock::now() + hold;
  queue_.hold_until(until);
  typing_->hold_until(until);
}

}  // namespace chunkls
