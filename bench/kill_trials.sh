#!/usr/bin/env bash
# The kill -9 trials (bench/README.md, "Faults"): `chunkls index` on a copy of the Python
# standard library's top-level modules, killed with SIGKILL at TRIALS random points
# (default 50; the ctest run does 6 each time), each store checked with PRAGMA
# integrity_check and row by row against a fresh index, each chain of kills then run to
# the end and compared with a fresh index. The seed is printed; give it to replay.
# Usage: bench/kill_trials.sh [BUILD_DIR] [TRIALS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export CHUNKLS_KILL_TRIALS=${2:-50}
if [ -n "${3:-}" ]; then export CHUNKLS_KILL_SEED=$3; fi
exec "$build/tests/chunkls_e2e_tests" --gtest_filter='IndexKilled.*'
