#!/usr/bin/env python3
"""The soak: one chunkls server under random edits and requests for a long time.

Starts SERVER on WORKSPACE (a workspace folder, so the live indexer walks it and
watches it with inotify), opens 50 documents and, until DURATION runs out, does at a
bounded rate: random edits (typing at a cursor, jumps, deletions, now and then the whole
text back to the file's), requests (documentSymbol, foldingRange, selectionRange,
workspace/symbol, chunkls/stats), closes and reopens documents, and touches files on
disk (a line added then removed, files created and deleted, now and then chunkls/reindex)
so the indexer keeps working. Every answer is checked: no error, positions inside the
text the client had, ranges nested, a selectionRange chain around its position. Every
FRESH_EVERY seconds one document's documentSymbol and foldingRange are compared with a
fresh server's for the same text, and files created on disk must show up in
workspace/symbol. Every SAMPLE_EVERY seconds the server's RSS, open descriptors and
threads (/proc) and its own memory numbers (chunkls/stats) go into CSV.

Exits 0 when every answer was valid, every check passed and the server exited 0 after
shutdown/exit; 1 otherwise. The summary (JSON) goes to --summary.

Usage: soak_driver.py --binary build/chunkls --workspace DIR --cache DIR --csv FILE
                      --summary FILE [--duration SECONDS] [--seed N] [--log FILE]
                      [--server-arg ARG]...
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time

DOCUMENTS = 50
SYMBOL_KINDS = range(1, 27)
FOLD_KINDS = {"comment", "imports", "region"}
LANGUAGE_IDS = {".py": "python", ".c": "c", ".h": "c"}


class ServerGone(Exception):
    pass


class Client:
    """An LSP client over a child's pipes, usable from several threads: a reader thread
    files responses by id, answers the server's requests (progress tokens) and counts
    notifications."""

    def __init__(self, argv, log_path=None):
        stderr = open(log_path, "ab") if log_path else subprocess.DEVNULL
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr)
        self.write_lock = threading.Lock()
        self.state = threading.Condition()
        self.responses = {}
        self.next_id = 1
        self.gone = False
        self.notifications = {}
        self.errors_shown = []
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def _read_frame(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        body = self.proc.stdout.read(length)
        return None if len(body) != length else json.loads(body)

    def _read_loop(self):
        try:
            while True:
                message = self._read_frame()
                if message is None:
                    break
                if "method" in message and "id" in message:
                    # window/workDoneProgress/create and the like: accept.
                    self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                elif "method" in message:
                    method = message["method"]
                    with self.state:
                        self.notifications[method] = self.notifications.get(method, 0) + 1
                        if method == "window/showMessage" and message["params"].get("type") == 1:
                            self.errors_shown.append(message["params"].get("message"))
                else:
                    with self.state:
                        self.responses[message.get("id")] = message
                        self.state.notify_all()
        except (OSError, ValueError):
            pass
        with self.state:
            self.gone = True
            self.state.notify_all()

    def send(self, message):
        body = json.dumps(message).encode()
        with self.write_lock:
            try:
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError) as e:
                raise ServerGone(str(e))

    def notify(self, method, params=None):
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def request(self, method, params=None, timeout=120):
        with self.state:
            ident = self.next_id
            self.next_id += 1
        message = {"jsonrpc": "2.0", "id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        deadline = time.monotonic() + timeout
        with self.state:
            while ident not in self.responses:
                if self.gone:
                    raise ServerGone(f"no answer to {method}: the server closed its output")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise ServerGone(f"no answer to {method} within {timeout} s")
                self.state.wait(left)
            return self.responses.pop(ident)

    def stop(self, timeout=60):
        try:
            self.request("shutdown", timeout=timeout)
            self.notify("exit")
        except ServerGone:
            pass
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return None


def capabilities():
    return {"general": {"positionEncodings": ["utf-8"]},
            "window": {"workDoneProgress": True},
            "workspace": {"workspaceFolders": True,
                          "didChangeWatchedFiles": {"dynamicRegistration": False}},
            "textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": True},
                             "foldingRange": {"lineFoldingOnly": False}}}


def initialize(client, root=None):
    params = {"processId": os.getpid(), "capabilities": capabilities(), "rootUri": None}
    if root:
        uri = "file://" + root
        params.update(rootUri=uri, workspaceFolders=[{"uri": uri, "name": "soak"}])
    answer = client.request("initialize", params)
    if "result" not in answer:
        raise ServerGone(f"initialize failed: {answer}")
    client.notify("initialized", {})


# ---- The client's copy of a document, and the checks of the answers ---------------------

class Document:
    def __init__(self, path, text):
        self.path = path
        self.uri = "file://" + path
        self.language = LANGUAGE_IDS[os.path.splitext(path)[1]]
        self.original = text
        self.text = text
        self.version = 1
        self.cursor = 0

    def line_lengths(self):
        return [len(line) for line in self.text.split(b"\n")]

    def position(self, offset):
        line = self.text.count(b"\n", 0, offset)
        start = self.text.rfind(b"\n", 0, offset) + 1
        return {"line": line, "character": offset - start}

    def boundary(self, offset):
        """The nearest character start at or before offset (columns are utf-8 bytes)."""
        offset = max(0, min(offset, len(self.text)))
        while 0 < offset < len(self.text) and 0x80 <= self.text[offset] < 0xC0:
            offset -= 1
        return offset


def position_ok(position, lengths):
    line, character = position["line"], position["character"]
    return 0 <= line < len(lengths) and 0 <= character <= lengths[line]


def before_or_at(a, b):
    return (a["line"], a["character"]) <= (b["line"], b["character"])


def range_ok(r, lengths):
    return position_ok(r["start"], lengths) and position_ok(r["end"], lengths) and \
        before_or_at(r["start"], r["end"])


def contains(outer, inner):
    return before_or_at(outer["start"], inner["start"]) and before_or_at(inner["end"], outer["end"])


def check_symbols(symbols, lengths, parent=None):
    if not isinstance(symbols, list):
        return "not a list"
    for s in symbols:
        if not isinstance(s.get("name"), str) or not s["name"]:
            return f"symbol without a name: {s}"
        if s.get("kind") not in SYMBOL_KINDS:
            return f"bad kind {s.get('kind')}"
        if not range_ok(s["range"], lengths) or not range_ok(s["selectionRange"], lengths):
            return f"range outside the text: {s['name']} {s['range']}"
        if not contains(s["range"], s["selectionRange"]):
            return f"selectionRange outside range: {s['name']}"
        if parent is not None and not contains(parent["range"], s["range"]):
            return f"child {s['name']} outside its parent {parent['name']}"
        problem = check_symbols(s.get("children", []), lengths, s)
        if problem:
            return problem
    return None


def check_folds(folds, lengths):
    if not isinstance(folds, list):
        return "not a list"
    starts = set()
    for f in folds:
        if not 0 <= f["startLine"] < f["endLine"] < len(lengths):
            return f"bad fold {f}"
        if "kind" in f and f["kind"] not in FOLD_KINDS:
            return f"bad fold kind {f}"
        if f["startLine"] in starts:
            return f"two folds start on line {f['startLine']}"
        starts.add(f["startLine"])
    return None


def check_selections(selections, positions, lengths):
    if not isinstance(selections, list) or len(selections) != len(positions):
        return "not one selection range per position"
    for selection, position in zip(selections, positions):
        if not contains(selection["range"], {"start": position, "end": position}):
            return f"innermost range {selection['range']} misses {position}"
        while selection is not None:
            if not range_ok(selection["range"], lengths):
                return f"selection range outside the text: {selection['range']}"
            parent = selection.get("parent")
            if parent is not None and not contains(parent["range"], selection["range"]):
                return "a parent selection range does not hold its child"
            selection = parent
    return None


def check_workspace_symbols(symbols):
    if not isinstance(symbols, list):
        return "not a list"
    for s in symbols:
        location = s.get("location", {})
        if not s.get("name") or s.get("kind") not in SYMBOL_KINDS or \
                not location.get("uri", "").startswith("file:///"):
            return f"bad workspace symbol {s}"
        r = location["range"]
        if not before_or_at(r["start"], r["end"]):
            return f"bad workspace symbol range {s}"
    return None


# ---- Edits -------------------------------------------------------------------------------

SNIPPETS = [b"x", b"_", b"a", b"1", b" ", b"\n", b"(", b")", b"{", b"}", b":", b"\"", b"#",
            b"\n    ", b"def soak_%d(self):\n    return %d\n",
            b"class Soak%d:\n    pass\n", b"int soak_%d(void) { return %d; }\n",
            b"/* soak %d */", b"# soak %d\n", "é€𝄞".encode()]


def random_edit(rng, doc):
    """One content change (and applies it to the client's copy)."""
    if rng.random() < 0.2:
        doc.cursor = doc.boundary(rng.randrange(len(doc.text) + 1))
    start = doc.boundary(doc.cursor)
    if rng.random() < 0.3:
        end = doc.boundary(min(len(doc.text), start + rng.choice([1, 1, 2, 5, 40, 300])))
        if end <= start:
            end = start
    else:
        end = start
    snippet = rng.choice(SNIPPETS)
    if b"%d" in snippet:
        n = rng.randrange(100000)
        snippet = snippet % ((n,) * snippet.count(b"%d"))
    if rng.random() < 0.3:
        snippet = b""  # a deletion
    change = {"range": {"start": doc.position(start), "end": doc.position(end)},
              "text": snippet.decode()}
    doc.text = doc.text[:start] + snippet + doc.text[end:]
    doc.cursor = start + len(snippet)
    return change


# ---- The soak ----------------------------------------------------------------------------

class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.root = os.path.realpath(args.workspace)
        self.counts = {}
        self.invalid = []
        self.fresh_checks = 0
        self.index_checks = 0
        self.created = []  # (path, marker, created at, checked)
        self.touched = {}  # path -> original bytes of a file with a line added
        self.serial = 0
        self.samples = []
        self.stop_sampling = threading.Event()
        sources = []
        for directory, dirs, files in os.walk(self.root):
            dirs.sort()
            for name in sorted(files):
                if os.path.splitext(name)[1] in LANGUAGE_IDS:
                    sources.append(os.path.join(directory, name))
        self.sources = sources

    def count(self, what):
        self.counts[what] = self.counts.get(what, 0) + 1

    def fail(self, what, problem):
        self.invalid.append(f"{what}: {problem}")
        print(f"soak: INVALID {what}: {problem}", file=sys.stderr, flush=True)

    def readable(self, path):
        try:
            with open(path, "rb") as f:
                text = f.read()
            text.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        if b"\r" in text or not 2000 <= len(text) <= 200000:
            return None
        return text

    def open_document(self, path):
        text = self.readable(path)
        if text is None:
            return None
        doc = Document(path, text)
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": doc.uri, "languageId": doc.language, "version": 1, "text": text.decode()}})
        self.count("didOpen")
        return doc

    def answer(self, what, method, params):
        response = self.client.request(method, params)
        self.count(method)
        if "error" in response:
            self.fail(what, f"error {response['error']}")
            return None
        return response["result"]

    # One step of the loop, chosen at random. Outside `typing` stretches no edit is sent:
    # each edit holds the indexer for 300 ms, so constant typing would starve it.
    def step(self, typing):
        r = self.rng.random()
        if not typing and r < 0.55:
            r = 0.55 + r / 0.55 * 0.45
        doc = self.rng.choice(self.docs)
        identity = {"textDocument": {"uri": doc.uri}}
        what = f"{os.path.relpath(doc.path, self.root)} v{doc.version}"
        if r < 0.55:
            if len(doc.text) > 2 * len(doc.original) + 20000 or self.rng.random() < 0.005:
                doc.text = doc.original  # the whole text, as a client's "revert file"
                doc.cursor = 0
                changes = [{"text": doc.text.decode()}]
            else:
                changes = [random_edit(self.rng, doc) for _ in range(self.rng.choice([1, 1, 1, 3]))]
            doc.version += 1
            self.client.notify("textDocument/didChange", {
                "textDocument": {"uri": doc.uri, "version": doc.version},
                "contentChanges": changes})
            self.count("didChange")
        elif r < 0.70:
            result = self.answer(what, "textDocument/documentSymbol", identity)
            if result is not None and (p := check_symbols(result, doc.line_lengths())):
                self.fail(what + " documentSymbol", p)
        elif r < 0.80:
            result = self.answer(what, "textDocument/foldingRange", identity)
            if result is not None and (p := check_folds(result, doc.line_lengths())):
                self.fail(what + " foldingRange", p)
        elif r < 0.88:
            positions = [doc.position(doc.boundary(self.rng.randrange(len(doc.text) + 1)))
                         for _ in range(self.rng.randrange(1, 4))]
            result = self.answer(what, "textDocument/selectionRange",
                                 dict(identity, positions=positions))
            if result is not None and \
                    (p := check_selections(result, positions, doc.line_lengths())):
                self.fail(what + " selectionRange", p)
        elif r < 0.95:
            query = self.rng.choice(["", "soak", "parse", "Sym", "get", "init", "str", "_", "x",
                                     "Request", "encode", "mime"])
            result = self.answer(f"workspace/symbol {query!r}", "workspace/symbol",
                                 {"query": query})
            if result is not None and (p := check_workspace_symbols(result)):
                self.fail(f"workspace/symbol {query!r}", p)
        elif r < 0.97:
            stats = self.answer("chunkls/stats", "chunkls/stats", None)
            if stats is not None and not isinstance(stats.get("memory", {}).get("rssBytes"), int):
                self.fail("chunkls/stats", "no memory.rssBytes")
        else:
            # Close a document and open another file in its place.
            self.client.notify("textDocument/didClose", identity)
            self.count("didClose")
            open_paths = {d.path for d in self.docs}
            for _ in range(20):
                path = self.rng.choice(self.sources)
                if path in open_paths:
                    continue
                new = self.open_document(path)
                if new is not None:
                    self.docs[self.docs.index(doc)] = new
                    return
            self.docs[self.docs.index(doc)] = self.open_document(doc.path) or doc

    # Disk activity for the live indexer.
    def touch_disk(self):
        self.serial += 1
        r = self.rng.random()
        if r < 0.6:
            path = self.rng.choice(self.sources)
            if any(d.path == path for d in self.docs):
                return
            if path in self.touched:
                with open(path, "wb") as f:
                    f.write(self.touched.pop(path))
            else:
                with open(path, "rb") as f:
                    original = f.read()
                line = b"\ndef soak_touch_%d():\n    pass\n" if path.endswith(".py") else \
                    b"\nint soak_touch_%d(void);\n"
                with open(path, "wb") as f:
                    f.write(original + line % self.serial)
                self.touched[path] = original
            self.count("fileTouched")
        elif r < 0.9 and len(self.created) < 20:
            directory = os.path.dirname(self.rng.choice(self.sources))
            marker = f"soak_marker_{self.args.seed}_{self.serial}"
            path = os.path.join(directory, f"{marker}.py")
            with open(path, "w") as f:
                f.write(f"def {marker}(x):\n    return x\n\n\nclass Soak{self.serial}:\n"
                        f"    def method(self):\n        pass\n")
            self.created.append([path, marker, time.monotonic(), False])
            self.count("fileCreated")
        elif r < 0.99:
            checked = [c for c in self.created if c[3]]
            if checked:
                victim = self.rng.choice(checked)
                os.unlink(victim[0])
                self.created.remove(victim)
                self.count("fileDeleted")
        else:
            self.answer("chunkls/reindex", "chunkls/reindex", None)

    def check_created_files(self):
        """A file created on disk reaches workspace/symbol (polled: the indexer is niced)."""
        for entry in self.created:
            path, marker, since, checked = entry
            if checked or time.monotonic() - since < 2:
                continue
            result = self.answer(f"workspace/symbol {marker}", "workspace/symbol",
                                 {"query": marker})
            if result is None:
                continue
            if any(s["name"] == marker and s["location"]["uri"] == "file://" + path
                   for s in result):
                entry[3] = True
                self.index_checks += 1
            elif time.monotonic() - since > 300:
                self.fail(f"index {marker}", "a file created 300 s ago is not in workspace/symbol")
                entry[3] = True

    def check_against_fresh(self):
        """One document's answers against a fresh server's for the same text."""
        doc = self.rng.choice(self.docs)
        identity = {"textDocument": {"uri": doc.uri}}
        ours = (self.answer("fresh check", "textDocument/documentSymbol", identity),
                self.answer("fresh check", "textDocument/foldingRange", identity))
        fresh = Client([self.args.binary, "--no-index", "--log-level", "error"])
        try:
            initialize(fresh)
            fresh.notify("textDocument/didOpen", {"textDocument": {
                "uri": doc.uri, "languageId": doc.language, "version": 1,
                "text": doc.text.decode()}})
            theirs = (fresh.request("textDocument/documentSymbol", identity).get("result"),
                      fresh.request("textDocument/foldingRange", identity).get("result"))
        finally:
            fresh.stop()
        self.fresh_checks += 1
        if ours != theirs:
            self.fail(f"{os.path.relpath(doc.path, self.root)} v{doc.version}",
                      "answers differ from a fresh server's for the same text")
            with open(self.args.csv + f".mismatch-{self.fresh_checks}.txt", "wb") as f:
                f.write(doc.text)

    def sample(self, started):
        pid = self.client.proc.pid
        status = {}
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                status[key] = value.strip()
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        stats = self.client.request("chunkls/stats").get("result", {})
        memory = stats.get("memory", {})
        index = stats.get("index", {})
        row = {"seconds": round(time.monotonic() - started, 1),
               "rss_kib": int(status["VmRSS"].split()[0]),
               "fds": fds,
               "threads": int(status["Threads"]),
               "heap_kib": memory.get("heapBytes", 0) // 1024,
               "cached_kib": memory.get("cachedBytes", 0) // 1024,
               "open_documents": stats.get("documents", {}).get("open", 0),
               "text_kib": stats.get("documents", {}).get("textBytes", 0) // 1024,
               "index_files": index.get("symbols", {}).get("files", 0),
               "index_symbols": index.get("symbols", {}).get("symbols", 0),
               "operations": sum(self.counts.values()),
               "invalid": len(self.invalid)}
        for level in ("trees", "chunks", "files", "constructs"):
            row[f"cache_{level}_kib"] = stats.get("caches", {}).get(level, {}).get("bytes", 0) // 1024
        self.samples.append(row)
        return row

    def sampler(self, started, out):
        while not self.stop_sampling.wait(self.args.sample_every):
            try:
                row = self.sample(started)
            except (ServerGone, OSError) as e:
                self.fail("sampling", str(e))
                return
            out.write(",".join(str(v) for v in row.values()) + "\n")
            out.flush()

    def wait_index_idle(self, timeout=1800):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            index = self.client.request("chunkls/stats")["result"].get("index", {})
            if index.get("idle") and index.get("found", 0) > 0:
                return index
            time.sleep(1)
        raise ServerGone("the first indexing did not end")

    def run(self):
        args = self.args
        argv = [args.binary, "--index-cache", args.cache, "--log-level", "warn"] + args.server_arg
        self.client = Client(argv, args.log)
        initialize(self.client, self.root)
        index = self.wait_index_idle()
        print(f"soak: workspace indexed: {index.get('done')} files", file=sys.stderr, flush=True)
        self.docs = []
        candidates = list(self.sources)
        self.rng.shuffle(candidates)
        python = [p for p in candidates if p.endswith(".py")]
        c = [p for p in candidates if not p.endswith(".py")]
        for path in c[:100] + python:
            if len(self.docs) == DOCUMENTS:
                break
            if sum(d.language == "c" for d in self.docs) >= 10 and path.endswith((".c", ".h")):
                continue
            doc = self.open_document(path)
            if doc is not None:
                self.docs.append(doc)
        for doc in self.docs:  # every document chunked once before the first sample
            self.answer("open", "textDocument/documentSymbol", {"textDocument": {"uri": doc.uri}})
        started = time.monotonic()
        with open(args.csv, "w") as out:
            row = self.sample(started)
            out.write(",".join(row.keys()) + "\n" + ",".join(str(v) for v in row.values()) + "\n")
            out.flush()
            sampler = threading.Thread(target=self.sampler, args=(started, out), daemon=True)
            sampler.start()
            end = started + args.duration
            next_disk = next_fresh = next_report = started
            period = 1.0 / args.rate
            next_step = time.monotonic()
            try:
                while (now := time.monotonic()) < end:
                    if now >= next_disk:
                        self.touch_disk()
                        self.check_created_files()
                        next_disk = now + args.disk_every
                    if now >= next_fresh:
                        self.check_against_fresh()
                        next_fresh = now + args.fresh_every
                    if now >= next_report:
                        last = self.samples[-1]
                        print(f"soak: {now - started:6.0f} s  rss {last['rss_kib'] / 1024:.1f} MiB"
                              f"  fds {last['fds']}  threads {last['threads']}"
                              f"  operations {sum(self.counts.values())}"
                              f"  invalid {len(self.invalid)}", file=sys.stderr, flush=True)
                        next_report = now + 60
                    self.step(typing=(now - started) % args.typing_cycle < args.typing_cycle * 0.6)
                    next_step += period
                    delay = next_step - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
                    else:
                        next_step = time.monotonic()  # behind: no burst to catch up
            except ServerGone as e:
                self.fail("server", str(e))
            self.stop_sampling.set()
            sampler.join()
            if self.client.proc.poll() is None:
                try:
                    last = self.sample(started)
                    out.write(",".join(str(v) for v in last.values()) + "\n")
                except (ServerGone, OSError) as e:
                    self.fail("sampling", str(e))
        exit_code = self.client.stop()
        for path, original in self.touched.items():
            with open(path, "wb") as f:
                f.write(original)
        for path, *_ in self.created:
            os.unlink(path)
        return exit_code


def summarize(soak, exit_code, args):
    samples = soak.samples
    rss = [s["rss_kib"] for s in samples]
    half = samples[len(samples) // 2:]
    slope = 0.0
    if len(half) >= 3:
        xs = [s["seconds"] / 60 for s in half]
        ys = [s["rss_kib"] / 1024 for s in half]
        mx, my = statistics.fmean(xs), statistics.fmean(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / \
            sum((x - mx) ** 2 for x in xs)
    def at(minutes):
        for s in samples:
            if s["seconds"] >= minutes * 60:
                return round(s["rss_kib"] / 1024, 1)
        return None
    return {
        "seed": args.seed, "durationSeconds": args.duration, "rate": args.rate,
        "serverArgs": args.server_arg,
        "operations": soak.counts, "invalidAnswers": len(soak.invalid),
        "invalid": soak.invalid[:20], "freshChecks": soak.fresh_checks,
        "indexChecks": soak.index_checks, "errorsShown": soak.client.errors_shown[:20],
        "notifications": soak.client.notifications, "serverExitCode": exit_code,
        "samples": len(samples),
        "rssMiB": {"start": round(rss[0] / 1024, 1), "at5min": at(5), "at10min": at(10),
                   "at20min": at(20), "end": round(rss[-1] / 1024, 1),
                   "max": round(max(rss) / 1024, 1),
                   "secondHalfMedian": round(statistics.median(s["rss_kib"] for s in half) / 1024, 1),
                   "secondHalfSlopeMiBPerMin": round(slope, 3)},
        "fds": {"start": samples[0]["fds"], "end": samples[-1]["fds"],
                "min": min(s["fds"] for s in samples), "max": max(s["fds"] for s in samples)},
        "threads": {"start": samples[0]["threads"], "end": samples[-1]["threads"],
                    "min": min(s["threads"] for s in samples),
                    "max": max(s["threads"] for s in samples)},
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default="build/chunkls")
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--cache", required=True, help="the index store directory")
    parser.add_argument("--csv", required=True)
    parser.add_argument("--summary", required=True)
    parser.add_argument("--log", help="the server's standard error")
    parser.add_argument("--duration", type=float, default=1800)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=float, default=40, help="steps per second at most")
    parser.add_argument("--sample-every", type=float, default=5)
    parser.add_argument("--disk-every", type=float, default=2)
    parser.add_argument("--fresh-every", type=float, default=30)
    parser.add_argument("--server-arg", action="append", default=[],
                        help="one more argument for the server (repeatable)")
    parser.add_argument("--typing-cycle", type=float, default=5,
                        help="seconds of a cycle: edits in its first 60 %%, none in the rest")
    args = parser.parse_args()
    soak = Soak(args)
    print(f"soak: seed {args.seed}, {len(soak.sources)} source files, {args.duration:.0f} s",
          file=sys.stderr, flush=True)
    exit_code = soak.run()
    summary = summarize(soak, exit_code, args)
    with open(args.summary, "w") as f:
        json.dump(summary, f, indent=1)
    print(json.dumps(summary, indent=1))
    ok = not soak.invalid and exit_code == 0 and soak.fresh_checks > 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
