#!/usr/bin/env python3
"""Oracle: for every .py file of the installed Python's standard library (not
site-packages), the (name, line) of each def / async def / class that Python's own ast
module reports must equal the function, method and class chunks chunkls reports (their
name and the line of their name). Files that ast itself cannot parse are left out.
Prints the agreement; fails below 100 %."""
import argparse
import ast
import collections
import os
import sys
import sysconfig

sys.path.insert(0, os.path.dirname(__file__))
from chunkls_runner import chunk_files  # noqa: E402

SKIP = 77


def stdlib_files(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in ("site-packages", "dist-packages", "__pycache__"))
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


def ast_definitions(path):
    with open(path, "rb") as f:
        source = f.read()
    tree = ast.parse(source, filename=path)
    found = collections.Counter()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found[(node.name, node.lineno)] += 1
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunkls", required=True)
    parser.add_argument("--stdlib", default=sysconfig.get_paths()["stdlib"])
    args = parser.parse_args()
    if not os.path.isdir(args.stdlib):
        print(f"SKIP: no standard library at {args.stdlib}")
        return SKIP

    expected = {}
    unparsable = []
    for path in stdlib_files(args.stdlib):
        try:
            expected[path] = ast_definitions(path)
        except (SyntaxError, ValueError, UnicodeDecodeError):
            unparsable.append(path)
    rows, failures = chunk_files(args.chunkls, sorted(expected), ["--language", "python"])

    agree_files = 0
    agree_defs = total_defs = 0
    mismatches = []
    for path, want in expected.items():
        got = collections.Counter()
        for row in rows.get(path, []):
            if row["kind"] in ("function", "method", "class"):
                got[(row["name"], row["selection_range"]["start"]["line"] + 1)] += 1
        total_defs += sum(want.values())
        agree_defs += sum((want & got).values())
        if got == want and path not in failures:
            agree_files += 1
        else:
            mismatches.append((path, want - got, got - want, failures.get(path)))

    n = len(expected)
    print(f"stdlib: {args.stdlib}")
    print(f"files compared: {n} (left out, ast cannot parse them: {len(unparsable)})")
    print(f"files in full agreement: {agree_files}/{n} = {100.0 * agree_files / max(n, 1):.2f} %")
    print(f"definitions found: {agree_defs}/{total_defs} = {100.0 * agree_defs / max(total_defs, 1):.3f} %")
    for path, missing, extra, failure in mismatches[:25]:
        print(f"MISMATCH {path}" + (f" (chunkls failed: {failure})" if failure else ""))
        for (name, line), _ in sorted(missing.items(), key=lambda kv: kv[0][1])[:8]:
            print(f"   missing  {name} line {line}")
        for (name, line), _ in sorted(extra.items(), key=lambda kv: kv[0][1])[:8]:
            print(f"   extra    {name} line {line}")
    if n == 0:
        print("SKIP: no files")
        return SKIP
    return 0 if agree_files == n else 1


if __name__ == "__main__":
    sys.exit(main())
