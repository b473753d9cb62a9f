#include "server/stats/stats_report.h"

#include <fmt/format.h>

#include <array>

#include "protocol/json_writer.h"
#include "server/version.h"

namespace chunkls {

namespace {

double ms(std::chrono::nanoseconds d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void write_latency(protocol::JsonWriter& out, const LatencySummary& s) {
  out.begin_object();
  out.key("count").value(static_cast<std::int64_t>(s.count));
  out.key("totalMs").value(ms(s.total));
  out.key("p50Ms").value(ms(s.p50));
  out.key("p95Ms").value(ms(s.p95));
  out.key("p99Ms").value(ms(s.p99));
  out.key("maxMs").value(ms(s.max));
  out.end_object();
}

void write_cache(protocol::JsonWriter& out, const CacheStats& s) {
  out.begin_object();
  out.key("entries").value(static_cast<std::int64_t>(s.entries));
  out.key("bytes").value(static_cast<std::int64_t>(s.bytes));
  out.key("maxEntries").value(static_cast<std::int64_t>(s.limits.max_entries));
  out.key("maxBytes").value(static_cast<std::int64_t>(s.limits.max_bytes));
  out.key("ttlSeconds")
      .value(static_cast<std::int64_t>(
          std::chrono::duration_cast<std::chrono::seconds>(s.limits.ttl).count()));
  out.key("hits").value(static_cast<std::int64_t>(s.counters.hits));
  out.key("misses").value(static_cast<std::int64_t>(s.counters.misses));
  out.key("insertions").value(static_cast<std::int64_t>(s.counters.insertions));
  out.key("evictions").value(static_cast<std::int64_t>(s.counters.evictions));
  out.key("expirations").value(static_cast<std::int64_t>(s.counters.expirations));
  out.key("invalidations").value(static_cast<std::int64_t>(s.counters.invalidations));
  out.key("rejections").value(static_cast<std::int64_t>(s.counters.rejections));
  out.end_object();
}

void write_index(protocol::JsonWriter& out, const WorkspaceIndexStats& index) {
  const auto number = [&](std::string_view key, std::uint64_t value) {
    out.key(key).value(static_cast<std::int64_t>(value));
  };
  const IndexProgress& p = index.progress;
  out.begin_object();
  out.key("enabled").value(index.enabled);
  out.key("roots").begin_array();
  for (const std::string& root : index.roots)
    out.value(root);
  out.end_array();
  out.key("idle").value(p.idle);
  out.key("walking").value(p.walking);
  number("found", p.found);
  number("done", p.done);
  number("unchanged", p.unchanged);
  number("fromStore", p.stored);
  number("parsed", p.parsed);
  number("removed", p.removed);
  number("bytes", p.bytes);
  number("chunks", p.chunks);
  number("warmFiles", p.warm_files);
  // Stable keys, in IndexSkip's order.
  static constexpr std::array<std::string_view, static_cast<std::size_t>(IndexSkip::kCount)>
      kSkipKeys = {"ignored", "excluded",  "tooLarge", "notAFile",    "unreadable", "outsideRoot",
                   "loop",    "fileLimit", "binary",   "unsupported", "failed"};
  out.key("skipped").begin_object();
  for (std::size_t i = 0; i < p.skipped.size(); ++i)
    number(kSkipKeys[i], p.skipped[i]);
  out.end_object();
  out.key("symbols").begin_object();
  number("files", index.symbols.files);
  number("symbols", index.symbols.symbols);
  number("memoryBytes", index.symbols.memory_bytes);
  out.end_object();
  out.key("stores").begin_array();
  for (const StoreInfo& store : index.stores) {
    out.begin_object();
    out.key("location").value(store.location);
    out.key("inMemory").value(store.in_memory);
    if (!store.note.empty()) out.key("note").value(store.note);
    number("files", store.files);
    number("contents", store.contents);
    number("chunks", store.chunks);
    number("bytesOnDisk", store.bytes_on_disk);
    number("transactions", store.transactions);
    out.end_object();
  }
  out.end_array();
  out.end_object();
}

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20));
}

}  // namespace

std::string stats_json(const StatsReport& report) {
  protocol::JsonWriter out;
  out.begin_object();
  out.key("version").value(kVersion);
  out.key("uptimeMs").value(ms(report.monitor.uptime));
  if (report.open_documents) {
    out.key("documents").begin_object();
    out.key("open").value(static_cast<std::int64_t>(*report.open_documents));
    out.key("textBytes").value(static_cast<std::int64_t>(report.open_document_bytes));
    out.end_object();
  }
  if (report.index) {
    out.key("index");
    write_index(out, *report.index);
  }
  out.key("memory").begin_object();
  out.key("rssBytes").value(static_cast<std::int64_t>(report.memory.rss_bytes));
  out.key("heapBytes").value(static_cast<std::int64_t>(report.memory.heap_bytes));
  out.key("cachedBytes")
      .value(static_cast<std::int64_t>(report.caches.trees.bytes + report.caches.chunks.bytes +
                                       report.caches.files.bytes + report.caches.constructs.bytes));
  out.end_object();
  out.key("caches").begin_object();
  out.key("trees");
  write_cache(out, report.caches.trees);
  out.key("chunks");
  write_cache(out, report.caches.chunks);
  out.key("files");
  write_cache(out, report.caches.files);
  out.key("constructs");
  write_cache(out, report.caches.constructs);
  out.end_object();
  out.key("parsers").begin_object();
  out.key("acquired").value(static_cast<std::int64_t>(report.parsers.acquired));
  out.key("created").value(static_cast<std::int64_t>(report.parsers.created));
  out.key("reused").value(static_cast<std::int64_t>(report.parsers.reused));
  out.key("dropped").value(static_cast<std::int64_t>(report.parsers.dropped));
  out.key("idle").value(static_cast<std::int64_t>(report.parsers.idle));
  out.key("inUse").value(static_cast<std::int64_t>(report.parsers.in_use));
  out.key("maxIdle").value(static_cast<std::int64_t>(report.parsers.max_idle));
  out.end_object();
  out.key("stages").begin_object();
  for (std::size_t i = 0; i < report.monitor.stages.size(); ++i) {
    out.key(stage_name(static_cast<Stage>(i)));
    write_latency(out, report.monitor.stages[i]);
  }
  out.end_object();
  out.key("requests").begin_object();
  for (const auto& [method, summary] : report.monitor.requests) {
    out.key(method);
    write_latency(out, summary);
  }
  out.end_object();
  out.end_object();
  return out.take();
}

std::string stats_table(const StatsReport& report) {
  std::string out;
  auto line = [&](const std::string& text) {
    out += text;
    out += '\n';
  };
  line(fmt::format("{:<22} {:>8} {:>10} {:>9} {:>9} {:>9} {:>9}", "stage", "count", "total ms",
                   "p50 ms", "p95 ms", "p99 ms", "max ms"));
  auto latency_row = [&](std::string_view name, const LatencySummary& s) {
    line(fmt::format("{:<22} {:>8} {:>10.1f} {:>9.3f} {:>9.3f} {:>9.3f} {:>9.3f}", name, s.count,
                     ms(s.total), ms(s.p50), ms(s.p95), ms(s.p99), ms(s.max)));
  };
  for (std::size_t i = 0; i < report.monitor.stages.size(); ++i) {
    latency_row(stage_name(static_cast<Stage>(i)), report.monitor.stages[i]);
  }
  for (const auto& [method, summary] : report.monitor.requests)
    latency_row(method, summary);
  line("");
  line(fmt::format("{:<22} {:>8} {:>9} {:>8} {:>8} {:>9} {:>9}", "cache", "entries", "MiB", "hits",
                   "misses", "evicted", "hit rate"));
  auto cache_row = [&](std::string_view name, const CacheStats& s) {
    const std::uint64_t asked = s.counters.hits + s.counters.misses;
    line(fmt::format("{:<22} {:>8} {:>9.1f} {:>8} {:>8} {:>9} {:>8.1f}%", name, s.entries,
                     static_cast<double>(s.bytes) / (1 << 20), s.counters.hits, s.counters.misses,
                     s.counters.evictions + s.counters.expirations,
                     asked ? 100.0 * static_cast<double>(s.counters.hits) / asked : 0.0));
  };
  cache_row("trees", report.caches.trees);
  cache_row("chunks", report.caches.chunks);
  cache_row("files", report.caches.files);
  cache_row("constructs", report.caches.constructs);
  line("");
  line(fmt::format("parsers: {} acquired, {} created, {} reused, {} idle", report.parsers.acquired,
                   report.parsers.created, report.parsers.reused, report.parsers.idle));
  line(fmt::format("memory: {} resident, {} on the heap, {} in caches",
                   mib(report.memory.rss_bytes), mib(report.memory.heap_bytes),
                   mib(report.caches.trees.bytes + report.caches.chunks.bytes +
                       report.caches.files.bytes + report.caches.constructs.bytes)));
  if (report.open_documents) {
    line(fmt::format("open documents: {} ({})", *report.open_documents,
                     mib(report.open_document_bytes)));
  }
  if (report.index) {
    const WorkspaceIndexStats& index = *report.index;
    line(fmt::format("symbols: {} in {} files ({})", index.symbols.symbols, index.symbols.files,
                     mib(index.symbols.memory_bytes)));
    for (const StoreInfo& store : index.stores) {
      line(fmt::format("store: {}{}: {} files, {} contents, {} chunks, {} on disk", store.location,
                       store.in_memory ? " (in memory)" : "", store.files, store.contents,
                       store.chunks, mib(store.bytes_on_disk)));
      if (!store.note.empty()) line(fmt::format("  {}", store.note));
    }
  }
  line(fmt::format("time: {:.1f} ms", ms(report.monitor.uptime)));
  return out;
}

}  // namespace chunkls
