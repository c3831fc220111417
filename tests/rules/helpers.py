"""Running the engine on a snippet, for the analysis tests."""

from __future__ import annotations

import textwrap

from backend_ls.analysis import analyse_text
from backend_ls.options import Settings, apply_overrides
from backend_ls.rules.registry import load_rules


def findings(source: str, code: str | None = None, path: str = "app.py", **settings):
    configured, problems = apply_overrides(Settings(), settings, "test")
    assert not problems, problems
    analysis = analyse_text(textwrap.dedent(source), path, configured, load_rules())
    assert not analysis.problems, analysis.problems
    return [f for f in analysis.findings if code is None or f.code == code]


def lines_of(source: str, code: str, **kwargs) -> list[int]:
    """The 1-based lines where `code` is reported."""
    return [f.span.start[0] for f in findings(source, code, **kwargs)]
