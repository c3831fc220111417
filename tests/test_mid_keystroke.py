"""Every prefix of real code, as a user types it, gets analysed without any adapter failing."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend_ls.analysis import analyse_text
from backend_ls.options import Settings
from backend_ls.rules.registry import load_rules

ROOT = Path(__file__).parent
RULES = load_rules()


def sources() -> list[tuple[str, str]]:
    found = [(str(p.relative_to(ROOT)), p.read_text()) for p in sorted((ROOT / "fixtures").rglob("*.py"))]
    for code, rule in sorted(RULES.rules.items()):
        found.append((f"{code} bad", rule.document.bad))
        found.append((f"{code} good", rule.document.good))
    return found


@pytest.mark.parametrize("name,text", sources(), ids=[name for name, _ in sources()])
def test_every_prefix_is_analysed(name, text):
    step = max(1, len(text) // 60)
    for end in range(0, len(text) + 1, step):
        analysis = analyse_text(text[:end], "typing.py", Settings(), RULES)
        assert analysis.problems == [], f"after {end} characters of {name}: {analysis.problems}"
