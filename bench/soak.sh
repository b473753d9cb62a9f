#!/usr/bin/env bash
# The soak (bench/README.md, "Soak"): the release server under random edits and requests
# on 50 open documents with a live indexer, for DURATION seconds (default 1800), every
# answer checked (bench/soak_driver.py). The workspace is a copy of ten packages of the
# installed Python standard library and the C headers at the top of /usr/include, in a
# fresh temporary directory with its own index store. Samples of the server's RSS, open
# descriptors and threads go to OUT/soak_samples.csv, the plot to OUT/soak.png (gnuplot,
# from scripts/setup), the summary to OUT/soak_summary.json (OUT: bench/soak/latest).
#
# Usage: bench/soak.sh [BUILD_DIR] [DURATION_SECONDS] [SEED] [OUT_DIR] [SERVER_ARG...]
# (SERVER_ARGs go to the server, e.g. --cache-constructs-bytes 16777216.)
# Exit code: the driver's (0: every answer valid, every check passed, clean exit).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
duration=${2:-1800}
seed=${3:-1}
out=${4:-bench/soak/latest}
shift $(($# < 4 ? $# : 4))
server_args=()
for arg in "$@"; do server_args+=(--server-arg="$arg"); done
python=$(command -v python3)
# pyenv's shim costs a second per start; the interpreter behind it does not.
if command -v pyenv >/dev/null; then python=$(pyenv which python3); fi
stdlib=$("$python" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')

work=$(mktemp -d /tmp/chunkls-soak.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ws/stdlib" "$work/ws/include" "$work/cache" "$out"
for package in asyncio email json http xml unittest importlib concurrent logging multiprocessing; do
  cp -r "$stdlib/$package" "$work/ws/stdlib/"
done
find "$work/ws" -name __pycache__ -prune -exec rm -rf {} +
cp /usr/include/*.h "$work/ws/include/"

status=0
"$python" bench/soak_driver.py --binary "$build/chunkls" --workspace "$work/ws" \
  --cache "$work/cache" --log "$out/soak_server.log" --duration "$duration" --seed "$seed" \
  --csv "$out/soak_samples.csv" --summary "$out/soak_summary.json" "${server_args[@]}" || status=$?

if command -v gnuplot >/dev/null; then
  gnuplot -e "csv='$out/soak_samples.csv'; png='$out/soak.png'" bench/soak_plot.gp
else
  echo "soak.sh: no gnuplot (scripts/setup installs gnuplot-nox): no plot" >&2
fi
exit $status
