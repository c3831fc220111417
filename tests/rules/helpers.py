"""Running the engine on a snippet or on a small workspace written by a test, and applying fixes
the way every fix is checked: the result parses, the finding is gone, a second round changes
nothing."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

from backend_ls.analysis import analyse_text, check_facts, grammar
from backend_ls.facts import StatementCache, module_facts
from backend_ls.facts.names import imports_of
from backend_ls.fixes import apply_fixes
from backend_ls.index import WorkspaceIndex
from backend_ls.options import Settings, apply_overrides
from backend_ls.rules.registry import load_rules
from backend_ls.statement_checks import KeptFindings
from tests.lsp_helpers import parses


def findings(source: str, code: str | None = None, path: str = "app.py", **settings):
    configured, problems = apply_overrides(Settings(), settings, "test")
    assert not problems, problems
    source = textwrap.dedent(source)
    analysis = analyse_text(source, path, configured, load_rules())
    assert not analysis.problems, analysis.problems
    assert_statement_checks_agree(analysis.findings, source, path, configured)
    return [f for f in analysis.findings if code is None or f.code == code]


def assert_statement_checks_agree(expected, source: str, path: str, settings, index=None) -> None:
    """Statement checks promise the findings of the whole module when run one top-level statement
    at a time (the editor's path, backend_ls/statement_checks.py): every test source holds them to it."""
    cache = StatementCache()
    lines = source.splitlines(keepends=True)
    module = grammar().parse(source, error_recovery=True)
    external = index.external_bindings(path, imports_of(module)) if index is not None else None
    facts = module_facts(module, path, cache, lines, external)
    by_statement = check_facts(facts, lines, settings, load_rules(), index, (cache, KeptFindings()))
    got, wanted = Counter(by_statement.findings), Counter(expected)
    differ = sorted({f.code for f in (got - wanted) + (wanted - got)})
    assert not differ and not by_statement.problems, f"statement checks differ from the whole-module run: {differ} {by_statement.problems}"
    assert by_statement.findings == expected


def lines_of(source: str, code: str, **kwargs) -> list[int]:
    """The 1-based lines where `code` is reported."""
    return [f.span.start[0] for f in findings(source, code, **kwargs)]


def fixed(source: str, code: str, *, safety: str | None = None, **kwargs) -> str:
    """`source` with every fix of `code` applied (all of them must be `safety`, when given)."""
    source = textwrap.dedent(source)
    found = findings(source, code, **kwargs)
    assert found, f"{code} not reported"
    fixes = [f.fix for f in found if f.fix is not None]
    assert fixes, f"{code} offers no fix"
    if safety is not None:
        assert {fix.applicability.label for fix in fixes} == {safety}
    text, applied = apply_fixes(source, fixes)
    assert applied and parses(text), text
    assert findings(text, code, **kwargs) == [], text
    again, _ = apply_fixes(text, [f.fix for f in findings(text, code, **kwargs) if f.fix is not None])
    assert again == text
    return text


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
    configured, problems = apply_overrides(Settings(root=str(root)), settings, "test")
    assert not problems, problems
    module = index.module_of(str(root / target))
    assert module is not None, f"{target} is not indexed"
    lines = (root / target).read_text().splitlines(keepends=True)
    analysis = check_facts(module.facts, lines, configured, load_rules(), index)
    assert not analysis.problems, analysis.problems
    assert_statement_checks_agree(analysis.findings, "".join(lines), module.facts.path, configured, index)
    return [f for f in analysis.findings if f.code == code]


def workspace_findings(root: Path, files: dict[str, str], target: str, code: str, **settings):
    """The `code` findings of the file `target` of a workspace made of `files`."""
    return findings_in(write_workspace(root, files), root, target, code, **settings)


def workspace_lines(root: Path, files: dict[str, str], target: str, code: str, **settings) -> list[int]:
    return [f.span.start[0] for f in workspace_findings(root, files, target, code, **settings)]
