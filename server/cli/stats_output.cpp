#include "server/cli/stats_output.h"

#include "engine/metrics/process_memory.h"
#include "server/stats/stats_report.h"

namespace chunkls {

void print_stats_table(std::ostream& out, std::ostream& err, const Monitor& monitor,
                       const SourceCaches& caches, const ChunkerPool& chunkers) {
  // The table comes last even when both streams are one terminal.
  out.flush();
  err << stats_table(StatsReport{.monitor = monitor.snapshot(),
                                 .caches = caches.stats(),
                                 .parsers = chunkers.stats(),
                                 .memory = process_memory()});
}

}  // namespace chunkls
