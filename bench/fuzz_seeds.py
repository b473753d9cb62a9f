#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets (tests/fuzz/) into OUT/<target>/, in each
target's input layout (a header, then a real payload): LSP messages and streams built
around the test fixtures and the VS Code client's recorded capabilities, the fixtures
themselves for the document and chunk targets, real .gitignore files, and patches of the
store's database. Deterministic (a fixed random seed). Usage: fuzz_seeds.py SOURCE OUT [GITIGNORE...]"""
import json
import pathlib
import random
import struct
import sys

SOURCE = pathlib.Path(sys.argv[1])
OUT = pathlib.Path(sys.argv[2])
rng = random.Random(12)
# tests/fuzz/fuzz_languages.h: the languages by name.
LANGUAGES = ["bash", "c", "cpp", "go", "java", "javascript", "json", "python", "ruby",
             "rust", "tsx", "typescript"]
FIXTURES = {lang: next((SOURCE / "tests/fixtures" / lang).glob("sample.*[!d]"))
            for lang in LANGUAGES}


def write(target, name, data):
    directory = OUT / target
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def message(method, params, id=None):
    body = {"jsonrpc": "2.0", "method": method, "params": params}
    if id is not None:
        body["id"] = id
    return json.dumps(body, ensure_ascii=False).encode()


def messages():
    caps = json.loads((SOURCE / "editors/vscode/test/vscode-client-capabilities.json").read_text())
    uri = "file:///w/a%20b.py"
    text = FIXTURES["python"].read_text()
    doc = {"uri": uri}
    pos = {"line": 3, "character": 4}
    out = [
        message("initialize", {"processId": 1, "rootUri": "file:///w", "capabilities": caps,
                               "workspaceFolders": [{"uri": "file:///w", "name": "w"}],
                               "initializationOptions": {
                                   "parseTimeLimitMs": 100, "index": {"exclude": ["build/**"]},
                                   "cache": {"trees": {"maxEntries": 3}}}}, 1),
        message("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                          "version": 1, "text": text}}),
        message("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                           "contentChanges": [
                                               {"range": {"start": pos, "end": pos}, "text": "é😀"},
                                               {"text": "whole"}]}),
        message("textDocument/documentSymbol", {"textDocument": doc}, "s"),
        message("textDocument/foldingRange", {"textDocument": doc}, 3),
        message("textDocument/selectionRange", {"textDocument": doc, "positions": [pos]}, 4),
        message("$/cancelRequest", {"id": 4}),
        message("workspace/symbol", {"query": "parse"}, 5),
        message("workspace/didChangeWatchedFiles", {"changes": [{"uri": uri, "type": 2}]}),
        message("workspace/didChangeWorkspaceFolders", {"event": {
            "added": [{"uri": "file:///x", "name": "x"}], "removed": []}}),
        message("window/workDoneProgress/cancel", {"token": 7}),
        message("workspace/didChangeConfiguration", {"settings": {"chunkls": {
            "workspaceSymbol": {"limit": 5}, "index": {"enabled": False}}}}),
        b'{"jsonrpc":"2.0","id":9,"result":null}',
        b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":'
        b'{"uri":"file:///w/x.py","languageId":"python","version":1,"text":"a\\ud83d b \xff"}}}',
    ]
    return out


def main():
    bodies = messages()
    for i, body in enumerate(bodies):
        write("incoming_message", f"message{i:02}", body)
    # frame_decoder: [max body][8 piece sizes] + a stream of frames.
    framed = [b"Content-Length: %d\r\n\r\n" % len(b) + b for b in bodies]
    write("frame_decoder", "all", bytes(9) + b"".join(framed))
    write("frame_decoder", "pieces", bytes([0, 1, 7, 3, 64, 0, 2, 5, 9]) + b"".join(framed[:4]))
    write("frame_decoder", "garbage", bytes([40]) + bytes(8) + b"xyz" + framed[0] +
          b"Content-Length: 5\n\nhello\r\n" + b"Content-Type: x\r\nContent-Length: 99999\r\n\r\n")
    for lang, path in FIXTURES.items():
        text = path.read_bytes()
        index = LANGUAGES.index(lang)
        # document_edit: [language][encoding][limit][edits] per edit 5 bytes + text.
        write("document_edit", f"{lang}", bytes([index, 1, 0, 0]) + text)
        edits = b""
        for _ in range(6):
            inserted = rng.choice([b"", b"x", b"\r\n", b"}\n", b"\xc3\xa9", b"\xf0\x9f\x98\x80",
                                   b"\r", b"def f():\n  pass\n"])
            edits += bytes([rng.randrange(40), rng.randrange(30), rng.randrange(40),
                            rng.randrange(30), rng.randrange(2), len(inserted)]) + inserted
        write("document_edit", f"{lang}_edits", bytes([index, rng.randrange(3), 0, 6]) + edits + text)
        # chunk_update: [language][edits] per edit [start u16][deleted][check][text].
        edits = b""
        for _ in range(5):
            inserted = rng.choice([b"", b"x", b"(", b"}\n", b"class A:\n", b"/*", b"\n\n"])
            edits += struct.pack("<HBB", rng.randrange(len(text)), rng.randrange(20),
                                 1) + bytes([len(inserted)]) + inserted
        write("chunk_update", f"{lang}", bytes([index, 0]) + text)
        write("chunk_update", f"{lang}_edits", bytes([index, 5]) + edits + text)
    # gitignore: [casefold][base][paths] + rule text.
    paths = [b"build/x.o", b"src/main.c", b"node_modules", b"a/b/c/d.py", b"Doc/READ ME.md",
             b".env", b"dist/", b"logs/today.log"]
    header = bytes([0, 0, len(paths)])
    for p in paths:
        header += bytes([len(p)]) + p + bytes([p.endswith(b"/")])
    # The repository's own, and any given on the command line (real projects' files).
    rule_files = [SOURCE / ".gitignore", SOURCE / "editors/vscode/.gitignore"]
    rule_files += [pathlib.Path(p) for p in sys.argv[3:]]
    for i, rules in enumerate(rule_files):
        if rules.exists():
            write("gitignore", f"rules{i:02}", header + rules.read_bytes())
    write("gitignore", "globs", bytes([1]) + header[1:] +
          b"*.o\n!keep.o\n/build/\n**/logs\na/**/d.py\n[a-c]?/*.md\ndoc/**\n\\#x\nfoo\\ \n")
    # store: [flags][patches] + WAL bytes.
    write("store", "pristine", bytes([0, 0]))
    for i in range(6):
        patches = b""
        for _ in range(3):
            offset = rng.randrange(1 << 16)
            patch = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 9)))
            patches += struct.pack("<I", offset)[:3] + bytes([len(patch)]) + patch
        write("store", f"patched{i}", bytes([rng.choice([0, 1, 2 | 40 << 2]), 3]) + patches)


main()
