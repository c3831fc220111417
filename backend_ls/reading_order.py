"""Findings in reading order: by where they start, then where they end, then their code."""

from __future__ import annotations

from backend_ls.facts import positions_replaced
from backend_ls.rules.base import Finding


def reading_order(finding: Finding) -> tuple:
    # The span's own ordering, as plain numbers: tuples compare in C, spans in Python.
    span = finding.span
    return (span.start_line, span.start_column, span.end_line, span.end_column, finding.code)


class ReadingOrder:
    """Sorts one document's findings, analysis after analysis. A keystroke gives the findings of
    the last analysis again, in the same order, but for those of the statement it changed, which
    are mostly equal to the last ones as new objects: those take the places of the ones they
    replace, without sorting all of them again (1,442 at 10,000 lines)."""

    def __init__(self):
        self._given: list[Finding] = []  # the findings last sorted, in the order given
        self._sorted: list[Finding] = []  # ... and sorted
        self._place: dict[int, int] = {}  # id of a finding -> its place in `_sorted`

    def sorted(self, found: list[Finding]) -> list[Finding]:
        given = self._given
        if len(given) == len(found) and len(self._place) == len(found):
            changed = positions_replaced(given, found)
            if len(changed) <= 64 and all(reading_order(given[n]) == reading_order(found[n]) for n in changed):
                result, place = self._sorted[:], self._place
                for number in changed:
                    where = place.pop(id(given[number]))
                    result[where] = found[number]
                    place[id(found[number])] = where
                self._given, self._sorted = list(found), result
                return list(result)
        result = sorted(found, key=reading_order)
        self._given, self._sorted = list(found), result
        # A finding given twice has one place: such a list is sorted anew each time.
        self._place = {id(finding): where for where, finding in enumerate(result)}
        return list(result)
