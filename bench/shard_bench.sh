#!/usr/bin/env bash
# Scale-out on one machine: a tree indexed as 1, 2 and 4 shards (`chunkls index --shard
# K/N --out`), the N tasks run at once as a scheduler would start them, each with
# cores/N worker threads (at least 1); then `chunkls merge` of the shards. Prints per
# tree and N the wall time of the tasks (median of REPS runs), the merge time and the
# files, contents and chunks merged. Every run starts from no store (a cold index).
# Trees: the installed Python standard library and drivers/ of Debian's linux-source-6.1
# (unpacked as bench/run_index_bench.sh does; skipped when missing).
# Usage: bench/shard_bench.sh [build-dir] [reps]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
reps=${2:-3}
cores=$(nproc)
binary="$build/chunkls"
cmake --build "$build" --target chunkls >/dev/null
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
trees=("$stdlib")
kernel="$build/bench-data/linux-source-6.1/drivers"
if [ ! -d "$kernel" ] && [ -f /usr/src/linux-source-6.1.tar.xz ]; then
  mkdir -p "$build/bench-data"
  tar -xf /usr/src/linux-source-6.1.tar.xz -C "$build/bench-data" linux-source-6.1/drivers
fi
[ -d "$kernel" ] && trees+=("$kernel")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

printf '%-10s %6s %10s %10s %8s %10s %10s\n' tree shards "index s" "merge s" files contents chunks
for tree in "${trees[@]}"; do
  name=$(basename "$tree")
  for n in 1 2 4; do
    jobs=$((cores / n)); ((jobs >= 1)) || jobs=1
    index_times=() merge_times=()
    for ((rep = 0; rep < reps; rep++)); do
      rm -rf "$work"/*
      start=$(date +%s.%N)
      pids=()
      for ((k = 0; k < n; k++)); do
        "$binary" index "$tree" --shard "$k/$n" --jobs "$jobs" --quiet \
          --out "$work/shard-$k.sqlite" >/dev/null &
        pids+=($!)
      done
      for pid in "${pids[@]}"; do wait "$pid"; done
      end=$(date +%s.%N)
      index_times+=("$(echo "$end - $start" | bc)")
      start=$(date +%s.%N)
      summary=$("$binary" merge "$work"/shard-*.sqlite --out "$work/merged.sqlite")
      end=$(date +%s.%N)
      merge_times+=("$(echo "$end - $start" | bc)")
    done
    counts=$(sed -n 's/.*: \([0-9]*\) files, \([0-9]*\) contents, \([0-9]*\) chunks.*/\1 \2 \3/p' <<<"$summary")
    read -r files contents chunks <<<"$counts"
    printf '%-10s %6s %10.2f %10.2f %8s %10s %10s\n' "$name" "$n" \
      "$(printf '%s\n' "${index_times[@]}" | median)" "$(printf '%s\n' "${merge_times[@]}" | median)" \
      "$files" "$contents" "$chunks"
  done
done
