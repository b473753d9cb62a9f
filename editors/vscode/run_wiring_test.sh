#!/usr/bin/env bash
# Runs the extension's wiring test (test/wiring.test.ts, node:test) against a chunkls
# binary: bundles it with esbuild into a temporary directory and runs it there.
# Usage: editors/vscode/run_wiring_test.sh CHUNKLS_BINARY
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp -d "${TMPDIR:-/tmp}/chunkls-wiring-test-XXXXXX")
trap 'rm -rf "$out"' EXIT
"$here/node_modules/.bin/esbuild" "$here/test/wiring.test.ts" --bundle --log-level=warning \
  --outfile="$out/wiring.test.js" --format=cjs --platform=node --target=node20
CHUNKLS_BINARY=$1 node --test --test-reporter=spec "$out/wiring.test.js"
