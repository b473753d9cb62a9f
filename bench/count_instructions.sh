#!/usr/bin/env bash
# Instruction counts (valgrind's callgrind: the same for the same binary and input,
# whatever else the machine does) of parsing vs chunking a corpus, and their ratio.
# Each benchmark runs exactly one iteration; BM_Load (corpus, registry, query compile)
# runs in every count and alone is the baseline subtracted from both.
# Usage: bench/count_instructions.sh [build-dir] [corpus-dir]
#   default corpus: the stdlib's email/ package (the wall-clock runs use the whole stdlib)
set -euo pipefail
build=${1:-build}
corpus=${2:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')/email}
count() {
  local out
  out=$(mktemp)
  CHUNKLS_BENCH_CORPUS="$corpus" valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$build/bench/chunk_bench" --benchmark_filter="$1" --benchmark_min_time=0 >/dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
  rm -f "$out"
}
none=$(count '^BM_Load$')
parse=$(count '^(BM_Load|BM_Parse)$')
chunk=$(count '^(BM_Load|BM_Chunk)$')
full=$(count '^(BM_Load|BM_ChunkFullQueryWalk)$')
python3 - "$corpus" "$none" "$parse" "$chunk" "$full" <<'PY'
import sys
corpus, none, parse, chunk, full = sys.argv[1], *map(int, sys.argv[2:])
print(f"corpus: {corpus}")
print(f"instructions: load and compile only {none:,}; parse {parse - none:,}; chunk {chunk - none:,}")
print(f"instruction ratio chunk/parse: {(chunk - none) / (parse - none):.3f} (target <= 1.3)")
print(f"  with the full query walk instead: {(full - none) / (parse - none):.3f}")
PY
