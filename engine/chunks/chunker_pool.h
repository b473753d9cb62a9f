// ChunkerPool: Chunkers (a tree-sitter parser, a query cursor, the extractors) kept and
// reused instead of made per document or per file. A lease is one Chunker for one
// thread, set to one language; given back, it waits for the next acquire() of that
// language, by the same thread first (its buffers are warm there), else by any.
// warm_up() compiles languages' queries and makes a Chunker for each ahead of use, so
// the first file of a language does not pay for them (C++'s queries take ~0.5 s).
//
// Parsers hold no state between parses (Parser::parse resets after giving up), so any
// document may use any pooled Chunker. At most max_idle Chunkers wait in the pool; more
// are freed when given back.
//
// Thread-safety: acquire(), release by a lease, warm_up() and stats() are safe from any
// thread (one mutex, held only to pick or return a Chunker). A Lease is used by one
// thread at a time. The pool outlives its leases and the Languages it was given.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <stop_token>
#include <thread>
#include <utility>
#include <vector>

#include "engine/chunks/chunker.h"
#include "engine/syntax/language_registry.h"

namespace chunkls {

struct ChunkerPoolStats {
  std::uint64_t acquired = 0;
  std::uint64_t created = 0;  // acquired while none was idle (or by warm_up)
  std::uint64_t reused = 0;   // acquired from the idle ones
  std::uint64_t dropped = 0;  // given back while max_idle were idle: freed
  std::uint64_t idle = 0;
  std::uint64_t in_use = 0;
  std::uint64_t max_idle = 0;
};

class ChunkerPool {
 public:
  class Lease {
   public:
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)),
          language_(other.language_),
          chunker_(std::move(other.chunker_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Chunker& operator*() const { return *chunker_; }
    Chunker* operator->() const { return chunker_.get(); }

   private:
    friend class ChunkerPool;
    Lease(ChunkerPool* pool, const Language* language, std::unique_ptr<Chunker> chunker)
        : pool_(pool), language_(language), chunker_(std::move(chunker)) {}
    ChunkerPool* pool_;
    const Language* language_;
    std::unique_ptr<Chunker> chunker_;
  };

  explicit ChunkerPool(ChunkLimits limits = {}, std::size_t max_idle = 64);
  ChunkerPool(const ChunkerPool&) = delete;
  ChunkerPool& operator=(const ChunkerPool&) = delete;

  // A Chunker whose parser is set to `language`. Throws ChunkError when tree-sitter
  // refuses the grammar.
  Lease acquire(const Language& language);
  // Compiles the queries of `languages` and leaves one idle Chunker for each; returns
  // the languages whose queries do not compile. Stops between two languages once `stop`
  // is requested: a server that exits waits for one compile, not for all of them.
  std::vector<WarmUpFailure> warm_up(std::span<const Language* const> languages,
                                     std::stop_token stop = {});
  ChunkerPoolStats stats() const;
  const ChunkLimits& limits() const { return limits_; }

 private:
  void give_back(const Language* language, std::unique_ptr<Chunker> chunker);

  const ChunkLimits limits_;
  const std::size_t max_idle_;
  mutable std::mutex mutex_;
  // Idle Chunkers by language, then by the thread that last used them.
  std::map<const Language*, std::vector<std::pair<std::thread::id, std::unique_ptr<Chunker>>>>
      idle_;
  ChunkerPoolStats stats_;
};

}  // namespace chunkls
