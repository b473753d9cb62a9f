#!/usr/bin/env bash
# The performance module's benchmarks on one real 20,000+ line file (lpfc_sli.c of
# linux-source-6.1, 22,691 lines, as bench/run_lsp_latency.sh unpacks it; FILE and
# LANGUAGE to override), medians of interleaved repetitions, and the ratios against the
# baselines measured in the same run:
#   caching      cold parse+chunk vs a cache hit; first documentSymbol cold vs reopened
#   incremental  one keystroke: chunk update (reparse included) vs a full re-chunk, and
#                vs tree-sitter's incremental reparse alone
# Usage: bench/run_cache_bench.sh [build-dir] [FILE LANGUAGE]
set -euo pipefail
build=${1:-build}
file=${2:-$build/lsp-latency/c/lpfc_sli.c}
language=${3:-c}
if [ ! -f "$file" ]; then
  echo "no $file: run bench/run_lsp_latency.sh once (it unpacks linux-source-6.1), or give FILE LANGUAGE" >&2
  exit 1
fi
out=$(mktemp -d)
common=(--benchmark_repetitions=7 --benchmark_enable_random_interleaving=true
        --benchmark_report_aggregates_only=true --benchmark_format=json)
CHUNKLS_BENCH_FILE=$file CHUNKLS_BENCH_LANGUAGE=$language \
  "$build/bench/cache_bench" "${common[@]}" >"$out/cache.json"
CHUNKLS_BENCH_FILE=$file CHUNKLS_BENCH_LANGUAGE=$language \
  "$build/bench/answer_bench" "${common[@]}" \
  --benchmark_filter='RawReparse|KeystrokeUpdate|FullRechunk' >"$out/answer.json"
python3 - "$out" "$file" <<'PY'
import json, sys, os
out, path = sys.argv[1], sys.argv[2]
med = {}
for name in ("cache.json", "answer.json"):
    for b in json.load(open(os.path.join(out, name)))["benchmarks"]:
        if b.get("aggregate_name") == "median":
            med[b["run_name"]] = b
def ms(name):
    b = med[name]
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0}[b["time_unit"]]
    return b["real_time"] * scale
lines = sum(1 for _ in open(path, "rb"))
print(f"file: {path} ({lines} lines, {os.path.getsize(path)} bytes)")
cold, hit, moved = ms("BM_ColdChunk"), ms("BM_CacheHit"), ms("BM_CacheHitMoved")
print(f"caching: cold parse+chunk {cold:.2f} ms, hit {hit*1000:.1f} us ({cold/hit:.0f}x, target >= 100x), "
      f"hit under another path {moved*1000:.1f} us ({cold/moved:.0f}x)")
fc, fw = ms("BM_FirstSymbolsCold"), ms("BM_FirstSymbolsWarm")
print(f"first documentSymbol: cold {fc:.2f} ms, reopened {fw:.3f} ms ({fc/fw:.0f}x)")
keep = med["BM_Keep"]
print(f"closing keeps: {ms('BM_Keep')*1000:.0f} us; tree {keep['tree_bytes']/1e6:.2f} MB "
      f"({keep['tree_bytes']/keep['source_bytes']:.1f}x the source), chunks {keep['chunk_bytes']/1e6:.2f} MB "
      f"({keep['chunk_bytes']/keep['source_bytes']:.2f}x), {int(keep['chunks'])} chunks")
raw, upd, full = ms("BM_RawReparse"), ms("BM_KeystrokeUpdate"), ms("BM_FullRechunk")
print(f"keystroke: raw reparse {raw:.2f} ms, chunk update {upd:.2f} ms ({upd/raw:.2f}x raw, target <= 1.3x), "
      f"full re-chunk {full:.1f} ms ({full/upd:.0f}x the update, target >= 20x)")
PY
rm -rf "$out"
