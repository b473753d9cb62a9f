// Chunking throughput against raw tree-sitter parsing of the same bytes, in the same
// run: BM_Parse is the baseline (a fresh parse of every file), BM_Chunk is what
// `chunkls chunk` does per file (parse, planned query walk, chunk tree, folds);
// BM_ChunkFullQueryWalk the same with the query cursor over the whole tree; the two
// ParseAnd*Walk benchmarks are the fixed costs of walking a tree.
// The corpus is the installed Python's standard library (CHUNKLS_BENCH_CORPUS to
// override), files up to 1 MiB. bench/run_chunk_bench.sh prints the ratio.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "engine/chunks/chunker.h"
#include "engine/chunks/chunker_pool.h"
#include "engine/syntax/language_registry.h"

namespace {

namespace fs = std::filesystem;

std::string stdlib_dir() {
  if (const char* env = std::getenv("CHUNKLS_BENCH_CORPUS")) return env;
  std::string out;
  if (FILE* p =
          popen("python3 -c 'import sysconfig; print(sysconfig.get_paths()[\"stdlib\"])'", "r")) {
    char buf[4096];
    while (fgets(buf, sizeof buf, p))
      out += buf;
    pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
    out.pop_back();
  return out;
}

struct Corpus {
  std::vector<std::string> files;
  std::size_t bytes = 0;
};

const Corpus& corpus() {
  static const Corpus c = [] {
    Corpus out;
    const std::string root = stdlib_dir();
    if (root.empty() || !fs::is_directory(root)) return out;
    std::vector<fs::path> paths;
    for (auto it =
             fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied);
         it != fs::recursive_directory_iterator(); ++it) {
      const auto name = it->path().filename().string();
      if (it->is_directory() && (name == "site-packages" || name == "__pycache__")) {
        it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file() && it->path().extension() == ".py" &&
          it->file_size() <= (1u << 20)) {
        paths.push_back(it->path());
      }
    }
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      std::ifstream in(p, std::ios::binary);
      std::ostringstream s;
      s << in.rdbuf();
      out.bytes += s.str().size();
      out.files.push_back(std::move(s).str());
    }
    return out;
  }();
  return c;
}

const chunkls::LanguageRegistry& registry() {
  static const chunkls::LanguageRegistry r = chunkls::LanguageRegistry::with_builtins();
  return r;
}

// Loads the corpus and compiles the queries, timing nothing: for instruction counts,
// every counted run includes it and the baseline run is it alone.
void BM_Load(benchmark::State& state) {
  benchmark::DoNotOptimize(corpus().files.size());
  benchmark::DoNotOptimize(&registry().find("python")->queries());
  for (auto _ : state) {
  }
}

void BM_Parse(benchmark::State& state) {
  const Corpus& c = corpus();
  if (c.files.empty()) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS");
    return;
  }
  chunkls::Parser parser;
  parser.set_language(registry().find("python")->grammar());
  for (auto _ : state) {
    for (const std::string& text : c.files) {
      chunkls::Tree tree = parser.parse(text);
      benchmark::DoNotOptimize(tree.get());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
}

// Parse, then walk the tree with a query cursor whose only pattern matches the root:
// the fixed cost of one query walk, whatever the patterns.
void BM_ParseAndWalk(benchmark::State& state) {
  const Corpus& c = corpus();
  if (c.files.empty()) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS");
    return;
  }
  const TSLanguage* python = registry().find("python")->grammar();
  std::uint32_t error_offset = 0;
  TSQueryError error = TSQueryErrorNone;
  const std::string source = "(module) @_root";
  chunkls::Query query(ts_query_new(python, source.data(), source.size(), &error_offset, &error));
  chunkls::Parser parser;
  parser.set_language(python);
  chunkls::QueryCursor cursor;
  for (auto _ : state) {
    for (const std::string& text : c.files) {
      chunkls::Tree tree = parser.parse(text);
      cursor.exec(query.get(), tree.root());
      TSQueryMatch match;
      while (cursor.next_match(&match))
        benchmark::DoNotOptimize(match.id);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
}

// Parse, then visit every node with a plain TSTreeCursor: the floor of any design that
// looks at the whole tree, with or without queries.
void BM_ParseAndTreeCursorWalk(benchmark::State& state) {
  const Corpus& c = corpus();
  if (c.files.empty()) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS");
    return;
  }
  chunkls::Parser parser;
  parser.set_language(registry().find("python")->grammar());
  for (auto _ : state) {
    for (const std::string& text : c.files) {
      chunkls::Tree tree = parser.parse(text);
      TSTreeCursor cursor = ts_tree_cursor_new(tree.root());
      std::size_t nodes = 0;
      bool more = true;
      while (more) {
        ++nodes;
        if (ts_tree_cursor_goto_first_child(&cursor)) continue;
        while (!ts_tree_cursor_goto_next_sibling(&cursor)) {
          if (!ts_tree_cursor_goto_parent(&cursor)) {
            more = false;
            break;
          }
        }
      }
      ts_tree_cursor_delete(&cursor);
      benchmark::DoNotOptimize(nodes);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
}

template <chunkls::Chunker::Walk kWalk>
void chunk_corpus(benchmark::State& state) {
  const Corpus& c = corpus();
  if (c.files.empty()) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS");
    return;
  }
  const chunkls::Language& python = *registry().find("python");
  (void)python.queries();  // compile outside the timed loop, as warm_up does
  chunkls::Chunker chunker(kWalk);
  std::size_t chunks = 0;
  for (auto _ : state) {
    chunks = 0;
    for (const std::string& text : c.files) {
      const chunkls::ChunkedText out = chunker.chunk(python, text);
      chunks += out.chunks.size();
      benchmark::DoNotOptimize(out.chunks.data());
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
  state.counters["files"] = static_cast<double>(c.files.size());
  state.counters["chunks"] = static_cast<double>(chunks);
}

// What `chunkls chunk` does: the planned walk.
void BM_Chunk(benchmark::State& state) {
  chunk_corpus<chunkls::Chunker::Walk::kPlanned>(state);
}
// The reference walk: the query cursor over the whole tree.
void BM_ChunkFullQueryWalk(benchmark::State& state) {
  chunk_corpus<chunkls::Chunker::Walk::kFullQuery>(state);
}

// Batch: the corpus over N threads that take the next file as they finish one (what
// the indexer does), raw parsing with a parser per thread as the baseline, chunking with
// Chunkers leased from one ChunkerPool per file. Wall time.
template <typename PerFile, typename PerThread>
void run_threads(benchmark::State& state, PerThread&& make_worker, PerFile&& per_file) {
  const Corpus& c = corpus();
  if (c.files.empty()) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS");
    return;
  }
  const auto threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        auto worker = make_worker();
        for (std::size_t i = next++; i < c.files.size(); i = next++)
          per_file(worker, c.files[i]);
      });
    }
    for (std::thread& w : workers)
      w.join();
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
  state.counters["threads"] = threads;
}

void BM_ParseThreads(benchmark::State& state) {
  const TSLanguage* python = registry().find("python")->grammar();
  run_threads(
      state,
      [python] {
        auto parser = std::make_unique<chunkls::Parser>();
        parser->set_language(python);
        return parser;
      },
      [](std::unique_ptr<chunkls::Parser>& parser, const std::string& text) {
        chunkls::Tree tree = parser->parse(text);
        benchmark::DoNotOptimize(tree.get());
      });
}

void BM_ChunkThreads(benchmark::State& state) {
  const chunkls::Language& python = *registry().find("python");
  chunkls::ChunkerPool pool;
  run_threads(
      state, [] { return 0; },
      [&](int, const std::string& text) {
        const chunkls::ChunkerPool::Lease chunker = pool.acquire(python);
        benchmark::DoNotOptimize(chunker->chunk(python, text, "f").chunks.data());
      });
  state.counters["chunkers"] = static_cast<double>(pool.stats().created);
}

BENCHMARK(BM_Load);
BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndTreeCursorWalk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseAndWalk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChunkFullQueryWalk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Chunk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseThreads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ChunkThreads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
