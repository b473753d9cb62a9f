// answer_bench: where a keystroke's time goes inside chunkls, in-process, on one file:
// the raw tree-sitter reparse of an edit, chunkls's update of its chunks and folds for
// the same edit (reparse included), and writing each answer's JSON alone
// (documentSymbol, foldingRange) for the unchanged document. bench/README.md has the
// results; the file comes from CHUNKLS_BENCH_FILE and CHUNKLS_BENCH_LANGUAGE (default:
// Debian's iso_3166-2.json, 16,794 symbols).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "bench/bench_file.h"
#include "bench/lsp_latency/edit_script.h"
#include "engine/document/document.h"
#include "engine/syntax/language_registry.h"
#include "server/views/document_views.h"

namespace chunkls {
namespace {

struct Input : bench::BenchFile {
  std::vector<bench::TextEdit> edits;
};

const Input& input() {
  static const Input in = [] {
    Input out{bench::load_bench_file("/usr/share/iso-codes/json/iso_3166-2.json", "json"), {}};
    out.edits = bench::make_edit_script(out.text, 200, 1);  // insert, delete, insert, ...
    return out;
  }();
  return in;
}

TextEdit engine_edit(const bench::TextEdit& e) {
  return {e.byte_offset, e.byte_offset + e.deleted, e.inserted};
}

// tree-sitter alone: ts_tree_edit + incremental reparse of one keystroke.
void BM_RawReparse(benchmark::State& state) {
  const Input& in = input();
  Parser parser;
  parser.set_language(in.language->grammar());
  std::string text = in.text;
  Tree tree = parser.parse(text);
  std::size_t i = 0;
  for (auto _ : state) {
    const bench::TextEdit& e = in.edits[i++ % in.edits.size()];
    bench::apply(text, e);
    const auto inserted = static_cast<std::uint32_t>(e.inserted.size());
    const TSInputEdit edit{e.byte_offset,
                           e.byte_offset + e.deleted,
                           e.byte_offset + inserted,
                           {e.line, e.byte_column},
                           {e.line, e.byte_column + e.deleted},
                           {e.line, e.byte_column + inserted}};
    ts_tree_edit(tree.get(), &edit);
    tree = parser.parse(text, &tree);
    benchmark::DoNotOptimize(tree.get());
  }
}

// chunkls: the same keystroke applied to a Document and its chunks and folds updated.
void BM_KeystrokeUpdate(benchmark::State& state) {
  const Input& in = input();
  Document document(*in.language, in.text, in.path);
  document.chunked();
  std::size_t i = 0;
  for (auto _ : state) {
    document.edit(engine_edit(in.edits[i++ % in.edits.size()]));
    benchmark::DoNotOptimize(document.chunked().chunks.data());
  }
  state.counters["whole"] = static_cast<double>(document.chunking_stats().whole);
}

// Without incremental chunks: the same keystroke, then the whole text parsed and
// chunked again (what a server that re-chunks on every change pays).
void BM_FullRechunk(benchmark::State& state) {
  const Input& in = input();
  Chunker chunker;
  std::string text = in.text;
  std::size_t i = 0;
  for (auto _ : state) {
    bench::apply(text, in.edits[i++ % in.edits.size()]);
    benchmark::DoNotOptimize(chunker.chunk(*in.language, text, in.path).chunks.data());
  }
}

// Writing the answers alone, for a document that did not change.
void BM_DocumentSymbolJson(benchmark::State& state) {
  const Input& in = input();
  Document document(*in.language, in.text, in.path);
  ViewOptions options;
  options.hierarchical_symbols = true;
  std::size_t bytes = 0;
  for (auto _ : state) {
    bytes = document_symbols_json(document, "file:///x", options, Deadline::never()).size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

void BM_FoldingRangeJson(benchmark::State& state) {
  const Input& in = input();
  Document document(*in.language, in.text, in.path);
  ViewOptions options;
  options.folding.line_folding_only = true;
  std::size_t bytes = 0;
  for (auto _ : state)
    bytes = folding_ranges_json(document, options, Deadline::never()).size();
  state.counters["bytes"] = static_cast<double>(bytes);
}

BENCHMARK(BM_RawReparse)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_KeystrokeUpdate)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FullRechunk)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_DocumentSymbolJson)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FoldingRangeJson)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace chunkls

BENCHMARK_MAIN();
