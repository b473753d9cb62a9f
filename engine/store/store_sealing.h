// Sealing a store file for hand-over: `chunkls index --shard K/N --out FILE` builds its
// store in FILE.partial-<pid> and, once the indexer has closed it, seals it here: the
// meta table records what the store holds (root, shard, partition scheme, walk options),
// the write-ahead log is folded in (journal_mode=DELETE: one self-contained file), the
// file and its directory are synced and the file renamed to FILE. A reader (a merge on
// another node, a retried task) finds the whole store or nothing, never a half.
//
// Stateless functions over files nobody else has open; any thread.
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/index/shard.h"

namespace chunkls {

// What a shard store says of itself (meta rows).
struct ShardRecord {
  std::string root;       // the indexed root, absolute and canonical
  Shard shard;            // K/N
  std::string partition;  // kShardPartition
  std::string walk;       // the walk options that decide which files exist (excludes, size)
  friend bool operator==(const ShardRecord&, const ShardRecord&) = default;
};

class StoreFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a store bound for `destination` is built: beside it, so the rename stays on one
// file system, and named for this process, so two tasks never share one.
std::filesystem::path partial_path(const std::filesystem::path& destination);

// Writes `record` (and `versions`, already there) into the closed store at `partial`,
// makes it one file, syncs it and renames it to `destination` (replacing a file there,
// and removing that file's stale -wal/-shm first). Throws StoreFileError.
void seal_store(const std::filesystem::path& partial, const std::filesystem::path& destination,
                const ShardRecord& record);

// The record a sealed store holds; nothing for a store without one (not a shard).
// Throws StoreFileError when the file is not a readable chunkls store.
std::optional<ShardRecord> read_shard_record(const std::filesystem::path& store,
                                             std::string* versions = nullptr);

// Syncs `file` and the directory entry naming it, then renames it to `destination`.
void install_file(const std::filesystem::path& file, const std::filesystem::path& destination);

}  // namespace chunkls
