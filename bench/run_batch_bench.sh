#!/usr/bin/env bash
# Batch chunking of the installed Python standard library on 1 and 2 threads (this
# machine has 2 cores) with Chunkers from one ChunkerPool, against raw parsing on the
# same threads, in the same run: the speed-up of each, and chunking's throughput as a
# share of raw parsing's (targets: speed-up >= 0.9 x threads, share >= 0.8).
# Usage: bench/run_batch_bench.sh [build-dir]
set -euo pipefail
build=${1:-build}
out=$(mktemp)
"$build/bench/chunk_bench" --benchmark_filter='Threads' --benchmark_repetitions=5 \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$out"
python3 - "$out" <<'PY'
import json, sys
med = {b["run_name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"] if b.get("aggregate_name") == "median"}
def get(name, n):
    return med[f"{name}/{n}/real_time"]
for name in ("BM_ParseThreads", "BM_ChunkThreads"):
    one, two = get(name, 1), get(name, 2)
    print(f"{name}: 1 thread {one['real_time']:.0f} ms ({one['bytes_per_second']/1e6:.1f} MB/s), "
          f"2 threads {two['real_time']:.0f} ms ({two['bytes_per_second']/1e6:.1f} MB/s), "
          f"speed-up {one['real_time']/two['real_time']:.2f} (target >= 1.8)")
for n in (1, 2):
    share = get("BM_ChunkThreads", n)["bytes_per_second"] / get("BM_ParseThreads", n)["bytes_per_second"]
    print(f"{n} thread(s): chunk throughput / raw parse throughput = {share:.2f} (target >= 0.8)")
PY
rm -f "$out"
