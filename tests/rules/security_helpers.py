"""Running the engine on a small project written in a test, through the workspace index, for the
security checks that read other modules (routers, hooks, URLconfs, settings)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from backend_ls.analysis import check_facts
from backend_ls.index import WorkspaceIndex
from backend_ls.options import Settings, apply_overrides
from backend_ls.rules.registry import load_rules


def project_findings(root: Path, files: dict[str, str], target: str, code: str, **settings):
    """The findings of `code` in the file `target` of a project made of `files`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    index = WorkspaceIndex([root])
    index.build()
    path = root / target
    module = index.module_of(str(path))
    assert module is not None, f"{target} is not indexed"
    configured, problems = apply_overrides(Settings(root=str(root)), settings, "test")
    assert not problems, problems
    lines = path.read_text().splitlines(keepends=True)
    analysis = check_facts(module.facts, lines, configured, load_rules(), index)
    assert not analysis.problems, analysis.problems
    return [finding for finding in analysis.findings if finding.code == code]


def project_lines(root: Path, files: dict[str, str], target: str, code: str, **settings) -> list[int]:
    return [finding.span.start[0] for finding in project_findings(root, files, target, code, **settings)]
