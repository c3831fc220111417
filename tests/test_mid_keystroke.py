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


def test_mutated_sources_are_analysed():
    """Random small edits (brackets, operators, keywords, deletions) of real code, as a user makes
    them mid-keystroke: no adapter and no check fails on any of them."""
    import random

    pool = [text for _, text in sources()]
    rng = random.Random(20261125)
    pieces = list("()[]{}.,:=*@'\"#\n ") + ["def ", "class ", "lambda", "await ", "async ", "yield", "==", "**", " = "]
    for attempt in range(400):
        text = rng.choice(pool)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.5:
                text = text[:at] + rng.choice(pieces) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 4):]
        analysis = analyse_text(text, "typing.py", Settings(), RULES)
        assert analysis.problems == [], f"mutation {attempt}:\n{text}\n{analysis.problems}"
