// `chunkls chunk FILE...`: reads each file (or stdin for "-"), detects its language,
// chunks it and prints the result. Every failure is reported on stderr with the file
// and the reason, and the other files are still processed.
//
// Runs on the calling thread; owns its Chunker, caches and monitor.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "engine/cache/source_caches.h"
#include "engine/syntax/language_registry.h"
#include "server/cli/chunk_output.h"

namespace chunkls {

struct ChunkCommandOptions {
  std::vector<std::string> files;
  OutputFormat format = OutputFormat::kText;
  std::string language;  // forced language (name or languageId); empty to detect
  std::uint64_t max_bytes = 0;
  bool with_content = false;
  bool with_folds = false;
  std::chrono::milliseconds time_limit{10000};  // per file; 0: none
  // Files with the same bytes (copies, the same file twice) are parsed once: their
  // chunks come from these caches.
  SourceCacheLimits caches;
  bool with_stats = false;  // a table of timings, cache counters and memory on `err`
  std::string trace_file;   // a Chrome trace of each file's parse and chunking
};

// `chunkls tree FILE`: the syntax tree as an S-expression, with positions, for query
// authors. Same exit codes.
int run_tree_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                     std::istream& in, std::ostream& out, std::ostream& err);

// Returns the process exit code: 0 when every file was chunked, 1 otherwise.
int run_chunk_command(const ChunkCommandOptions& options, const LanguageRegistry& registry,
                      std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace chunkls
