"""How fast a cold `backend-ls check` could be on this machine at best: parso parsing every file of
a folder, alone and then with the facts layer, in one forked process per core, with nothing read
from or written to a cache, nothing checked and nothing reported. The CLI does all of that and more
(the checks, the cross-file index, the report, its own start), so its cold throughput stays below
the second figure. Prints figures; asserts nothing.

    python benchmarks/ceiling.py FOLDER [--json]
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path

from backend_ls.analysis import grammar
from backend_ls.index import facts_of_text

STAGES = ("parse", "parse_and_facts")


def _share(job: tuple[list[str], bool]) -> int:
    """Parse (and take the facts of) one process' share of the files; the lines it read."""
    paths, with_facts = job
    # As the index workers run: the collector off, each tree's cycles freed once it is done with.
    gc.disable()
    lines = 0
    for path in paths:
        text = Path(path).read_bytes().decode("utf-8-sig")
        lines += text.count("\n")
        if with_facts:
            facts_of_text(text, path)  # the index workers' own: parse, facts, the tree collected
        else:
            grammar().parse(text, error_recovery=True)
            gc.collect(0)  # the tree's cycles, as facts_of_text frees them
    return lines


def measure(folder: Path, processes: int | None = None) -> dict:
    paths = sorted(str(path) for path in folder.rglob("*.py"))
    processes = processes or os.cpu_count() or 1
    grammar()  # loaded once, before the processes are forked
    shares = [paths[index::processes] for index in range(processes)]
    figures: dict = {"files": len(paths), "processes": processes}
    context = multiprocessing.get_context("fork")
    for stage in STAGES:
        started = time.perf_counter()
        with context.Pool(processes) as pool:
            lines = sum(pool.map(_share, [(share, stage != "parse") for share in shares]))
        elapsed = time.perf_counter() - started
        figures["lines"] = lines
        figures[f"{stage}_s"] = elapsed
        figures[f"{stage}_lines_per_s"] = lines / elapsed
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if "fork" not in multiprocessing.get_all_start_methods():
        print("this measure forks its processes; not on this system", file=sys.stderr)
        return 2
    figures = measure(args.folder)
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"{figures['lines']:,} lines, {figures['processes']} processes: parsing alone "
            f"{figures['parse_lines_per_s']:,.0f} lines/s, parsing and facts {figures['parse_and_facts_lines_per_s']:,.0f} lines/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
