#!/usr/bin/env bash
# Fuzzing: builds the libFuzzer targets of tests/fuzz/ (ASan+UBSan, clang-14) in
# build-fuzz/ and runs each for SECONDS (default 600), one at a time at nice 10, from
# the seeds (bench/fuzz_seeds.py: the test fixtures, LSP messages, real .gitignore files)
# and the saved corpus (tests/fuzz/corpus/<target>/). Prints per target the executions
# and the coverage libFuzzer reached (cov: edges, ft: features). What a run finds stays
# in build-fuzz/corpus/<target>/; a crash or failed check in build-fuzz/artifacts/.
#
#   bench/fuzz.sh [--save] [SECONDS] [TARGET...]
#     TARGET: frame_decoder incoming_message document_edit chunk_update gitignore store
#     --save: afterwards, minimize (libFuzzer -merge=1) the saved corpus, the seeds and
#             what the run found into tests/fuzz/corpus/<target>/, which CI replays
#             (its 300 smallest inputs at most; SECONDS 0: only the merge).
#   FUZZ_GITIGNORES="a/.gitignore b/.gitignore": more real rule files as seeds.
#   FUZZ_BUILD=0: run the targets as built (another build holds the lock).
set -euo pipefail
cd "$(dirname "$0")/.."
save=0
if [[ ${1:-} == --save ]]; then
  save=1
  shift
fi
seconds=${1:-600}
shift || true
all=(frame_decoder incoming_message document_edit chunk_update gitignore store)
[[ $# -gt 0 ]] && targets=("$@") || targets=("${all[@]}")

build=build-fuzz
if [[ ${FUZZ_BUILD:-1} == 1 ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCHUNKLS_FUZZ=ON \
    -DCHUNKLS_BUILD_TESTS=OFF -DCHUNKLS_BUILD_BENCH=OFF >/dev/null
  flock /tmp/chunkls-build.lock cmake --build "$build" -j2 \
    --target "${targets[@]/#/fuzz_}" >/dev/null
fi
rm -rf "$build/seeds"
# shellcheck disable=SC2086
python3 bench/fuzz_seeds.py . "$build/seeds" ${FUZZ_GITIGNORES:-}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
printf '%-18s %8s %12s %10s %8s %8s %s\n' target seconds execs execs/s cov ft result
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  saved=tests/fuzz/corpus/$target
  mkdir -p "$corpus" "$saved" "$build/artifacts/$target" "$build/logs"
  log=$build/logs/$target.log
  status=ok
  # Parsing is the cost per input: keep the document targets' inputs to a few KB.
  case $target in document_edit | chunk_update) max_len=4096 ;; *) max_len=8192 ;; esac
  if [[ $seconds -gt 0 ]]; then
    nice -n 10 "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=30 \
      -max_len=$max_len -print_final_stats=1 -artifact_prefix="$build/artifacts/$target/" \
      "$corpus" "$build/seeds/$target" "$saved" >"$log" 2>&1 || status="FAILED (see $log)"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo -)
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo -)
    printf '%-18s %8s %12s %10s %8s %8s %s\n' "$target" "$seconds" "$execs" \
      "$((execs / seconds))" "$cov" "$ft" "$status"
  fi
  if [[ $save == 1 ]]; then
    merged=$(mktemp -d)
    nice -n 10 "$build/tests/fuzz/fuzz_$target" -merge=1 -max_len=$max_len -timeout=30 \
      -artifact_prefix="$build/artifacts/$target/" "$merged" "$saved" "$build/seeds/$target" \
      "$corpus" >"$log.merge" 2>&1
    # CI replays it at every run: at most 300 inputs, the smallest (the fastest to replay).
    (cd "$merged" && ls -S | head -n -300 | xargs -r rm -f)
    rm -rf "$saved" && mv "$merged" "$saved" && chmod 755 "$saved"
    echo "  saved $(ls "$saved" | wc -l) inputs in $saved"
  fi
done
