"""The benchmark scripts run: they print figures and assert nothing about them, so what is checked
here is that they work, on a workspace small enough for the test suite."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from generate import write_workspace  # noqa: E402


@pytest.mark.skipif(sys.platform == "win32", reason="ceiling.py forks its processes")
def test_the_ceiling_counts_every_line_of_the_workspace_at_each_stage(tmp_path):
    root = write_workspace(tmp_path / "workspace", files=5, lines_per_file=60)
    lines = sum(path.read_text().count("\n") for path in root.rglob("*.py"))
    run = subprocess.run(
        [sys.executable, str(BENCHMARKS / "ceiling.py"), str(root), "--json"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    figures = json.loads(run.stdout)
    assert figures["files"] == 5 and figures["lines"] == lines
    for stage in ("parse", "parse_and_facts"):
        assert figures[f"{stage}_s"] > 0
        assert figures[f"{stage}_lines_per_s"] == pytest.approx(lines / figures[f"{stage}_s"])
