#!/usr/bin/env bash
# Keystroke latency of chunkls and its peers on the same large real files (results and
# method: bench/README.md, "LSP keystroke latency"). For each language, the peer and
# chunkls replay the same edit script (same seed) and each run reports the raw
# tree-sitter reparse of those edits as its baseline.
#
#   c           drivers/scsi/lpfc/lpfc_sli.c of Debian's linux-source-6.1   clangd
#   python      kubernetes core_v1_api.py shipped with google-cloud-cli      pyright
#   typescript  lib.dom.d.ts of the pinned typescript package                typescript-language-server
#   javascript  corepack.cjs shipped with Node.js                            typescript-language-server
#   readelf     GNU binutils 2.40 readelf.c (Debian binutils-source)         clangd
#   jquery      jQuery 3.6.1 (Debian libjs-sphinxdoc)                        typescript-language-server
#   pydecimal   the Python standard library's _pydecimal.py                  pyright
#   ltmain      libtool's ltmain.sh (Debian libtool)                         bash-language-server
#   json        iso_3166-2.json (Debian iso-codes)                           vscode-json-language-server
#
# Usage: bench/run_lsp_latency.sh BUILD_DIR [case ...]   (default: all nine)
# Environment: EDITS (500), WARMUP (20), SEED (1); SERVERS ("peer chunkls"); LOCK, a
# file to flock around each run (so builds and other benchmarks wait, e.g.
# /tmp/chunkls-build.lock); CHUNKLS (default BUILD_DIR/chunkls).
# Results: BUILD_DIR/lsp-latency/results/<language>-<server>.{txt,json,log}.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: $0 BUILD_DIR [language...]}" && pwd)
shift
languages=("$@")
[ ${#languages[@]} -gt 0 ] || languages=(c python typescript javascript readelf jquery pydecimal ltmain json)
edits=${EDITS:-500}
warmup=${WARMUP:-20}
seed=${SEED:-1}
servers=${SERVERS:-peer chunkls}
chunkls=${CHUNKLS:-$build/chunkls}
driver=$build/bench/lsp_latency
work=$build/lsp-latency
results=$work/results
peers=$repo/bench/peers
[ -x "$driver" ] || { echo "missing $driver: build the lsp_latency target" >&2; exit 1; }
mkdir -p "$results"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_peers() {
  local bin
  for bin in typescript-language-server pyright-langserver bash-language-server \
    vscode-json-language-server; do
    if [ ! -x "$peers/node_modules/.bin/$bin" ]; then
      (cd "$peers" && npm ci --no-audit --no-fund)
      return
    fi
  done
}

# A Debian package's file, installing the package when the file is missing.
debian_file() {
  local file=$1 package=$2
  [ -f "$file" ] || as_root apt-get install -y --no-install-recommends "$package" >&2
  [ -f "$file" ] || { echo "missing $file (Debian package $package)" >&2; return 1; }
}

# Each language's workspace is a directory holding only its file (the servers take
# the file's directory as the root) and what the peer needs to understand it.
prepare_c() {
  local tarball=/usr/src/linux-source-6.1.tar.xz
  if [ ! -f "$tarball" ] || ! ls -d /usr/src/linux-headers-6.1.*-amd64 >/dev/null 2>&1; then
    as_root apt-get install -y --no-install-recommends linux-source-6.1 linux-headers-amd64 >&2
  fi
  local src=$work/kernel/linux-source-6.1
  if [ ! -f "$src/drivers/scsi/lpfc/lpfc_sli.c" ]; then
    mkdir -p "$work/kernel"
    tar -xJf "$tarball" -C "$work/kernel" linux-source-6.1/include linux-source-6.1/arch/x86/include \
      linux-source-6.1/drivers/scsi/lpfc
  fi
  # The generated headers (autoconf.h, asm-offsets) of Debian's amd64 configuration, so
  # clangd sees the file as the kernel build does: it reports no error on it.
  local gen
  gen=$(ls -d /usr/src/linux-headers-6.1.*-amd64 | sort -V | tail -1)
  local ws=$work/c
  mkdir -p "$ws"
  cp "$src/drivers/scsi/lpfc/lpfc_sli.c" "$ws/"
  cat >"$ws/compile_flags.txt" <<EOF
-xc
-std=gnu11
-nostdinc
-I$src/arch/x86/include
-I$gen/arch/x86/include/generated
-I$src/include
-I$gen/include
-I$src/arch/x86/include/uapi
-I$gen/arch/x86/include/generated/uapi
-I$src/include/uapi
-I$gen/include/generated/uapi
-include
$src/include/linux/compiler-version.h
-include
$src/include/linux/kconfig.h
-include
$src/include/linux/compiler_types.h
-D__KERNEL__
-DMODULE
-DKBUILD_BASENAME="lpfc_sli"
-DKBUILD_MODNAME="lpfc"
-D__KBUILD_MODNAME=kmod_lpfc
-I$src/drivers/scsi/lpfc
-fno-PIE
-mcmodel=kernel
-mno-red-zone
EOF
  echo "$ws/lpfc_sli.c"
}

prepare_python() {
  local f=/usr/lib/google-cloud-sdk/lib/third_party/kubernetes/client/apis/core_v1_api.py
  [ -f "$f" ] || { echo "missing $f (Debian package google-cloud-cli)" >&2; return 1; }
  mkdir -p "$work/python" && cp "$f" "$work/python/" && echo "$work/python/core_v1_api.py"
}

prepare_typescript() {
  local ws=$work/typescript
  mkdir -p "$ws" && cp "$peers/node_modules/typescript/lib/lib.dom.d.ts" "$ws/"
  # A project of its own: without it tsserver would also load the default lib.dom.d.ts
  # and report every declaration twice.
  echo '{"compilerOptions": {"lib": ["es2022"], "types": []}, "files": ["lib.dom.d.ts"]}' \
    >"$ws/tsconfig.json"
  echo "$ws/lib.dom.d.ts"
}

prepare_javascript() {
  local f
  f="$(npm root -g 2>/dev/null)/corepack/dist/lib/corepack.cjs"
  [ -f "$f" ] || f=/usr/lib/node_modules/corepack/dist/lib/corepack.cjs
  [ -f "$f" ] || { echo "missing corepack.cjs (Node.js's corepack)" >&2; return 1; }
  mkdir -p "$work/javascript" && cp "$f" "$work/javascript/" && echo "$work/javascript/corepack.cjs"
}

prepare_readelf() {
  local tarball=/usr/src/binutils/binutils-2.40.tar.xz
  debian_file "$tarball" binutils-source || return 1
  local ws=$work/readelf
  mkdir -p "$ws"
  [ -f "$ws/readelf.c" ] || tar -xJf "$tarball" -O binutils-2.40/binutils/readelf.c >"$ws/readelf.c"
  echo "$ws/readelf.c"
}

prepare_jquery() {
  local f=/usr/share/javascript/sphinxdoc/1.0/jquery.js
  debian_file "$f" libjs-sphinxdoc || return 1
  mkdir -p "$work/jquery" && cp "$f" "$work/jquery/" && echo "$work/jquery/jquery.js"
}

prepare_pydecimal() {
  local f
  f="$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')/_pydecimal.py"
  [ -f "$f" ] || { echo "missing $f" >&2; return 1; }
  mkdir -p "$work/pydecimal" && cp "$f" "$work/pydecimal/" && echo "$work/pydecimal/_pydecimal.py"
}

prepare_ltmain() {
  local f=/usr/share/libtool/build-aux/ltmain.sh
  debian_file "$f" libtool || return 1
  mkdir -p "$work/ltmain" && cp "$f" "$work/ltmain/" && echo "$work/ltmain/ltmain.sh"
}

prepare_json() {
  local f=/usr/share/iso-codes/json/iso_3166-2.json
  debian_file "$f" iso-codes || return 1
  mkdir -p "$work/json" && cp "$f" "$work/json/" && echo "$work/json/iso_3166-2.json"
}

# The LSP languageId of a case, and the grammar of the raw baseline.
language_id() {
  case $1 in
    c | readelf) echo c ;;
    python | pydecimal) echo python ;;
    javascript | jquery) echo javascript ;;
    ltmain) echo shellscript ;;
    *) echo "$1" ;;
  esac
}
raw_language() {
  case $1 in
    ltmain) echo bash ;;
    *) language_id "$1" ;;
  esac
}

peer_command() {
  case $1 in
    # Debian's clangd 14 has folding ranges only as a preview (--folding-ranges) that
    # crashed in clang::syntax::buildSyntaxTree after ~40 edits of this file, so it runs
    # without: it does not offer foldingRange and is measured on documentSymbol alone.
    c | readelf) echo "clangd" ;;
    python | pydecimal) echo "$peers/node_modules/.bin/pyright-langserver --stdio" ;;
    typescript | javascript | jquery)
      echo "$peers/node_modules/.bin/typescript-language-server --stdio"
      ;;
    ltmain) echo "$peers/node_modules/.bin/bash-language-server start" ;;
    json) echo "$peers/node_modules/.bin/vscode-json-language-server --stdio" ;;
  esac
}

peer_label() {
  case $1 in
    c | readelf) echo clangd ;;
    python | pydecimal) echo pyright ;;
    typescript | javascript | jquery) echo typescript-language-server ;;
    ltmain) echo bash-language-server ;;
    json) echo vscode-json-language-server ;;
  esac
}

# True when the command answers an LSP initialize on stdio within 10 s.
speaks_lsp() {
  local body='{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}'
  local answer
  answer=$(printf 'Content-Length: %d\r\n\r\n%s' ${#body} "$body" | timeout 10 "$1" 2>/dev/null) || true
  [[ $answer == *'"result"'* ]]
}

run() {
  local language=$1 label=$2 command=$3 file=$4
  local out=$results/$language-$label
  local cmd=("$driver" --server "$command" --label "$label" --file "$file"
    --language-id "$(language_id "$language")" --raw-language "$(raw_language "$language")"
    --edits "$edits" --warmup "$warmup" --seed "$seed"
    --json "$out.json" --server-log "$out.log")
  echo "== $language: $label"
  [ -z "${LOCK:-}" ] || cmd=(flock "$LOCK" "${cmd[@]}")
  # A failing server is reported and the other runs go on.
  "${cmd[@]}" | tee "$out.txt" || echo "== $language: $label FAILED (see $out.log)" >&2
}

install_peers
chunkls_ok=0
if [[ " $servers " == *" chunkls "* ]]; then
  if [ -x "$chunkls" ] && speaks_lsp "$chunkls"; then
    chunkls_ok=1
  else
    echo "note: $chunkls does not answer LSP on stdio; chunkls runs skipped" >&2
  fi
fi
for language in "${languages[@]}"; do
  file=$("prepare_$language") || continue
  if [[ " $servers " == *" peer "* ]]; then
    run "$language" "$(peer_label "$language")" "$(peer_command "$language")" "$file"
  fi
  if [ "$chunkls_ok" = 1 ]; then run "$language" chunkls "$chunkls" "$file"; fi
done

# One table over every result so far (Markdown, as in bench/README.md).
python3 - "$results" <<'PY'
import glob, json, os, sys
rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    d = json.load(open(path))
    s, r, a = d["server_ms"], d["raw_reparse_ms"], d["answers"]
    u = d.get("unchanged_ms", {"p50": float("nan"), "p99": float("nan")})
    f = d["file"]
    rows.append(f"| {os.path.basename(f['path'])} ({f['lines']:,} lines) "
                f"| {d['label']} | {s['p50']:.1f} | {s['p99']:.1f} "
                f"| {r['p50']:.2f} | {r['p99']:.2f} | {u['p50']:.1f} | {u['p99']:.1f} "
                f"| {d.get('target_p50', float('nan')):.2f} | {d.get('target_p99', float('nan')):.2f} "
                f"| {a['last_symbols']:,} / {a['last_folds']:,}{' (' + str(a['errors']) + ' errors)' if a['errors'] else ''} "
                f"| {d.get('peak_rss_mb', 0):.0f} | {d['startup']['first_symbols_ms'] / 1e3:.1f} s |")
print("| file | server | p50 ms | p99 | raw p50 | raw p99 | unchanged p50 | unchanged p99 "
      "| p50 / (raw+unchanged) | p99 / (raw+unchanged) | symbols / folds | peak RSS MB | first symbols |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
PY
