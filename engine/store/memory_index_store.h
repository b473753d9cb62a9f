// MemoryIndexStore: an IndexStore that keeps its files and contents in the process (maps
// of values, each content's chunking shared with the indexer that made it, not encoded
// or copied). What `chunkls index --no-cache`, `--index-in-memory` and a disk store that
// cannot be opened use: nothing survives the process, and a write costs a map insert
// instead of a row per chunk (in-memory SQLite took a fifth of a cold `--no-cache` run
// on its writer thread).
//
// Same contract as every IndexStore (index_store.h): one stored chunking per content
// key, contents no file names any more dropped, touch only while the row names its key.
// Writes are applied at once, so flush() has nothing to wait for.
//
// Thread-safety: every member is safe from any thread (one mutex; scan() visits a copy
// taken under it, so `visit` may call the store).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "engine/store/index_store.h"

namespace chunkls {

class MemoryIndexStore final : public IndexStore {
 public:
  // `note`: why the store runs in memory, for StoreInfo (empty when asked for).
  explicit MemoryIndexStore(std::string note = {}) : note_(std::move(note)) {}

  std::vector<StoredFile> files() override;
  std::optional<StoredFile> file(const std::string& path) override;
  std::optional<StoredChunking> chunking(const ContentKey& key) override;
  void scan(const std::function<bool(const StoredFile&, StoredSummary&&)>& visit,
            bool with_symbols) override;
  void put(StoredFile file, std::shared_ptr<const StoredChunking> chunking) override;
  void touch(StoredFile file) override;
  void remove(std::string path) override;
  void clear() override;
  void flush() override {}
  StoreInfo info() override;

 private:
  struct Content {
    std::shared_ptr<const StoredChunking> chunking;
    std::uint64_t names = 0;  // files whose row names it
  };
  // Drops the content `key` when no file names it any more.
  void release_locked(const ContentKey& key);

  std::mutex mutex_;
  std::map<std::string, StoredFile> files_;  // by path: files() and scan() in path order
  std::unordered_map<ContentKey, Content, ContentKeyHash> contents_;
  std::uint64_t chunks_ = 0;  // of the contents held
  const std::string note_;
};

// A fresh MemoryIndexStore (`note` as above).
std::unique_ptr<IndexStore> open_memory_store(std::string note = {});

}  // namespace chunkls
