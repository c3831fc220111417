"""The keystroke parse alone, in process: backend-ls's DocumentParser (statements re-parsed and
spliced) against parso's diff parser, on the same edits of a generated module. Prints figures;
asserts nothing.

    python benchmarks/parse.py [--edits N] [--freeze]

Edits, each made and then taken back: `valid` puts an "x" after the first name of an assignment in
a function body (as run.py's keystrokes do); `broken` puts there one of a few pieces of code half
typed (an open bracket or string, a `def`, a colon, ...); `enter` breaks the line (lines move).
`--freeze` moves the parse trees out of the garbage collector's sight first (gc.freeze), which
removes its pauses from the figures. Each figure is given as wall-clock time and as the CPU time
of the parsing thread: on a busy machine the first also counts waits for a core.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import module_source  # noqa: E402
from run import body_lines, percentile  # noqa: E402

from backend_ls.analysis import grammar  # noqa: E402
from backend_ls.documents import DocumentParser  # noqa: E402

BROKEN = ["(", "[", "{", '"', "'''", ":", "def ", "\\", " if x", "\n    if x", "\n@app.route(", "\nclass C("]


class DiffParser:
    """What the keystroke path used before: parso's diff parser with its cache of trees by path."""

    def parse(self, key: str, text: str):
        return grammar().parse(text, error_recovery=True, diff_cache=True, cache=False, path=key)


def edits(text: str, kind: str, count: int) -> list[str]:
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    texts = []
    for number, (line, column) in enumerate(random.Random(7).sample(body_lines(text), k=count // 2)):
        at = offsets[line] + column
        if kind == "enter":
            at = offsets[line + 1] - 1
        piece = {"valid": "x", "enter": "\n    "}.get(kind) or BROKEN[number % len(BROKEN)]
        texts += [text[:at] + piece + text[at:], text]
    return texts


def timed(parser, key: str, texts: list[str]) -> tuple[list[float], list[float], int]:
    """Wall-clock and CPU milliseconds per parse (on a shared machine the wall clock also counts
    the time the process waited for a core), and how many took the statement path."""
    wall, cpu, statements = [], [], 0
    for text in texts:
        started, started_cpu = time.perf_counter(), time.thread_time()
        parser.parse(key, text)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        statements += getattr(parser, "last_parse_kind", None) in ("body", "statements")
    return wall, cpu, statements


def main() -> int:
    options = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    options.add_argument("--edits", type=int, default=200)
    options.add_argument("--freeze", action="store_true", help="gc.freeze() after the first parse")
    args = options.parse_args()
    for size in (2000, 10000):
        text = module_source("orders", size)
        for kind in ("valid", "broken", "enter"):
            texts = edits(text, kind, args.edits)
            row = []
            for name, parser in (("statements", DocumentParser()), ("diff parser", DiffParser())):
                key = f"/bench/{name}/{size}-{kind}.py"
                parser.parse(key, text)
                if args.freeze:
                    gc.freeze()
                wall, cpu, statements = timed(parser, key, texts)
                share = f", {statements}/{len(texts)} on the statement path" if name == "statements" else ""
                row.append(
                    f"{name} p50 {percentile(wall, 0.5):6.2f} p95 {percentile(wall, 0.95):6.2f} ms "
                    f"(CPU {percentile(cpu, 0.5):.2f} / {percentile(cpu, 0.95):.2f}{share})"
                )
                if args.freeze:
                    gc.unfreeze()
            print(f"{size:>6,} lines {kind:<7} " + " | ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
