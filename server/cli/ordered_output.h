// OrderedOutput: what `chunkls index --format jsonl|json` prints of one root, in the
// walk's order. Files finish on several workers in any order and wait here until every
// file numbered before them has been printed or settled without output.
//
// The indexer numbers each file it finds (IndexedFile::seq, from 1 per root) and settles
// every number exactly once: indexed(), skipped(), or withdrawn() (the same file was
// queued twice; it is printed under its other number). A number settled again, or one
// already passed, is ignored: nothing is printed twice.
//
// Owned by run_index_command; borrows the ChunkOutput (which writes to the console's
// output stream) and the console. Thread-safe: the listener's threads call it; each
// call settles under the console's lock, which printing needs anyway.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/index/workspace_indexer.h"
#include "server/cli/chunk_output.h"
#include "server/cli/index_console.h"

namespace chunkls {

class OrderedOutput {
 public:
  // The store of a root (for files unchanged since the last run: their chunks are read
  // from it); may return null.
  using StoreOf = std::function<IndexStore*(const std::string& root)>;

  // `output` null: nothing is printed (the summary format).
  OrderedOutput(ChunkOutput* output, IndexConsole& console, StoreOf store_of)
      : output_(output), console_(console), store_of_(std::move(store_of)) {}

  void indexed(const IndexedFile& file);
  // `seq` 0: not numbered (directories, files the walk left out): nothing to settle.
  void skipped(std::uint64_t seq);
  void withdrawn(std::uint64_t seq);
  // A new root: its files are numbered from 1 again.
  void restart();

 private:
  struct Ready {
    std::string path;
    std::string language;
    std::vector<Chunk> chunks;
    std::vector<Fold> folds;
    std::string text;
  };
  void settle(std::uint64_t seq, std::optional<Ready> ready);

  ChunkOutput* output_;
  IndexConsole& console_;
  StoreOf store_of_;
  // Under the console's lock.
  std::map<std::uint64_t, std::optional<Ready>> waiting_;
  std::uint64_t next_ = 1;
};

}  // namespace chunkls
