// The table `--stats` prints when `chunkls chunk` or `chunkls index` ends: timings,
// cache counters, parsers and memory (stats_table(), server/stats/stats_report.h), on
// the error stream, after everything the command wrote to its output.
//
// Reads the counters it is given (each safe to read from any thread); writes to the
// streams on the calling thread.
#pragma once

#include <ostream>

#include "engine/cache/source_caches.h"
#include "engine/chunks/chunker_pool.h"
#include "engine/metrics/monitor.h"

namespace chunkls {

void print_stats_table(std::ostream& out, std::ostream& err, const Monitor& monitor,
                       const SourceCaches& caches, const ChunkerPool& chunkers);

}  // namespace chunkls
