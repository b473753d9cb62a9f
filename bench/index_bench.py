#!/usr/bin/env python3
"""Workspace indexing, measured side by side in one run (medians of --reps runs).

For each TREE:
- cold index throughput: `chunkls index --no-cache` against raw tree-sitter parsing of
  the same files on the same threads (bench/parse_tree; target >= 0.8x), and against
  `ctags -R` over the same tree (universal-ctags; it reads every file it knows);
- warm restart: `chunkls index --cache` a second time (stats and store reads only),
  against ctags cold (target >= 10x faster), and the server's time from `initialized`
  until its index is warm (idle) with the same store;
- the server after indexing: resident memory per source MB (target <= 0.5 x source
  bytes), symbols held, workspace/symbol latency p50/p99 over a set of queries (target
  p99 <= 10 ms);
- documentSymbol after an edit while the indexer runs, against the same when it is idle
  (target p99 <= 2x), on --reps fresh servers (medians of their p99s).

Usage: bench/index_bench.py [--build build] [--jobs 2] [--reps 3] TREE...
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_memory import notify, receive, send  # noqa: E402

BUSY_AFTER = 1000  # files done before the typing measured "while indexing" starts
QUERIES = ["init", "main", "gsi", "parse", "Shape.area", "get", "read_", "xq", "dev_", "open",
           "probe", "tokenize", "Ordered", "ioctl", "qqqzzz", "__init__", "run", "struct", "mk",
           "free"]


def timed(argv):
    start = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {result.stderr[-2000:]}")
    return elapsed, result.stdout + result.stderr


def median_of(reps, argv):
    runs = [timed(argv) for _ in range(reps)]
    return statistics.median(r[0] for r in runs), runs[-1][1]


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Server:
    def __init__(self, binary, root, cache, progress=False):
        self.proc = subprocess.Popen([binary, "--index-cache", cache, "--log-level", "warn"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        self.next_id = 1
        uri = "file://" + os.path.abspath(root)
        caps = {"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True}},
                "general": {"positionEncodings": ["utf-8"]}}
        self.request("initialize", {"processId": None, "rootUri": uri, "capabilities": caps,
                                    "workspaceFolders": [{"uri": uri, "name": "bench"}]})
        self.started = time.perf_counter()
        notify(self.proc, "initialized", {})

    def request(self, method, params=None):
        ident = self.next_id
        self.next_id += 1
        message = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        send(self.proc, message)
        while True:
            message = receive(self.proc)
            if message.get("id") == ident and "method" not in message:
                return message.get("result")

    def wait_idle(self):
        while True:
            index = self.request("chunkls/stats")["index"]
            if index["idle"]:
                return time.perf_counter() - self.started, index
            time.sleep(0.02)

    def stop(self):
        self.request("shutdown")
        notify(self.proc, "exit")
        self.proc.wait(timeout=30)


def symbol_latencies(server, rounds=10):
    samples = []
    for _ in range(rounds):
        for query in QUERIES:
            start = time.perf_counter()
            server.request("workspace/symbol", {"query": query})
            samples.append((time.perf_counter() - start) * 1000)
    return samples


def edit_latencies(server, path, count):
    uri = "file://" + path
    text = open(path, encoding="utf-8", errors="replace").read()
    notify(server.proc, "textDocument/didOpen",
           {"textDocument": {"uri": uri, "languageId": "python" if path.endswith(".py") else "c",
                             "version": 1, "text": text}})
    server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    samples = []
    for version in range(2, count + 2):
        inserting = version % 2 == 0
        change = {"range": {"start": {"line": 0, "character": 0},
                            "end": {"line": 0, "character": 0 if inserting else 1}},
                  "text": " " if inserting else ""}
        start = time.perf_counter()
        notify(server.proc, "textDocument/didChange",
               {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
        server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
        samples.append((time.perf_counter() - start) * 1000)
    notify(server.proc, "textDocument/didClose", {"textDocument": {"uri": uri}})
    return samples


def largest_source(tree):
    best = (0, None)
    for directory, _, files in os.walk(tree):
        for name in files:
            if name.endswith((".py", ".c")):
                path = os.path.join(directory, name)
                size = os.path.getsize(path)
                if 100_000 < size < 400_000 and size > best[0]:
                    best = (size, path)
    return best[1]


def bench_tree(args, tree):
    chunkls = os.path.join(args.build, "chunkls")
    parse_tree = os.path.join(args.build, "bench", "parse_tree")
    jobs = str(args.jobs)
    print(f"== {tree}")
    parse_s, parse_out = median_of(args.reps, [parse_tree, tree, "--jobs", jobs])
    parse_bytes = int(re.search(r"(\d+) bytes", parse_out).group(1))
    index_s, index_out = median_of(args.reps, [chunkls, "index", tree, "--no-cache", "--jobs", jobs, "--quiet"])
    tags = tempfile.NamedTemporaryFile(prefix="chunkls-bench-tags-", delete=False).name
    ctags_s, _ = median_of(args.reps, ["ctags", "-R", "-f", tags, tree])
    os.unlink(tags)
    indexed_bytes = re.search(r"bytes ([\d.]+) MB", index_out).group(1)
    print(f"raw parse ({jobs} threads): {parse_s:.2f} s, {parse_bytes / 1e6 / parse_s:.1f} MB/s")
    print(f"chunkls index --no-cache ({jobs} threads): {index_s:.2f} s, "
          f"{parse_bytes / 1e6 / index_s:.1f} MB/s ({indexed_bytes} MB indexed); "
          f"throughput / raw parse = {parse_s / index_s:.2f} (target >= 0.8)")
    print(f"ctags -R: {ctags_s:.2f} s; chunkls index cold / ctags = {index_s / ctags_s:.2f}x the time")
    cache = tempfile.mkdtemp(prefix="chunkls-bench-cache-")
    try:
        timed([chunkls, "index", tree, "--cache", cache, "--jobs", jobs, "--quiet"])
        warm_s, warm_out = median_of(args.reps, [chunkls, "index", tree, "--cache", cache, "--jobs", jobs, "--quiet"])
        unchanged = re.search(r"(\d+) unchanged", warm_out).group(1)
        print(f"chunkls index warm (store): {warm_s:.3f} s ({unchanged} files unchanged); "
              f"ctags cold / warm = {ctags_s / warm_s:.1f}x (target >= 10)")
        server_cache = tempfile.mkdtemp(prefix="chunkls-bench-server-")
        try:
            # A cold index until idle, nothing opened: the index's own memory and search.
            server = Server(chunkls, tree, server_cache)
            cold_s, index = server.wait_idle()
            time.sleep(1)  # the idle indexer gives memory back
            rss = server.request("chunkls/stats")["memory"]["rssBytes"]
            symbols = index["symbols"]
            latencies = symbol_latencies(server)
            server.stop()
            print(f"server cold index until idle: {cold_s:.2f} s, {index['done']} files, "
                  f"{symbols['symbols']} symbols ({symbols['memoryBytes'] / 2**20:.1f} MiB)")
            print(f"server RSS after indexing: {rss / 2**20:.1f} MiB = {rss / index['bytes']:.2f} x the "
                  f"{index['bytes'] / 1e6:.1f} MB indexed (target <= 0.5)")
            print(f"workspace/symbol over {symbols['symbols']} symbols: p50 {percentile(latencies, 50):.2f} ms, "
                  f"p99 {percentile(latencies, 99):.2f} ms (target p99 <= 10 ms)")
            restarted = Server(chunkls, tree, server_cache)
            warm_server_s, warm_index = restarted.wait_idle()
            time.sleep(1)
            warm_rss = restarted.request("chunkls/stats")["memory"]["rssBytes"]
            restarted.stop()
            print(f"server restart until warm: {warm_server_s:.3f} s ({warm_index['unchanged']} unchanged, "
                  f"{warm_index['parsed']} parsed); ctags cold / this = {ctags_s / warm_server_s:.1f}x; "
                  f"RSS {warm_rss / 2**20:.1f} MiB = {warm_rss / warm_index['bytes']:.2f} x")
        finally:
            shutil.rmtree(server_cache, ignore_errors=True)
        source = largest_source(tree)
        if source:
            typing_while_indexing(args, chunkls, tree, source)
    finally:
        shutil.rmtree(cache, ignore_errors=True)


def typing_while_indexing(args, chunkls, tree, source):
    """documentSymbol after an edit while a cold index runs, then idle, on fresh servers
    (--reps of them; medians of their p99s). Typing starts once the index is under way
    (BUSY_AFTER files done: the server's start-up, compiling every language's queries, is
    not indexing), and the indexer's work is checked to be still ahead of it."""
    busy_p99, idle_p99, busy_p50, idle_p50 = [], [], [], []
    for _ in range(args.reps):
        cache = tempfile.mkdtemp(prefix="chunkls-bench-typing-")
        try:
            server = Server(chunkls, tree, cache)
            while True:
                index = server.request("chunkls/stats")["index"]
                if index["done"] >= BUSY_AFTER or index["idle"]:
                    break
                time.sleep(0.02)
            busy = edit_latencies(server, source, args.edits)
            still = server.request("chunkls/stats")["index"]
            if still["idle"]:
                print("  (the index finished while typing: busy samples are not all busy)")
            server.wait_idle()
            time.sleep(1)
            idle = edit_latencies(server, source, args.edits)
            server.stop()
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        busy_p99.append(percentile(busy, 99))
        idle_p99.append(percentile(idle, 99))
        busy_p50.append(percentile(busy, 50))
        idle_p50.append(percentile(idle, 50))
    m = statistics.median
    print(f"documentSymbol after an edit ({os.path.basename(source)}, {args.edits} edits, "
          f"medians of {args.reps} servers): while indexing p50 {m(busy_p50):.2f} p99 "
          f"{m(busy_p99):.2f} ms; idle p50 {m(idle_p50):.2f} p99 {m(idle_p99):.2f} ms; "
          f"ratio p99 {m(busy_p99) / m(idle_p99):.2f} (target <= 2); each server's p99 "
          f"busy/idle: {', '.join(f'{b:.2f}/{i:.2f}' for b, i in zip(busy_p99, idle_p99))}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", default="build")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("trees", nargs="+")
    args = parser.parse_args()
    for tree in args.trees:
        bench_tree(args, os.path.abspath(tree))


if __name__ == "__main__":
    main()
