#!/usr/bin/env python3
"""The server's memory with one real file open, read from chunkls/stats and /proc.

Starts `chunkls` over pipes, waits for the background warm-up (every language's queries
compiled), then opens FILE, asks documentSymbol and foldingRange, closes it and reopens
it, and prints: resident memory idle, with the file open, the peak (VmHWM), malloc's
in-use bytes, and the cache levels' bytes after the close. Medians are not needed: the
numbers are deterministic to within a page or two.

Usage: bench/server_memory.py [--binary build/chunkls] [--wrap 'heaptrack'] FILE LANGUAGE_ID
"""
import argparse
import json
import re
import subprocess
import time


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    header = b""
    while not header.endswith(b"\r\n\r\n"):
        header += proc.stdout.read(1)
    # A profiler may print its banner on the same stream before the first header.
    length = int(re.search(rb"content-length:\s*(\d+)", header, re.IGNORECASE).group(1))
    return json.loads(proc.stdout.read(length))


def request(proc, ident, method, params=None):
    message = {"jsonrpc": "2.0", "id": ident, "method": method}
    if params is not None:
        message["params"] = params
    send(proc, message)
    while True:
        message = receive(proc)
        if message.get("id") == ident:
            return message


def notify(proc, method, params=None):
    message = {"jsonrpc": "2.0", "method": method}
    if params is not None:
        message["params"] = params
    send(proc, message)


def mib(n):
    return f"{n / 2**20:.1f} MiB"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="build/chunkls")
    parser.add_argument("--wrap", default="",
                        help="a profiler command line to run the server under, e.g. 'heaptrack'")
    parser.add_argument("file")
    parser.add_argument("language_id")
    args = parser.parse_args()
    proc = subprocess.Popen(args.wrap.split() + [args.binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    capabilities = {"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True}}}
    request(proc, 1, "initialize", {"processId": None, "rootUri": None, "capabilities": capabilities})
    notify(proc, "initialized", {})
    time.sleep(3)  # the warm-up thread compiles every language's queries
    idle = request(proc, 2, "chunkls/stats", {})["result"]
    text = open(args.file, encoding="utf-8", errors="replace").read()
    uri = "file://" + args.file
    item = {"uri": uri, "languageId": args.language_id, "version": 1, "text": text}
    notify(proc, "textDocument/didOpen", {"textDocument": item})
    symbols = request(proc, 3, "textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    request(proc, 4, "textDocument/foldingRange", {"textDocument": {"uri": uri}})
    opened = request(proc, 5, "chunkls/stats", {})["result"]
    notify(proc, "textDocument/didClose", {"textDocument": {"uri": uri}})
    # The close runs on the document's queue, after the stats request may be answered.
    for attempt in range(100):
        closed = request(proc, 6 + attempt, "chunkls/stats", {})["result"]
        if closed["caches"]["trees"]["entries"] > 0:
            break
        time.sleep(0.05)
    status = open(f"/proc/{proc.pid}/status").read()
    peak_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    request(proc, 1000, "shutdown")
    notify(proc, "exit")
    proc.wait()
    caches = closed["caches"]
    print(f"file: {args.file} ({len(text.encode())} bytes, {len(symbols['result'])} top-level symbols)")
    print(f"idle after warm-up: {mib(idle['memory']['rssBytes'])} resident, "
          f"{mib(idle['memory']['heapBytes'])} heap")
    print(f"file open, answered: {mib(opened['memory']['rssBytes'])} resident, "
          f"{mib(opened['memory']['heapBytes'])} heap; peak {mib(peak_kb * 1024)} (VmHWM)")
    print(f"after close, cached: trees {mib(caches['trees']['bytes'])}, "
          f"chunks {mib(caches['chunks']['bytes'])}, constructs {mib(caches['constructs']['bytes'])}")


if __name__ == "__main__":
    main()
