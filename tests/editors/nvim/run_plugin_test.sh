#!/usr/bin/env bash
# Runs tests/editors/nvim/plugin_test.lua in a real headless Neovim, in a fresh
# temporary directory (the workspace, the server's cache and Neovim's own state and LSP
# log), removed afterwards.
# Usage: run_plugin_test.sh CHUNKLS_BINARY SOURCE_FILE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/chunkls-nvim-XXXXXX")
trap 'rm -rf "$work"' EXIT
export XDG_CACHE_HOME="$work/xdg-cache" XDG_STATE_HOME="$work/xdg-state" XDG_DATA_HOME="$work/xdg-data"
export CHUNKLS_BIN="$1" CHUNKLS_SOURCE="$2" CHUNKLS_PLUGIN="$repo/editors/nvim" CHUNKLS_WORK="$work"
exec nvim --headless -u NONE -i NONE -n -c "luafile $here/plugin_test.lua"
