"""A document's findings sorted analysis after analysis equal the same findings sorted anew."""

from __future__ import annotations

import random

from backend_ls.positions import Span
from backend_ls.reading_order import ReadingOrder, reading_order
from backend_ls.rules.base import Finding


def finding(line: int, column: int, code: str) -> Finding:
    return Finding(code, Span((line, column), (line, column + 3)), "A message.")


def test_sorted_again_after_edits_equals_sorted_anew():
    rng = random.Random(5)
    order = ReadingOrder()
    found = [finding(rng.randrange(1, 40), rng.randrange(4), rng.choice(["SVC001", "SEC001"])) for _ in range(60)]
    fast = 0
    for _ in range(500):
        found = list(found)
        roll = rng.random()
        if roll < 0.5:  # a statement checked again: equal findings, as new objects
            for number in rng.sample(range(len(found)), rng.randrange(1, 4)):
                old = found[number]
                found[number] = finding(old.span.start_line, old.span.start_column, old.code)
            fast += 1
        elif roll < 0.7:  # a finding moves
            number = rng.randrange(len(found))
            found[number] = finding(rng.randrange(1, 40), rng.randrange(4), found[number].code)
        elif roll < 0.8:  # one comes or goes
            if rng.random() < 0.5 and len(found) > 1:
                del found[rng.randrange(len(found))]
            else:
                found.insert(rng.randrange(len(found) + 1), finding(rng.randrange(1, 40), 0, "SEC001"))
        elif roll < 0.85:  # the same object twice
            found[rng.randrange(len(found))] = found[rng.randrange(len(found))]
        elif roll < 0.9:  # given in another order
            rng.shuffle(found)
        result = order.sorted(found)
        expected = sorted(found, key=reading_order)
        assert [id(f) for f in result] == [id(f) for f in expected]
    assert fast > 100
