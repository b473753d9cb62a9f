// StatsReport: one snapshot of what the server or the CLI measured about itself
// (monitor histograms, cache levels, open documents, the workspace index, process
// memory), and its two
// renderings: the `chunkls/stats` JSON answer (field names are a stable interface,
// documented in README.md) and the readable table `chunkls chunk --stats` prints.
//
// Plain values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/cache/source_caches.h"
#include "engine/chunks/chunker_pool.h"
#include "engine/index/symbols/symbol_index.h"
#include "engine/index/workspace_indexer.h"
#include "engine/metrics/monitor.h"
#include "engine/metrics/process_memory.h"
#include "engine/store/index_store.h"

namespace chunkls {

// The workspace index: what the indexer did, what search holds, what the stores hold.
struct WorkspaceIndexStats {
  bool enabled = false;
  std::vector<std::string> roots;
  IndexProgress progress;
  SymbolIndexStats symbols;
  std::vector<StoreInfo> stores;
};

struct StatsReport {
  MonitorSnapshot monitor;
  SourceCacheStats caches;
  ChunkerPoolStats parsers;
  ProcessMemory memory;
  // The server's open documents (absent for the CLI).
  std::optional<std::uint64_t> open_documents;
  std::uint64_t open_document_bytes = 0;
  std::optional<WorkspaceIndexStats> index;
};

std::string stats_json(const StatsReport& report);
std::string stats_table(const StatsReport& report);

}  // namespace chunkls
