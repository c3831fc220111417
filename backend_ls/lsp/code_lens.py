"""Code lenses above route handlers: the route's methods and full path, and how many findings sit
in its decorator and its handler. Built from a document's routes (with the prefixes set anywhere in
the workspace) and the findings of its last analysis, so every editor gets the same lenses.

Each lens carries the command SHOW_FINDINGS (served by the server through
`workspace/executeCommand`, so it works in any client): it shows the route's findings in a message.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from lsprotocol import types

from backend_ls.analysis import Analysis
from backend_ls.facts.model import Route
from backend_ls.lsp.symbols import route_label
from backend_ls.positions import Point, to_lsp_range
from backend_ls.rules.base import Finding

SHOW_FINDINGS = "backend-ls.showRouteFindings"


@dataclass(frozen=True)
class RouteLens:
    route: Route
    title: str  # "GET /api/v1/users/{id}"
    findings: tuple[Finding, ...]

    @property
    def line(self) -> int:
        """The 1-based line the lens sits above: the route's decorator (or registering call)."""
        return self.route.anchor.start[0]

    @property
    def label(self) -> str:
        return _label(self.title, len(self.findings))


def _label(title: str, count: int) -> str:
    if count == 0:
        return f"{title} · no findings"
    return f"{title} · {count} finding{'s' if count > 1 else ''}"


def _regions(analysis: Analysis, route: Route) -> list[tuple[Point, Point]]:
    """Where a route's findings can sit: its decorator, and its handler from the first decorator
    line to the end of the body (so findings in nested functions count too)."""
    regions = [(route.anchor.start, route.anchor.end)]
    function = analysis.facts.functions.get(route.handler) if analysis.facts else None
    if function is not None and function.end is not None:
        first = min([function.def_span.start[0]] + [d.span.start[0] for d in function.decorators])
        regions.append(((first, 0), function.end))
    return regions


# Titles by route object: the index hands out the same route objects while they are unchanged, and
# the lenses are compared after every analysis.
_TITLES: dict[int, tuple[Route, str]] = {}


def _title(route: Route) -> str:
    kept = _TITLES.get(id(route))
    if kept is not None and kept[0] is route:
        return kept[1]
    if len(_TITLES) > 50_000:
        _TITLES.clear()
    title = route_label(route)
    _TITLES[id(route)] = (route, title)
    return title


def route_lenses(routes: list[Route], analysis: Analysis) -> list[RouteLens]:
    """One lens per route whose handler is in the document (the routes the workspace index gives
    for it: the same routes, named the same way, as its document symbols)."""
    lenses = []
    # Findings come sorted by position: each region's are a slice, found by bisection (a scan of
    # every finding per route cost a second per keystroke on 10,000 lines).
    findings = analysis.findings
    starts = _starts(findings)
    for route in routes:
        inside = tuple(findings[number] for numbers in _slices(starts, analysis, route) for number in numbers)
        lenses.append(RouteLens(route, _title(route), inside))
    lenses.sort(key=lambda lens: (lens.line, lens.route.anchor.start[1]))
    return lenses


def _starts(findings: list[Finding]) -> list[Point]:
    return [(finding.span.start_line, finding.span.start_column) for finding in findings]


def _slices(starts: list[Point], analysis: Analysis, route: Route) -> list[range]:
    """The positions of a route's findings among the analysis's, in order and each once: its
    regions' slices of them (findings come sorted by position), overlaps cut off."""
    slices, reached = [], 0
    for first, stop in sorted((bisect_left(starts, tuple(a)), bisect_left(starts, tuple(b))) for a, b in _regions(analysis, route)):
        first = max(first, reached)
        if stop > first:
            slices.append(range(first, stop))
            reached = stop
    return slices


def signature(routes: list[Route], analysis: Analysis) -> tuple[tuple[int, str], ...]:
    """What the lenses show, to tell whether a client should ask for them again: the lines and
    labels of `route_lenses`, from counts of findings rather than the findings (after every
    analysis, on the event loop: 1,000 routes at 10,000 lines)."""
    starts = _starts(analysis.findings)
    shown = []
    for route in routes:
        count = sum(len(numbers) for numbers in _slices(starts, analysis, route))
        anchor = route.anchor
        shown.append(((anchor.start_line, anchor.start_column), _label(_title(route), count)))
    shown.sort(key=lambda item: item[0])
    return tuple((place[0], label) for place, label in shown)


def code_lenses(uri: str, routes: list[Route], analysis: Analysis, lines: list[str], encoding: str) -> list[types.CodeLens]:
    result = []
    for lens in route_lenses(routes, analysis):
        span = lens.route.anchor
        start = to_lsp_range(lines, span, encoding)["start"]
        result.append(
            types.CodeLens(
                range=types.Range(start=types.Position(**start), end=types.Position(**start)),
                command=types.Command(title=lens.label, command=SHOW_FINDINGS, arguments=[uri, start["line"]]),
            )
        )
    return result


def findings_message(routes: list[Route], analysis: Analysis, line: int) -> str:
    """The text SHOW_FINDINGS shows for the lens on `line` (0-based, as the lens sent it)."""
    lenses = [lens for lens in route_lenses(routes, analysis) if lens.line == line + 1]
    if not lenses:
        return f"backend-ls: no route on line {line + 1} any more"
    parts = []
    for lens in lenses:
        if not lens.findings:
            parts.append(f"{lens.title}: no findings")
            continue
        listed = "; ".join(f"{f.code} (line {f.span.start[0]}) {f.message}" for f in lens.findings)
        parts.append(f"{lens.title}: {listed}")
    return "backend-ls: " + " | ".join(parts)
