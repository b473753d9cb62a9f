// Merging shard stores: `chunkls merge SHARD... --out STORE` joins the stores that the N
// tasks of `chunkls index --shard K/N --out FILE` wrote into one store, which serves
// `chunkls index --cache` and the server's workspace/symbol as a single-machine index of
// the same tree would (same files, same contents, same chunks).
//
// Refuses, naming the files: a file that is not a sealed shard store; stores made by
// another schema or other grammars or queries than this binary's; stores of different
// roots, partitions, shard counts or walk options; two stores of one shard; a missing
// shard; a path in two shards. The output is built from nothing each time beside the
// destination and renamed into place (store_sealing.h), so a merge run again gives the
// same store, and a failed one leaves the destination as it was.
//
// Stateless; runs on the calling thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/store/store_sealing.h"

namespace chunkls {

class MergeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct MergeSummary {
  ShardRecord record;  // the shards' common record (shard: 0 of N)
  std::uint64_t files = 0;
  std::uint64_t contents = 0;  // distinct, after contents shared by shards are kept once
  std::uint64_t chunks = 0;
};

// The record the shards share, checked as above before anything is written; `versions` is
// this binary's store_versions().
ShardRecord check_shard_stores(const std::vector<std::filesystem::path>& shards,
                               const std::string& versions);

// Merges them into `destination` (a store file). Throws MergeError.
MergeSummary merge_shard_stores(const std::vector<std::filesystem::path>& shards,
                                const std::filesystem::path& destination,
                                const std::string& versions);

}  // namespace chunkls
