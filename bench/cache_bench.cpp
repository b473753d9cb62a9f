// cache_bench: what the caches save, in-process, on one real file (CHUNKLS_BENCH_FILE,
// CHUNKLS_BENCH_LANGUAGE; default: lpfc_sli.c of linux-source-6.1 as bench/run_lsp_latency.sh
// unpacks it, else binutils' readelf.c). Same run, same file:
//   BM_ColdChunk         parse + chunk with a pooled Chunker (what a miss costs)
//   BM_CacheHit          hash the bytes + look the chunks up (what a hit costs)
//   BM_CacheHitMoved     the same file under another path (ids renumbered from a copy)
//   BM_FirstSymbolsCold  a file opened for the first time: Document + chunks + the
//                        documentSymbol JSON
//   BM_FirstSymbolsWarm  the same file reopened: Document from the cached chunks and
//                        tree + the documentSymbol JSON
//   BM_Keep              closing: a document's chunks and tree kept (shared, and the
//                        tree walked for its bytes)
// bench/run_cache_bench.sh prints the ratios; bench/README.md has the results.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bench/bench_file.h"
#include "engine/cache/source_caches.h"
#include "engine/chunks/chunker_pool.h"
#include "engine/document/document.h"
#include "engine/syntax/language_registry.h"
#include "server/views/document_views.h"

namespace chunkls {
namespace {

std::string default_file() {
  for (const char* candidate :
       {"build/lsp-latency/c/lpfc_sli.c", "/usr/src/binutils/binutils/readelf.c"}) {
    if (std::filesystem::exists(candidate)) return candidate;
  }
  return "/usr/src/binutils/binutils/readelf.c";
}

using Input = bench::BenchFile;

const Input& input() {
  static const Input in = bench::load_bench_file(default_file(), "c");
  return in;
}

ViewOptions symbol_options() {
  ViewOptions options;
  options.hierarchical_symbols = true;
  return options;
}

void BM_ColdChunk(benchmark::State& state) {
  const Input& in = input();
  ChunkerPool pool;
  for (auto _ : state) {
    const ChunkerPool::Lease chunker = pool.acquire(*in.language);
    benchmark::DoNotOptimize(chunker->chunk(*in.language, in.text, in.path).chunks.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.text.size()));
}

void BM_CacheHit(benchmark::State& state) {
  const Input& in = input();
  SourceCaches caches;
  ChunkerPool pool;
  {
    const ChunkerPool::Lease chunker = pool.acquire(*in.language);
    ChunkedText chunked = chunker->chunk(*in.language, in.text, in.path);
    chunked.tree = Tree();
    caches.keep(content_key(*in.language, in.text),
                std::make_shared<const ChunkedText>(std::move(chunked)), in.path);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(caches.chunks_for(content_key(*in.language, in.text), in.path));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.text.size()));
}

void BM_CacheHitMoved(benchmark::State& state) {
  const Input& in = input();
  SourceCaches caches;
  {
    Chunker chunker;
    ChunkedText chunked = chunker.chunk(*in.language, in.text, in.path);
    chunked.tree = Tree();
    caches.keep(content_key(*in.language, in.text),
                std::make_shared<const ChunkedText>(std::move(chunked)), in.path);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(caches.chunks_for(content_key(*in.language, in.text), "/moved/x.c"));
  }
}

void BM_FirstSymbolsCold(benchmark::State& state) {
  const Input& in = input();
  ChunkerPool pool;
  const ViewOptions options = symbol_options();
  for (auto _ : state) {
    Document document(*in.language, in.text, in.path);
    document.set_services({.chunkers = &pool});
    benchmark::DoNotOptimize(
        document_symbols_json(document, "file:///x", options, Deadline::never()).size());
  }
}

void BM_FirstSymbolsWarm(benchmark::State& state) {
  const Input& in = input();
  ChunkerPool pool;
  SourceCaches caches;
  {
    Document closing(*in.language, in.text, in.path);
    closing.chunked();
    const std::optional<ParsedText> parsed = closing.parsed();
    caches.keep(content_key(*in.language, in.text), parsed->chunked, in.path, &parsed->tree);
  }
  const ViewOptions options = symbol_options();
  for (auto _ : state) {
    const ContentKey key = content_key(*in.language, in.text);
    const std::shared_ptr<const Tree> tree = caches.trees().get(key);
    Document document(*in.language, in.text, in.path, {},
                      ParsedText{.chunked = caches.chunks_for(key, in.path), .tree = *tree});
    document.set_services({.chunkers = &pool});
    benchmark::DoNotOptimize(
        document_symbols_json(document, "file:///x", options, Deadline::never()).size());
  }
}

void BM_Keep(benchmark::State& state) {
  const Input& in = input();
  Document document(*in.language, in.text, in.path);
  document.chunked();
  const std::optional<ParsedText> parsed = document.parsed();
  SourceCaches caches;
  const ContentKey key = content_key(*in.language, in.text);
  for (auto _ : state)
    caches.keep(key, parsed->chunked, in.path, &parsed->tree);
  state.counters["tree_bytes"] = static_cast<double>(heap_bytes(parsed->tree));
  state.counters["chunk_bytes"] = static_cast<double>(heap_bytes(*parsed->chunked));
  state.counters["source_bytes"] = static_cast<double>(in.text.size());
  state.counters["chunks"] = static_cast<double>(parsed->chunked->chunks.size());
}

BENCHMARK(BM_ColdChunk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CacheHit)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CacheHitMoved)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FirstSymbolsCold)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FirstSymbolsWarm)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Keep)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace chunkls

BENCHMARK_MAIN();
