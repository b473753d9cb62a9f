// Shard: which part of a root's files one indexing task takes when a tree is split
// across the tasks of a cluster scheduler (Slurm job arrays, Kubernetes Indexed Jobs,
// GNU parallel). A file belongs to shard xxh3_64(its '/'-separated path relative to the
// root) mod N: every file lands in exactly one shard, whatever machine runs the task or
// in what order it walks, and a file keeps its shard while the others come and go.
//
// Value types and pure functions (the scheduler's variables come through a lookup the
// caller passes); safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace chunkls {

struct Shard {
  std::uint32_t index = 0;  // K, 0 <= K < N
  std::uint32_t count = 1;  // N; 1: the whole tree
  friend bool operator==(const Shard&, const Shard&) = default;
};

// The partition scheme, as shard stores record it: a merge refuses stores cut another way.
inline constexpr std::string_view kShardPartition = "xxh3_64(relative path) mod N";

// The shard a file at `relative` (from the root, '/'-separated) belongs to, of `count`.
std::uint32_t shard_of(std::string_view relative, std::uint32_t count);
inline bool in_shard(std::string_view relative, const Shard& shard) {
  return shard.count <= 1 || shard_of(relative, shard.count) == shard.index;
}
// "K/N", as `--shard` takes and stores record it.
std::string to_string(const Shard& shard);

class ShardError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A variable of the task's environment, or null when unset (std::getenv in the CLI).
using EnvironmentLookup = std::function<const char*(const char*)>;

// `--shard`: "K/N" (0 <= K < N, N >= 1), or "auto": the scheduler's variables, in order
//   Slurm job arrays:    K = (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP,
//                        N = SLURM_ARRAY_TASK_COUNT (any --array=A-B[:S] range);
//   Kubernetes:          K = JOB_COMPLETION_INDEX (an Indexed Job), N = CHUNKLS_SHARD_COUNT;
//   GNU parallel:        K = PARALLEL_SEQ - 1, N = CHUNKLS_SHARD_COUNT;
//   anything else:       K = CHUNKLS_SHARD_INDEX, N = CHUNKLS_SHARD_COUNT.
// Throws ShardError saying what is wrong (a malformed value, K out of range, "auto" with
// none of these set).
Shard parse_shard(std::string_view text, const EnvironmentLookup& environment);

}  // namespace chunkls
