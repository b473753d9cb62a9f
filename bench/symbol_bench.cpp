// workspace/symbol over an index of at least a million symbols: the latency of one
// SymbolIndex::search per query kind (p50 and p99 of single searches as counters; the
// target is p99 <= 10 ms on one core) and what the index holds per symbol.
//
// The symbols are real: every .c and .h file of a Linux source tree
// (CHUNKLS_BENCH_CORPUS, else the kernel subset bench/run_lsp_latency.sh unpacks into
// the build tree, else an unpacked /usr/src/linux-source-6.1) chunked by the engine. A
// tree with fewer symbols is indexed again under "copyN/" prefixes until there are
// 1,000,000. Searches prefer a driver file and drivers/scsi, as an open editor would.
// The first search after indexing (every cache cold) is reported apart by BM_Build.
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/chunks/chunker.h"
#include "engine/index/symbols/symbol_index.h"
#include "engine/syntax/language_registry.h"

namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kWantedSymbols = 1000000;

std::string corpus_root() {
  if (const char* env = std::getenv("CHUNKLS_BENCH_CORPUS")) return env;
  for (const std::string& candidate :
       {std::string(CHUNKLS_BINARY_DIR) + "/lsp-latency/kernel/linux-source-6.1",
        std::string("/usr/src/linux-source-6.1")}) {
    if (fs::is_directory(candidate)) return candidate;
  }
  return {};
}

struct IndexedTree {
  chunkls::SymbolIndex index;
  std::string root;
  std::uint64_t files = 0;         // of the tree, once
  std::uint64_t source_bytes = 0;  // of everything indexed, copies included
  std::uint64_t name_bytes = 0;    // of every symbol's name, copies included
  std::uint64_t copies = 0;
  std::string preferred_file;  // a driver source, as if open
  double build_seconds = 0;    // SymbolIndex::replace of every file, chunking excluded
  double first_search_ms = 0;  // right after indexing, every cache cold
};

struct ChunkedFile {
  std::string relative;
  std::uint64_t bytes = 0;
  std::vector<chunkls::Chunk> chunks;
};

std::vector<ChunkedFile> chunk_tree(const std::string& root) {
  std::vector<fs::path> paths;
  for (auto it =
           fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied);
       it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& path = it->path();
    if (it->is_regular_file() && (path.extension() == ".c" || path.extension() == ".h") &&
        it->file_size() <= (1u << 20)) {
      paths.push_back(path);
    }
  }
  std::sort(paths.begin(), paths.end());
  static const chunkls::LanguageRegistry registry = chunkls::LanguageRegistry::with_builtins();
  const chunkls::Language& c = *registry.find("c");
  chunkls::Chunker chunker;
  std::vector<ChunkedFile> out;
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    ChunkedFile file;
    file.relative = fs::relative(path, root).generic_string();
    file.bytes = text.str().size();
    file.chunks = chunker.chunk(c, text.str(), file.relative).chunks;
    for (chunkls::Chunk& chunk : file.chunks)
      chunk.detail = {};  // the index does not keep it; the copies need not either
    out.push_back(std::move(file));
  }
  return out;
}

const IndexedTree& tree() {
  static const IndexedTree* built = [] {
    auto out = new IndexedTree;
    out->root = corpus_root();
    if (out->root.empty()) return out;
    const std::vector<ChunkedFile> files = chunk_tree(out->root);
    out->files = files.size();
    for (const ChunkedFile& file : files) {
      if (out->preferred_file.empty() && file.relative.starts_with("drivers/")) {
        out->preferred_file = out->root + "/" + file.relative;
      }
    }
    const auto start = std::chrono::steady_clock::now();
    while (!files.empty() && out->index.stats().symbols < kWantedSymbols) {
      const std::string prefix = out->copies == 0
                                     ? out->root + "/"
                                     : out->root + "/copy" + std::to_string(out->copies) + "/";
      for (const ChunkedFile& file : files) {
        out->index.replace(prefix + file.relative, file.chunks);
        out->source_bytes += file.bytes;
        for (const chunkls::Chunk& chunk : file.chunks)
          out->name_bytes += chunk.name.size();
      }
      ++out->copies;
    }
    out->build_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    chunkls::SymbolSearch first;
    first.query = "ini";
    const auto searched = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(out->index.search(first).data());
    out->first_search_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - searched)
            .count();
    return out;
  }();
  return *built;
}

// This thread's CPU time: on a shared machine, wall time also counts the time other
// processes had the core.
double thread_cpu_micros() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// The q-quantile of `samples` (sorted here).
double quantile(std::vector<double>& samples, double q) {
  std::sort(samples.begin(), samples.end());
  return samples[std::min(samples.size() - 1, static_cast<std::size_t>(q * samples.size()))];
}

// Times every search alone, in wall and in CPU time, and reports the percentiles of
// those times, with the index's size, as counters.
void run_searches(benchmark::State& state, const std::vector<std::string>& queries) {
  const IndexedTree& indexed = tree();
  if (indexed.root.empty() || indexed.index.stats().symbols == 0) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS to a Linux source tree");
    return;
  }
  chunkls::SymbolSearch search;
  search.limit = 100;
  search.preferred_files = {indexed.preferred_file};
  search.preferred_directory = indexed.root + "/drivers/scsi";
  std::vector<double> micros;
  std::vector<double> cpu_micros;
  std::size_t next = 0;
  std::size_t found = 0;
  for (auto _ : state) {
    search.query = queries[next++ % queries.size()];
    const double cpu_start = thread_cpu_micros();
    const auto start = std::chrono::steady_clock::now();
    const std::vector<chunkls::SymbolMatch> matches = indexed.index.search(search);
    micros.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    cpu_micros.push_back(thread_cpu_micros() - cpu_start);
    found += matches.size();
    benchmark::DoNotOptimize(matches.data());
  }
  const chunkls::SymbolIndexStats stats = indexed.index.stats();
  state.counters["p50_us"] = quantile(micros, 0.50);
  state.counters["p99_us"] = quantile(micros, 0.99);
  state.counters["max_us"] = micros.back();
  state.counters["cpu_p50_us"] = quantile(cpu_micros, 0.50);
  state.counters["cpu_p99_us"] = quantile(cpu_micros, 0.99);
  state.counters["results"] = static_cast<double>(found) / static_cast<double>(micros.size());
  state.counters["symbols"] = static_cast<double>(stats.symbols);
  state.counters["files"] = static_cast<double>(stats.files);
  state.counters["copies"] = static_cast<double>(indexed.copies);
  state.counters["index_MB"] = static_cast<double>(stats.memory_bytes) / 1e6;
  state.counters["bytes_per_symbol"] =
      static_cast<double>(stats.memory_bytes) / static_cast<double>(stats.symbols);
  state.counters["name_bytes_per_symbol"] =
      static_cast<double>(indexed.name_bytes) / static_cast<double>(stats.symbols);
  state.counters["index_per_source_byte"] =
      static_cast<double>(stats.memory_bytes) / static_cast<double>(indexed.source_bytes);
  state.counters["build_s"] = indexed.build_seconds;
}

// Builds the index untimed, so the first search benchmark does not pay for it.
void BM_Build(benchmark::State& state) {
  const IndexedTree& indexed = tree();
  for (auto _ : state) {
  }
  if (indexed.root.empty()) state.SkipWithError("no corpus");
  state.counters["symbols"] = static_cast<double>(indexed.index.stats().symbols);
  state.counters["tree_files"] = static_cast<double>(indexed.files);
  state.counters["source_MB"] = static_cast<double>(indexed.source_bytes) / 1e6;
  state.counters["build_s"] = indexed.build_seconds;
  state.counters["first_search_ms"] = indexed.first_search_ms;
}

// Each kind of query as users type them: one benchmark cycling through its queries,
// then one per query.
struct QueryKind {
  const char* name;
  std::vector<std::string> queries;
};

const std::vector<QueryKind>& kinds() {
  static const std::vector<QueryKind> out = {
      {"ShortPrefix", {"ini", "pro", "dma", "irq"}},
      {"WordStarts", {"gsi", "kfr", "pdr", "lsr"}},
      {"Exact", {"main", "probe", "kmalloc", "list_head"}},
      {"Long", {"lpfc_sli_issue_iocb", "spin_lock_irqsave", "dev_err_probe"}},
      {"Qualified", {"file_operations.read", "pci_driver.probe", "dev.name", "Scsi_Host::max_id"}},
      {"NoMatch", {"zzqxj", "xkcdxkcd", "frobnicate_widget"}},
      // Common letters, seldom in this order: the keys let most names through, few
      // match, so the results fill late and little is pruned (the worst case).
      {"Adversarial", {"qqqqqq", "eeeeeeee"}},
      {"Empty", {""}},
  };
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("BM_Build", BM_Build)->Iterations(1)->Unit(benchmark::kMillisecond);
  for (const QueryKind& kind : kinds()) {
    benchmark::RegisterBenchmark(
        (std::string("BM_Search/") + kind.name).c_str(),
        [&kind](benchmark::State& state) { run_searches(state, kind.queries); })
        ->Iterations(400)
        ->Unit(benchmark::kMicrosecond);
  }
  for (const QueryKind& kind : kinds()) {
    for (const std::string& query : kind.queries) {
      benchmark::RegisterBenchmark(
          (std::string("BM_SearchOne/") + kind.name + "/\"" + query + "\"").c_str(),
          [&query](benchmark::State& state) { run_searches(state, {query}); })
          ->Iterations(100)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
