// Chunking throughput against raw tree-sitter parsing of the same bytes, in the same
// run: BM_Parse is the baseline (a fresh parse of every file), BM_Chunk is what
// `chunkls chunk` does per file (parse + chunks query + folds query + chunk tree).
// The corpus is the installed Python's standard library (CHUNKLS_BENCH_CORPUS to
// override), files up to 1 MiB. bench/run_chunk_bench.sh prints the ratio.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/chunker.h"
#include "engine/language_registry.h"

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

void BM_Chunk(benchmark::State& state) {
  const Corpus& c = corpus();
  if (c.files.empty()) {
    state.SkipWithError("no corpus: set CHUNKLS_BENCH_CORPUS");
    return;
  }
  const chunkls::Language& python = *registry().find("python");
  (void)python.queries();  // compile outside the timed loop, as warm_up does
  chunkls::Chunker chunker;
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

BENCHMARK(BM_Parse)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_ParseAndWalk)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Chunk)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
