#!/usr/bin/env bash
# Builds the extension (esbuild) and packages it as a .vsix with @vscode/vsce, from a
# staging copy so the source tree is left as it is. With --binary, the .vsix carries
# that chunkls (stripped) as bin/chunkls, which the extension uses when chunkls.path is
# empty. Needs `npm ci` in editors/vscode first (scripts/setup does it).
# Usage: editors/vscode/package-vsix.sh [--binary PATH] [--out FILE]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=""
out="$here/dist/chunkls.vsix"
while (($#)); do
  case "$1" in
    --binary) binary=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--binary PATH] [--out FILE]" >&2; exit 2 ;;
  esac
done
[ -z "$binary" ] || binary=$(realpath "$binary")
cd "$here"
npm run --silent build
stage=$(mktemp -d "${TMPDIR:-/tmp}/chunkls-vsix-XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/dist"
cp package.json README.md LICENSE .vscodeignore "$stage/"
cp dist/extension.js "$stage/dist/"
if [ -n "$binary" ]; then
  mkdir -p "$stage/bin"
  strip -o "$stage/bin/chunkls" "$binary" 2>/dev/null || cp "$binary" "$stage/bin/chunkls"
  chmod 755 "$stage/bin/chunkls"
fi
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
(cd "$stage" && "$here/node_modules/.bin/vsce" package --no-dependencies --allow-missing-repository \
  --skip-license --out "$out" >/dev/null)
echo "$out"
