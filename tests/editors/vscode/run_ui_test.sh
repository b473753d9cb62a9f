#!/usr/bin/env bash
# Packages the VS Code extension with the given chunkls inside and runs ui_test.mjs: the
# extension in a real VS Code (code-server, installed by scripts/setup) in Debian's
# Chromium. Screenshots and logs go to ARTIFACTS.
# Usage: run_ui_test.sh CHUNKLS_BINARY SOURCE_DIR ARTIFACTS
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
binary=$1 source=$2 artifacts=$3
rm -rf "$artifacts" && mkdir -p "$artifacts"
vsix=$("$repo/editors/vscode/package-vsix.sh" --binary "$binary" --out "$artifacts/chunkls.vsix")
exec node "$here/ui_test.mjs" --vsix "$vsix" --chunkls "$binary" --source "$source" \
  --artifacts "$artifacts" --capabilities "$repo/editors/vscode/test/vscode-client-capabilities.json"
