#include "engine/cache/source_caches.h"

#include <utility>

namespace chunkls {

SourceCaches::SourceCaches(SourceCacheLimits limits, const Clock& clock)
    : trees_(limits.trees, clock),
      chunks_(limits.chunks, clock),
      files_(limits.files, clock),
      constructs_(limits.constructs, clock) {}

void SourceCaches::keep(const ContentKey& key, std::shared_ptr<const ChunkedText> chunked,
                        std::string_view path, const Tree* tree) {
  if (chunked) {
    const std::uint64_t bytes = heap_bytes(*chunked) + heap_block_bytes(sizeof(ChunkedText) + 16) +
                                heap_block_bytes(path.size() + 1);
    chunks_.put(
        key,
        std::make_shared<const CachedChunks>(CachedChunks{std::move(chunked), std::string(path)}),
        bytes, std::string(path));
  }
  if (tree && *tree) {
    trees_.put(key, std::make_shared<const Tree>(*tree), heap_bytes(*tree), std::string(path));
  }
}

std::shared_ptr<const ChunkedText> SourceCaches::chunks_for(const ContentKey& key,
                                                            std::string_view path) {
  const std::shared_ptr<const CachedChunks> cached = chunks_.get(key);
  if (!cached) return nullptr;
  if (cached->path == path) return cached->chunked;
  auto moved = std::make_shared<ChunkedText>(*cached->chunked);
  reassign_ids(moved->chunks, path);
  return moved;
}

ContentKey SourceCaches::key_of_file(const std::string& path, const Language& language,
                                     const SourceRead& read, std::chrono::nanoseconds racy) {
  if (read.stamp) {
    const auto known = files_.get_if(path, [&](const FileMetadata& m) {
      return m.stamp == *read.stamp && m.key.language == language.identity();
    });
    if (known) return known->key;
  }
  const ContentKey key = content_key(language, read.bytes);
  const auto now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (read.stamp && read.stamp->mtime_ns < now_ns - racy.count()) {
    files_.put(path, std::make_shared<const FileMetadata>(FileMetadata{*read.stamp, key}),
               heap_block_bytes(path.size() + 1), path);
  }
  return key;
}

void SourceCaches::set_limits(const SourceCacheLimits& limits) {
  trees_.set_limits(limits.trees);
  chunks_.set_limits(limits.chunks);
  files_.set_limits(limits.files);
  constructs_.set_limits(limits.constructs);
}

SourceCacheLimits SourceCaches::limits() const {
  return {.trees = trees_.limits(),
          .chunks = chunks_.limits(),
          .files = files_.limits(),
          .constructs = constructs_.limits()};
}

void SourceCaches::invalidate(std::string_view file) {
  trees_.invalidate(file);
  chunks_.invalidate(file);
  files_.erase(std::string(file));
}

void SourceCaches::clear() {
  trees_.clear();
  chunks_.clear();
  files_.clear();
  constructs_.clear();
}

void SourceCaches::evict_expired() {
  trees_.evict_expired();
  chunks_.evict_expired();
  files_.evict_expired();
  constructs_.evict_expired();
}

SourceCacheStats SourceCaches::stats() const {
  return {.trees = trees_.stats(),
          .chunks = chunks_.stats(),
          .files = files_.stats(),
          .constructs = constructs_.stats()};
}

std::uint64_t SourceCaches::memory_usage() const {
  return trees_.memory_usage() + chunks_.memory_usage() + files_.memory_usage() +
         constructs_.memory_usage();
}

}  // namespace chunkls
