#!/usr/bin/env bash
# Runs chunk_bench with repetitions in random interleaved order (machine drift then hits
# every benchmark alike) and prints the medians and the chunk/parse ratio.
# Usage: bench/run_chunk_bench.sh [build-dir]   (default: build)
set -euo pipefail
build=${1:-build}
out=$(mktemp)
"$build/bench/chunk_bench" --benchmark_repetitions=9 --benchmark_enable_random_interleaving=true \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 \
  --benchmark_filter=-BM_Load --benchmark_format=json >"$out"
python3 - "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
med = {b["run_name"].split("/")[0]: b for b in data["benchmarks"] if b.get("aggregate_name") == "median"}
parse, chunk = med["BM_Parse"], med["BM_Chunk"]
mb = parse["bytes_per_second"] * parse["real_time"] / 1e3 / 1e6
print(f"corpus: {int(parse['files'])} files, {mb:.1f} MB; chunks: {int(chunk['chunks'])}")
print(f"parse  median {parse['real_time']:.0f} ms ({parse['bytes_per_second']/1e6:.1f} MB/s)")
tree_walk = med["BM_ParseAndTreeCursorWalk"]
print(f"parse+tree-cursor walk median {tree_walk['real_time']:.0f} ms (every node, no query; ratio {tree_walk['real_time'] / parse['real_time']:.3f})")
walk = med["BM_ParseAndWalk"]
print(f"parse+walk median {walk['real_time']:.0f} ms (one query walk, trivial query; ratio {walk['real_time'] / parse['real_time']:.3f})")
full = med["BM_ChunkFullQueryWalk"]
print(f"chunk, full query walk median {full['real_time']:.0f} ms (ratio {full['real_time'] / parse['real_time']:.3f})")
print(f"chunk  median {chunk['real_time']:.0f} ms ({chunk['bytes_per_second']/1e6:.1f} MB/s)")
print(f"ratio chunk/parse: {chunk['real_time'] / parse['real_time']:.3f} (target <= 1.3)")
PY
rm -f "$out"
