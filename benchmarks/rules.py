"""Per-check cost on a generated module: where the keystroke budget goes. Prints figures.

    python benchmarks/rules.py [LINES]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import write_module  # noqa: E402

from backend_ls.analysis import grammar  # noqa: E402
from backend_ls.facts import module_facts  # noqa: E402
from backend_ls.index import WorkspaceIndex  # noqa: E402
from backend_ls.options import Settings  # noqa: E402
from backend_ls.rules.context import RuleContext  # noqa: E402
from backend_ls.rules.registry import load_rules  # noqa: E402


def main() -> int:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as scratch:
        path = write_module(Path(scratch) / f"orders{size}.py", size)
        text = path.read_text()
        lines = text.splitlines(keepends=True)
        started = time.perf_counter()
        module = grammar().parse(text)
        parsed = time.perf_counter()
        facts = module_facts(module, str(path))
        done = time.perf_counter()
        print(f"{size} lines: parse {1000 * (parsed - started):.0f} ms, facts {1000 * (done - parsed):.0f} ms")
        index = WorkspaceIndex([Path(scratch)])
        index.update(str(path), facts)
        context = RuleContext(facts=facts, lines=lines, settings=Settings(), index=index)
        context.routes  # shared by every check, as in check_facts
        timings = []
        for code, rule in load_rules().rules.items():
            started = time.perf_counter()
            count = len(list(rule.check(context)))
            timings.append((time.perf_counter() - started, code, count))
        for seconds, code, count in sorted(timings, reverse=True):
            print(f"  {code:<8} {1000 * seconds:7.1f} ms  {count:4d} findings")
        print(f"  all checks {1000 * sum(t[0] for t in timings):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
