#!/usr/bin/env bash
# Workspace indexing side by side (bench/index_bench.py) on the installed Python
# standard library and on drivers/ of Debian's linux-source-6.1 (extracted once into
# build/bench-data/; `apt-get install linux-source-6.1` first), on all cores.
# Usage: bench/run_index_bench.sh [build-dir] [--reps N]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
stdlib=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')
data="$build/bench-data"
kernel="$data/linux-source-6.1/drivers"
if [ ! -d "$kernel" ]; then
  tarball=/usr/src/linux-source-6.1.tar.xz
  [ -f "$tarball" ] || { echo "missing $tarball: apt-get install linux-source-6.1" >&2; exit 77; }
  mkdir -p "$data"
  tar -xf "$tarball" -C "$data" linux-source-6.1/drivers
fi
cmake --build "$build" --target chunkls parse_tree >/dev/null
python3 bench/index_bench.py --build "$build" "$@" "$stdlib" "$kernel"
