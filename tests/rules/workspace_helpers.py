"""Running the engine on a small workspace written in a test, through the workspace index."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend_ls.analysis import check_facts
from backend_ls.index import WorkspaceIndex
from backend_ls.options import Settings, apply_overrides
from backend_ls.rules.registry import load_rules


def write_workspace(root: Path, files: dict[str, str]) -> WorkspaceIndex:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    index = WorkspaceIndex([root])
    index.build()
    return index


def findings_in(index: WorkspaceIndex, root: Path, target: str, code: str, **settings):
    """The `code` findings of one file of an indexed workspace."""
    configured, problems = apply_overrides(Settings(), settings, "test")
    assert not problems, problems
    path = str((root / target).resolve())
    lines = (root / target).read_text().splitlines(keepends=True)
    analysis = check_facts(index.modules[path].facts, lines, configured, load_rules(), index)
    assert not analysis.problems, analysis.problems
    return [f for f in analysis.findings if f.code == code]


def workspace_findings(root: Path, files: dict[str, str], target: str, code: str, **settings):
    return findings_in(write_workspace(root, files), root, target, code, **settings)
