#!/usr/bin/env python3
"""Oracle: function definitions in real C sources nobody here wrote (the tree-sitter
runtime and the grammars' scanners from node_modules, plus C files under /usr/share and
/usr/include headers that define functions), compared with universal-ctags. Prints the
agreement in both directions; fails below the floor given (ctags works from heuristics
on unpreprocessed code, so full agreement is not expected)."""
import argparse
import collections
import glob
import json
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from chunkls_runner import chunk_files  # noqa: E402

SKIP = 77


def c_sources(source_dir):
    nm = os.path.join(source_dir, "node_modules")
    files = glob.glob(os.path.join(nm, "tree-sitter", "vendor", "tree-sitter", "lib", "src", "**", "*.[ch]"),
                      recursive=True)
    files += glob.glob(os.path.join(nm, "tree-sitter-*", "**", "scanner.c"), recursive=True)
    files += glob.glob("/usr/share/**/*.c", recursive=True)
    files += [h for h in glob.glob("/usr/include/*.h") if not is_cplusplus(h)]
    return sorted(f for f in set(files)
                  if os.path.isfile(f) and os.path.getsize(f) < 1 << 20 and not is_m4_template(f))


def is_m4_template(path):
    """bison's skeletons (/usr/share/bison/skeletons/*.c) are m4 templates, not C."""
    with open(path, "rb") as f:
        text = f.read()
    return b"b4_" in text and b"m4_" in text


def is_cplusplus(path):
    """Some /usr/include headers are C++ (ncurses' C++ binding): not C."""
    with open(path, "rb") as f:
        text = f.read()
    return re.search(rb"^\s*(class|namespace|template)\b", text, re.M) is not None


def ctags_functions(paths):
    found = collections.defaultdict(collections.Counter)
    for i in range(0, len(paths), 200):
        proc = subprocess.run(["ctags", "--language-force=C", "--kinds-C=f", "--fields=+n",
                               "--output-format=json", "-o", "-", *paths[i:i + 200]],
                              capture_output=True, text=True, errors="replace", check=True)
        for line in proc.stdout.splitlines():
            tag = json.loads(line)
            if tag.get("_type") == "tag" and tag.get("kind") == "function":
                found[tag["path"]][(tag["name"], tag["line"])] += 1
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunkls", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--floor", type=float, default=95.0, help="minimum agreement, percent")
    args = parser.parse_args()
    if not shutil.which("ctags"):
        print("SKIP: universal-ctags is not installed (scripts/setup installs it)")
        return SKIP
    paths = c_sources(args.source_dir)
    want = ctags_functions(paths)
    rows, failures = chunk_files(args.chunkls, paths, ["--language", "c"])
    both = ctags_only = ours_only = 0
    examples = []
    for path in paths:
        got = collections.Counter()
        for row in rows.get(path, []):
            if row["kind"] == "function":
                got[(row["name"], row["selection_range"]["start"]["line"] + 1)] += 1
        w = want.get(path, collections.Counter())
        both += sum((w & got).values())
        ctags_only += sum((w - got).values())
        ours_only += sum((got - w).values())
        for (name, line) in list((w - got).keys())[:2]:
            examples.append(f"   ctags only: {path}:{line} {name}")
        for (name, line) in list((got - w).keys())[:2]:
            examples.append(f"   chunkls only: {path}:{line} {name}")
    total = both + ctags_only + ours_only
    agreement = 100.0 * both / max(total, 1)
    print(f"C files: {len(paths)} (chunkls failures: {len(failures)})")
    print(f"function definitions: both {both}, ctags only {ctags_only}, chunkls only {ours_only}")
    print(f"agreement (both / union): {agreement:.2f} % (floor {args.floor} %)")
    for line in examples[:30]:
        print(line)
    if total == 0:
        print("SKIP: no C functions found")
        return SKIP
    return 0 if agreement >= args.floor else 1


if __name__ == "__main__":
    sys.exit(main())
