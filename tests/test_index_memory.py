"""What the index does to keep a workspace's facts small changes no answer: shared facts equal fresh
ones, also through a pickle, and a span behaves as the pair of points it was."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from backend_ls.index import facts_of_text, shared
from backend_ls.positions import Span

FIXTURES = Path(__file__).parent / "fixtures"
FILES = sorted(FIXTURES.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(path.relative_to(FIXTURES)) for path in FILES])
def test_shared_facts_equal_fresh_ones(path: Path):
    text = path.read_text(encoding="utf-8")
    fresh = facts_of_text(text, str(path))
    kept = shared(facts_of_text(text, str(path)))
    assert kept == fresh
    assert repr(kept) == repr(fresh)
    assert pickle.loads(pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL)) == fresh


def test_equal_pieces_become_one_object():
    text = "import requests\n\n\ndef a():\n    requests.get(URL)\n    requests.get(URL)\n"
    facts = shared(facts_of_text(text, "m.py"))
    first, second = facts.calls
    assert first.callee is second.callee
    assert first.args[0].text is second.args[0].text


def test_shared_keeps_a_literal_true_apart_from_one():
    facts = shared(facts_of_text("A = (True, 1)\nB = (1, 1)\n", "m.py"))
    literals = [assignment.value.literal for assignment in facts.assignments]
    assert [[type(item) for item in literal] for literal in literals] == [[bool, int], [int, int]]


def test_a_span_is_its_pair_of_points():
    span = Span((3, 4), (5, 0))
    assert (span.start, span.end) == ((3, 4), (5, 0))
    assert span == Span((3, 4), (5, 0)) and span != Span((3, 4), (5, 1))
    assert hash(span) == hash(((3, 4), (5, 0)))
    assert sorted([Span((3, 4), (6, 0)), Span((2, 9), (9, 9)), span]) == [Span((2, 9), (9, 9)), span, Span((3, 4), (6, 0))]
    assert repr(span) == "Span(start=(3, 4), end=(5, 0))"
    assert pickle.loads(pickle.dumps(span, protocol=pickle.HIGHEST_PROTOCOL)) == span
    assert span.contains_line(5) and not span.contains_line(6)
