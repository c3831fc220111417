"""The diagnostics of kept findings are built again exactly when a line they are read from
changed: after any edit they equal the diagnostics built from scratch for the same findings."""

from __future__ import annotations

import json
import random

import pytest

from backend_ls.lsp.diagnostics import DiagnosticBuilder, diagnostic_json
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Edit, Finding, Fix
from backend_ls.rules.registry import load_rules

RULES = load_rules()
URI = "file:///tmp/shop.py"


def fresh(findings, lines):
    return [diagnostic_json(f, lines, RULES, None, "utf-16", URI, "/tmp/shop.py") for f in findings]


def finding_on(line: int, column: int, code: str = "SVC001", fix_line: int | None = None) -> Finding:
    fix = None
    if fix_line is not None:
        edit = Edit(Span((fix_line, 0), (fix_line, 0)), "import requests\n")
        fix = Fix("Add an import", Applicability.SAFE, (edit,))
    return Finding(code, Span((line, column), (line, column + 4)), "A message.", fix, rule="http-without-timeout")


@pytest.mark.parametrize("size", [60, 700])  # 700: lines are compared by blocks of 256
def test_kept_findings_follow_the_lines_they_are_read_from(size):
    rng = random.Random(3)
    lines = [f"x{n} = call(1)\n" for n in range(size)]
    findings = [finding_on(n, 5) for n in range(1, size + 1, 3 * (size // 60))] + [finding_on(40, 0, fix_line=1)]
    findings.sort(key=lambda f: (f.span.start, f.code))
    builder = DiagnosticBuilder()
    assert builder.build(findings, lines, RULES, None, "utf-16", URI) == fresh(findings, lines)
    for _ in range(400):
        lines = list(lines)  # what the editor's document does: a new list, the untouched lines kept
        number = rng.randrange(len(lines)) if rng.random() < 0.5 else rng.choice(findings).span.start_line - 1
        # Characters outside the BMP move the UTF-16 columns of what follows them on the line.
        lines[number] = rng.choice(["𝄞", "é", "", "  "]) + lines[number].lstrip("𝄞é ")
        if rng.random() < 0.2:  # a finding goes, or comes back as another object
            findings = [f for f in findings if f is not rng.choice(findings)] or [finding_on(2, 1)]
        elif rng.random() < 0.3:  # as many findings: one is checked again (an equal object), or another one
            findings = list(findings)
            place = rng.randrange(len(findings))
            old = findings[place]
            findings[place] = rng.choice([
                Finding(old.code, old.span, old.message, old.fix, rule=old.rule),
                finding_on(rng.randrange(1, size + 1), rng.randrange(6), rng.choice(["SVC001", "SEC001"]), rng.choice([None, 2])),
            ])
        if rng.random() < 0.1:  # an edit that adds a line: every diagnostic is looked at again
            lines.insert(number, "# new\n")
        built = builder.build(findings, lines, RULES, None, "utf-16", URI)
        assert built == fresh(findings, lines)
        assert json.loads(b"[" + builder.serialised + b"]") == [
            {key: value for key, value in d.items() if key != "data"} | ({"data": {"fix": d["data"]["fix"]}} if d["data"]["fix"] else {})
            for d in built
        ]


def test_an_edit_builds_again_only_the_diagnostics_read_from_its_line(monkeypatch):
    from backend_ls.lsp import diagnostics

    lines = [f"x{n} = call(1)\n" for n in range(30)]
    findings = [finding_on(n, 5) for n in range(1, 31)] + [finding_on(20, 0, fix_line=3)]
    findings.sort(key=lambda f: (f.span.start, f.code))
    builder = DiagnosticBuilder()
    builder.build(findings, lines, RULES, None, "utf-16", URI)
    built = []
    real = diagnostics.diagnostic_json
    monkeypatch.setattr(diagnostics, "diagnostic_json", lambda finding, *rest: built.append(finding) or real(finding, *rest))
    lines = list(lines)
    lines[2] = "𝄞" + lines[2]  # line 3: the finding there, and the one whose fix edits it
    assert builder.build(findings, lines, RULES, None, "utf-16", URI) == fresh(findings, lines)
    assert sorted(f.span.start_line for f in built) == [3, 20]
