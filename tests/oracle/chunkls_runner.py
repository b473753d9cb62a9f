"""Runs `chunkls chunk --format jsonl` over many files in batches and groups the rows
by path. Shared by the oracle tests."""
import collections
import json
import subprocess


def chunk_files(chunkls, paths, extra_args=(), batch=200):
    rows = collections.defaultdict(list)
    failures = {}
    for i in range(0, len(paths), batch):
        part = paths[i:i + batch]
        proc = subprocess.run([chunkls, "chunk", "--format", "jsonl", "--max-size", "0", *extra_args, *part],
                              capture_output=True, check=False)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"chunkls exited {proc.returncode}: {proc.stderr.decode(errors='replace')[:2000]}")
        for line in proc.stderr.decode(errors="replace").splitlines():
            if line.startswith("chunkls: "):
                path, _, reason = line[len("chunkls: "):].partition(": ")
                failures[path] = reason
        for line in proc.stdout.splitlines():
            row = json.loads(line)
            rows[row["path"]].append(row)
    return rows, failures
