#!/usr/bin/env bash
# Hostile nesting: `chunkls chunk` on one line of N nested JSON objects ({"a": ... }) and
# N nested Python dicts, N from 25,000 to 200,000. Prints the median wall time and peak
# memory of 5 runs per file, and time per 1,000 levels: a linear engine keeps that
# figure flat as N grows (the quadratic one took 960 MB at 20,000 levels, 3.5 GB at
# 40,000). The baseline is the smallest N, measured in the same run.
# Usage: bench/run_deep_nesting.sh [build-dir]   (default: build)
set -euo pipefail
build=${1:-build}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$dir" <<'PY'
import sys
for n in (25000, 50000, 100000, 200000):
    open(f"{sys.argv[1]}/deep{n}.json", "w").write('{"a":' * n + "1" + "}" * n)
    open(f"{sys.argv[1]}/deep{n}.py", "w").write("x = " + "{'a': " * n + "1" + "}" * n + "\n")
PY
printf "%-7s %8s %10s %10s %14s\n" file levels "median s" "peak MB" "ms/1k levels"
for ext in json py; do
  for n in 25000 50000 100000 200000; do
    runs=()
    for _ in 1 2 3 4 5; do
      runs+=("$(/usr/bin/time -f '%e %M' "$build/chunkls" chunk --format jsonl --max-size 0 \
        --time-limit 0 "$dir/deep$n.$ext" 2>&1 >/dev/null | tail -1)")
    done
    printf '%s\n' "${runs[@]}" | python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
s = statistics.median(float(r[0]) for r in rows)
mb = statistics.median(int(r[1]) for r in rows) / 1024
n = int(sys.argv[2])
print(f"{sys.argv[1]:<7} {n:>8} {s:>10.2f} {mb:>10.0f} {1000 * s / (n / 1000):>14.1f}")' "$ext" "$n"
  done
done
