#include "engine/store/memory_index_store.h"

#include <utility>
#include <vector>

namespace chunkls {

std::vector<StoredFile> MemoryIndexStore::files() {
  const std::lock_guard lock(mutex_);
  std::vector<StoredFile> out;
  out.reserve(files_.size());
  for (const auto& [path, file] : files_)
    out.push_back(file);
  return out;
}

std::optional<StoredFile> MemoryIndexStore::file(const std::string& path) {
  const std::lock_guard lock(mutex_);
  const auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second;
}

std::optional<StoredChunking> MemoryIndexStore::chunking(const ContentKey& key) {
  std::shared_ptr<const StoredChunking> found;
  {
    const std::lock_guard lock(mutex_);
    const auto it = contents_.find(key);
    if (it == contents_.end()) return std::nullopt;
    found = it->second.chunking;
  }
  return *found;  // copied outside the lock: it is immutable
}

void MemoryIndexStore::scan(const std::function<bool(const StoredFile&, StoredSummary&&)>& visit,
                            bool with_symbols) {
  std::vector<std::pair<StoredFile, std::shared_ptr<const StoredChunking>>> snapshot;
  {
    const std::lock_guard lock(mutex_);
    snapshot.reserve(files_.size());
    for (const auto& [path, file] : files_) {
      const auto it = contents_.find(file.key);
      snapshot.emplace_back(file, it == contents_.end() ? nullptr : it->second.chunking);
    }
  }
  for (auto& [file, chunking] : snapshot) {
    StoredSummary summary;
    if (chunking) {
      summary.chunks = chunking->chunks.size();
      if (with_symbols) summary.symbols = chunking->symbols;
    }
    if (!visit(file, std::move(summary))) return;
  }
}

void MemoryIndexStore::put(StoredFile file, std::shared_ptr<const StoredChunking> chunking) {
  const std::lock_guard lock(mutex_);
  auto [content, added] = contents_.try_emplace(file.key);
  if (added) {
    content->second.chunking = chunking ? std::move(chunking) : std::make_shared<StoredChunking>();
    chunks_ += content->second.chunking->chunks.size();
  }
  const auto it = files_.find(file.path);
  if (it == files_.end()) {
    ++content->second.names;
    std::string path = file.path;
    files_.emplace(std::move(path), std::move(file));
    return;
  }
  const ContentKey previous = it->second.key;
  it->second = std::move(file);
  if (previous == it->second.key) return;
  ++content->second.names;
  release_locked(previous);
}

void MemoryIndexStore::touch(StoredFile file) {
  const std::lock_guard lock(mutex_);
  const auto it = files_.find(file.path);
  // Changed meanwhile (another content, or gone): left as is.
  if (it == files_.end() || it->second.key != file.key) return;
  it->second.stamp = file.stamp;
}

void MemoryIndexStore::remove(std::string path) {
  const std::lock_guard lock(mutex_);
  const auto it = files_.find(path);
  if (it == files_.end()) return;
  const ContentKey previous = it->second.key;
  files_.erase(it);
  release_locked(previous);
}

void MemoryIndexStore::clear() {
  const std::lock_guard lock(mutex_);
  files_.clear();
  contents_.clear();
  chunks_ = 0;
}

StoreInfo MemoryIndexStore::info() {
  const std::lock_guard lock(mutex_);
  return {.location = ":memory:",
          .in_memory = true,
          .note = note_,
          .files = files_.size(),
          .contents = contents_.size(),
          .chunks = chunks_};
}

void MemoryIndexStore::release_locked(const ContentKey& key) {
  const auto it = contents_.find(key);
  if (it == contents_.end() || --it->second.names > 0) return;
  chunks_ -= it->second.chunking->chunks.size();
  contents_.erase(it);
}

std::unique_ptr<IndexStore> open_memory_store(std::string note) {
  return std::make_unique<MemoryIndexStore>(std::move(note));
}

}  // namespace chunkls
