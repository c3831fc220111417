"""API003: a route under an API root whose path carries no version."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backend_ls.facts.model import PathPart, Route
from backend_ls.fixes import insert, point_in_literal
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Fix, Rule

# `v1`, `V2`, `v1.2`, `v2beta1`, a date (`2024-01-01`, `2024-01`), or a placeholder that names a
# version (`<version>`, `{api_version}`), which routes every version through one handler.
VERSION = re.compile(r"^(?:[vV]\d+(?:\.\d+)*(?:(?:alpha|beta|rc)\d*)?|\d{4}-\d{2}(?:-\d{2})?)$")
VERSION_PLACEHOLDER = re.compile(r"^[<{](?:\w+:)?\w*version\w*(?::\w+)?[>}]$", re.I)
SEGMENT = re.compile(r"[^/]+")


def segments(path: str) -> list[str]:
    return [piece for piece in path.split("/") if piece]


def is_versioned(path: str) -> bool:
    return any(VERSION.match(piece) or VERSION_PLACEHOLDER.match(piece) for piece in segments(path))


def root_of(path: str, roots) -> str | None:
    """The longest API root the path is under, as a whole-segment prefix: `/api` covers `/api` and
    `/api/users`, not `/apiary`."""
    best = None
    for root in roots:
        wanted = segments(root)
        if segments(path)[: len(wanted)] == wanted and (best is None or len(wanted) > len(segments(best))):
            best = "/" + "/".join(wanted)
    return best


@dataclass
class _Anchor:
    """One path string that holds an API root, with the routes that go through it."""

    part: PathPart
    root: str
    offset: int | None  # where `/v1` goes in the string's text
    versioned: list[bool] = field(default_factory=list)


class UnversionedApi(Rule):
    code = "API003"

    def inputs(self, context):
        return context.route_inputs()

    def check(self, context):
        anchors: dict[Span, _Anchor] = {}
        # With the workspace index, a prefix string of this module may carry routes of others.
        for route in context.routes_through_module:
            path = route.path
            if path is None:
                continue  # part of it is built at run time
            root = root_of(path, context.settings.api_roots)
            if root is None:
                continue
            located = _locate(route, root)
            if located is None:
                continue  # the string that holds the root is not in this module
            part, offset = located
            anchor = anchors.setdefault(part.span, _Anchor(part, root, offset))
            anchor.versioned.append(is_versioned(path))
        for span, anchor in anchors.items():
            if all(anchor.versioned):
                continue
            yield self.finding(
                span,
                f"The API path `{anchor.part.text}` has no version segment; add one such as `/v1` after "
                f"`{anchor.root}` so the API can change without breaking its clients.",
                _fix(anchor, context.lines),
            )


def _locate(route: Route, root: str) -> tuple[PathPart, int | None] | None:
    """The path string in which the root ends, and the offset in its text right after the root."""
    wanted = len(segments(root))
    consumed = 0
    for part in route.parts:
        for match in SEGMENT.finditer(part.text or ""):
            if wanted == 0:  # the root is "/": the version goes before the first segment
                return (part, match.start()) if _here(part) else None
            consumed += 1
            if consumed == wanted:
                return (part, match.end()) if _here(part) else None
    if wanted == 0:
        own = route.parts[-1]
        return (own, None) if _here(own) else None
    return None


def _here(part: PathPart) -> bool:
    """The string is written in the module being checked (others report their own strings)."""
    return part.span is not None and part.module is None


def _fix(anchor: _Anchor, lines: list[str]) -> Fix | None:
    # A string shared by routes of which some already carry a version would get it twice.
    if anchor.offset is None or any(anchor.versioned):
        return None
    point = point_in_literal(anchor.part, anchor.offset, lines)
    if point is None:
        return None
    # After the root; with a root of "/", in front of the first segment.
    new_text = "v1/" if anchor.root == "/" else "/v1"
    return Fix(f"Insert `/v1` after `{anchor.root}`", Applicability.UNSAFE, (insert(point, new_text),))
