"""The README stays true: its rules table is the registry's, and its commands are the CLI's."""

from __future__ import annotations

import re
from pathlib import Path

from backend_ls.rules.registry import load_rules

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_in_the_table_with_its_document_severity_and_fix():
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| ([A-Z]+\d{3}) \|.*$", README, re.M)}
    ruleset = load_rules()
    assert set(rows) == set(ruleset.rules)
    root = Path(__file__).parent.parent
    for code, rule in ruleset.rules.items():
        document = rule.document
        link = document.path.resolve().relative_to(root.resolve()).as_posix()
        assert f"[{document.id}]({link})" in rows[code]
        assert f"| {document.severity} | {document.fix} |" in rows[code]


def test_the_two_first_commands():
    fenced = README.split("```sh", 1)[1].split("```", 1)[0]
    assert "python3 -m pip install . && backend-ls check examples/" in fenced
    assert "python3 -m pip install '.[test]' && python3 -m pytest -q -p no:cacheprovider" in fenced
