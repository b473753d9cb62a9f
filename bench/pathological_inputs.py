#!/usr/bin/env python3
"""Pathological inputs per language: generated files of one shape at two sizes, timed
through `chunkls chunk`, to find shapes whose cost grows faster than their size.

Shapes: runs of line comments (flat and after an indented block), one huge block
comment, one huge string, a long line, deep nesting, many siblings, an unterminated
string at the top (error recovery over the whole file), the same syntax error
repeated, heredocs (bash, ruby) and
template literals (javascript, typescript). For each, the time at SIZE and at 4*SIZE:
a ratio near 4 is linear, near 16 quadratic.

Usage: bench/pathological_inputs.py [--chunkls build/chunkls] [--size 262144]
           [--time-limit-ms 60000] [--only LANG[,LANG]] [--repeat 3]
Prints a Markdown table; a cell "limit" means the parse time limit stopped it.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

class Language:
    """What the generator needs of one language: its file extension, its line comment
    (None: it has none), a small function, and the start and end of a block to nest in."""

    def __init__(self, extension, comment, function, open_block, close_block):
        self.extension = extension
        self.comment = comment
        self.function = function
        self.open_block = open_block
        self.close_block = close_block


LANGUAGES = {
    "python": Language("py", "#", "def f():\n    pass\n", "if x:\n", ""),
    "bash": Language("sh", "#", "f() {\n  true\n}\n", "if true; then\n", "fi\n"),
    "ruby": Language("rb", "#", "def f\n  1\nend\n", "if x\n", "end\n"),
    "c": Language("c", "//", "int f(void) {\n  return 0;\n}\n", "{\n", "}\n"),
    "cpp": Language("cpp", "//", "int f() {\n  return 0;\n}\n", "{\n", "}\n"),
    "go": Language("go", "//", "package p\nfunc f() {\n}\n", "{\n", "}\n"),
    "java": Language("java", "//", "class A {\n  void f() {}\n}\n", "{\n", "}\n"),
    "javascript": Language("js", "//", "function f() {\n  return 0;\n}\n", "{\n", "}\n"),
    "typescript": Language("ts", "//", "function f(): number {\n  return 0;\n}\n", "{\n", "}\n"),
    "tsx": Language("tsx", None, "function f() {\n  return <a/>;\n}\n", "{\n", "}\n"),
    "rust": Language("rs", "//", "fn f() {\n}\n", "{\n", "}\n"),
    "json": Language("json", None, "{\"a\": 1}\n", "[\n", "]\n"),
}

def repeat_to(unit, size):
    return unit * max(1, size // len(unit))


def shapes(language, size):
    spec = LANGUAGES[language]
    head, open_block, close_block = spec.function, spec.open_block, spec.close_block
    out = {}
    comment = spec.comment
    if comment:
        line = comment + " x = compute(a, b) + other(c)\n"
        out["comment run"] = head + repeat_to(line, size)
        # The commented-out block inside an indented body (the Python scanner's case).
        out["indented comment run"] = head.rstrip("\n}").rstrip() + "\n" + repeat_to(
            "    " + line, size) + ("}\n" if head.rstrip().endswith("}") else "")
    if language in ("c", "cpp", "go", "java", "javascript", "typescript", "tsx", "rust"):
        out["block comment"] = head + "/*" + repeat_to(" x = y * z;\n", size) + "*/\n"
    string_open, string_close = {
        "python": ('x = """', '"""\n'), "ruby": ('x = "', '"\n'), "bash": ("x='", "'\n"),
        "json": ('{"a": "', '"}\n'), "go": ("package p\nvar x = `", "`\n"),
        "rust": ('const X: &str = "', '";\n'), "c": ('char *x = "', '";\n'),
        "cpp": ('auto x = R"(', ')";\n'), "java": ('class A { String x = """\n', '"""; }\n'),
    }.get(language, ("var x = '", "';\n"))
    out["long string"] = string_open + repeat_to("abc def\\n ", size) + string_close
    expression = {"python": "x = ", "bash": "echo ", "json": "[", "go": "package p\nvar x = "}
    tail = {"json": "1]\n"}.get(language, "1\n")
    plus = {"bash": "a ", "json": "1,"}.get(language, "a+")
    out["long line"] = expression.get(language, "x = ") + repeat_to(plus, size) + tail
    depth = size // (len(open_block) + len(close_block) + 8)
    depth = min(depth, 20000)
    if language == "python":
        # Python nests by indentation: each level deeper by one space.
        body = "".join(" " * i + "if x:\n" for i in range(min(depth, 4000)))
        out["deep nesting"] = body + " " * min(depth, 4000) + "pass\n"
    else:
        out["deep nesting"] = head + open_block * depth + close_block * depth
    out["many siblings"] = repeat_to(re.sub(r"\bf\(", "g(", head, count=1), size)
    # The same syntax error over and over: tree-sitter's error recovery.
    out["repeated syntax error"] = repeat_to("@@ " + head, size)
    # A misspelled keyword in every definition (`deg f():`, `gn f() {`, `gunction`).
    out["misspelled keyword"] = repeat_to(head.replace("f", "g", 1), size)
    unterminated = {"python": '"""', "json": '"', "bash": "'"}.get(language, '"')
    out["unterminated string"] = unterminated + "\n" + repeat_to(head, size)
    if language == "bash":
        out["heredoc"] = repeat_to("cat <<EOF\nline $x ${y}\nEOF\n", size)
        out["one long heredoc"] = "cat <<EOF\n" + repeat_to("line $x ${y}\n", size) + "EOF\n"
    if language == "ruby":
        out["heredoc"] = repeat_to("x = <<~EOS\n  line #{y}\nEOS\n", size)
        out["one long heredoc"] = "x = <<~EOS\n" + repeat_to("  line #{y}\n", size) + "EOS\n"
    if language in ("javascript", "typescript", "tsx"):
        out["template literal"] = "x = `" + repeat_to("a ${b} c ", size) + "`;\n"
        out["nested template"] = "x = " + "`${" * 2000 + "a" + "}`" * 2000 + ";\n"
    return out


def time_chunk(chunkls, path, language, limit_ms, repeat):
    runs = []
    outcome = "ok"
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(
            [chunkls, "chunk", "--format", "jsonl", "--max-size", "0", "--time-limit",
             str(limit_ms), "--language", language, path],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        runs.append(time.perf_counter() - start)
        if result.returncode != 0 or "time limit" in result.stderr:
            outcome = "limit" if "limit" in result.stderr else f"rc={result.returncode}"
            break
    return statistics.median(runs), outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunkls", default="build/chunkls")
    parser.add_argument("--size", type=int, default=256 * 1024)
    parser.add_argument("--time-limit-ms", type=int, default=60000)
    parser.add_argument("--only", default="")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    languages = args.only.split(",") if args.only else list(LANGUAGES)
    print(f"| language | shape | {args.size // 1024} KiB | {4 * args.size // 1024} KiB | ratio |")
    print("|---|---|---|---|---|")
    worst = []
    with tempfile.TemporaryDirectory() as tmp:
        for language in languages:
            small_shapes = shapes(language, args.size)
            large_shapes = shapes(language, 4 * args.size)
            for shape, small_text in small_shapes.items():
                cells = []
                outcomes = []
                for text in (small_text, large_shapes[shape]):
                    path = os.path.join(tmp, f"input.{LANGUAGES[language].extension}")
                    with open(path, "w", encoding="utf-8") as f:
                        f.write(text)
                    seconds, outcome = time_chunk(args.chunkls, path, language,
                                                  args.time_limit_ms, args.repeat)
                    cells.append(seconds)
                    outcomes.append(outcome)
                ratio = cells[1] / cells[0] if cells[0] > 0 else float("inf")
                shown = [f"{c * 1000:.0f} ms" + ("" if o == "ok" else f" ({o})")
                         for c, o in zip(cells, outcomes)]
                print(f"| {language} | {shape} | {shown[0]} | {shown[1]} | {ratio:.1f} |",
                      flush=True)
                worst.append((cells[1], language, shape, ratio))
    worst.sort(reverse=True)
    print("\nslowest at the larger size:", file=sys.stderr)
    for seconds, language, shape, ratio in worst[:8]:
        print(f"  {language} {shape}: {seconds:.2f} s (x{ratio:.1f})", file=sys.stderr)


if __name__ == "__main__":
    main()
