// `chunkls index [DIR...]`: indexes trees with the server's engine (WorkspaceIndexer):
// a walk that honours .gitignore, the persistent store (a second run reads instead of
// parsing), parallel workers. Prints progress on standard error (a bar on a terminal,
// a line every few seconds otherwise), then a summary: files per language, skipped
// files by reason, bytes, chunks, time, throughput, what the store saved.
// `--format jsonl` streams every chunk as one JSON object per line (the RAG format,
// README), `--format json` one document; both in a deterministic order (the walk's:
// roots as given, entries by name), with the summary on standard error. `--shard K/N`
// indexes one shard of the files and `--out FILE` writes the result to a file, whole or
// not at all (engine/index/shard.h, engine/store/store_sealing.h).
//
// Runs on the calling thread plus the indexer's threads; owns them all.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "engine/cache/source_caches.h"
#include "engine/index/shard.h"
#include "engine/syntax/language_registry.h"
#include "engine/text/source_file.h"
#include "server/cli/index_console.h"

namespace chunkls {

enum class IndexFormat : std::uint8_t { kSummary, kJsonl, kJson };

struct IndexCommandOptions {
  std::vector<std::string> roots;  // directories; none: "."
  unsigned jobs = 0;               // worker threads; 0: one per core
  std::string cache_directory;     // empty: default_cache_directory()
  bool no_cache = false;           // keep the index in memory only
  IndexFormat format = IndexFormat::kSummary;
  std::vector<std::string> excludes;
  std::uint64_t max_bytes = kDefaultMaxFileBytes;
  bool with_content = true;   // jsonl/json: each chunk's text
  bool with_stats = false;    // timings, caches, parsers, memory, store on standard error
  bool quiet = false;         // no progress
  bool progress_bar = false;  // a redrawn bar (standard error is a terminal)
  std::chrono::milliseconds time_limit{10000};
  std::chrono::milliseconds progress_interval{2000};  // plain progress lines
  SourceCacheLimits caches;
  // Scale-out (README "Indexing on a cluster"): only this shard's files, and `out`:
  // with the summary format the root's store is written to this file (sealed, with its
  // shard record, for `chunkls merge`) instead of the cache; with jsonl/json the listing
  // goes there instead of standard output. Either appears whole or not at all.
  Shard shard;
  std::string out;
};

// Returns the exit code: 0 when every root could be indexed (files skipped for a reason
// or that failed to parse are counted in the summary, not errors), 1 otherwise.
int run_index_command(const IndexCommandOptions& options, const LanguageRegistry& registry,
                      std::ostream& out, std::ostream& err);
// The same, writing through `console` (a test checks that every write holds its lock).
int run_index_command(const IndexCommandOptions& options, const LanguageRegistry& registry,
                      IndexConsole& console);

}  // namespace chunkls
