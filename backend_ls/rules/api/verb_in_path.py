"""API002: a static path segment that names an action (`/updateUserStatus`, `/users/<id>/delete`).

Also the home of what the path-string checks (API002, API007, API008) share: the literal path
strings written in the module being checked, and their segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from backend_ls.facts.model import PathPart, Route
from backend_ls.rules.base import Rule

# Only the first word of a segment counts, and only as a whole word: `settings` is one word, so it
# is not `set`; `updates`, `listings`, `address`, `setup` and `download` are nouns.
VERBS = frozenset(
    {"get", "create", "update", "delete", "remove", "add", "set", "fetch", "list", "make", "do", "edit",
     "modify", "save", "insert"}
)
SEGMENT = re.compile(r"[^/]+")
# Words of a segment once split on `-`, `_`, `.` and `~`: runs of capitals (`URL` in `getURLs`), then
# capitalised or lower-case words with their digits (`v2`, `Users`).
WORD = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[0-9]+")
SEPARATORS = re.compile(r"[-_.~]+")
# A parameter (`<id>`, `{id}`) or a regular expression (Django `re_path`) makes a segment dynamic.
DYNAMIC = re.compile(r"[<>{}()\[\]\\^$*+?|]")


@dataclass
class PathString:
    """A literal path string written in the module being checked, with the routes it is part of."""

    part: PathPart
    routes: list[Route] = field(default_factory=list)

    @property
    def frameworks(self) -> set[str]:
        return {route.framework for route in self.routes}


def path_strings(context) -> list[PathString]:
    """The path strings written in this module, each once: route paths, prefixes of blueprints and
    routers, `include()` and registration prefixes — also those whose routes are in other modules."""
    return context.derived(_path_strings)


def _path_strings(context) -> list[PathString]:
    found: dict[object, PathString] = {}
    for route in context.routes_through_module:
        for part in route.parts:
            # A part whose `module` is set is written in another file, which reports it itself.
            if part.module is None and part.span is not None and part.text is not None:
                found.setdefault(part.span, PathString(part)).routes.append(route)
    return [found[span] for span in sorted(found)]


def segments(text: str) -> list[tuple[int, int, str]]:
    """(start, end, segment) of each piece of a path between slashes."""
    return [(m.start(), m.end(), m.group()) for m in SEGMENT.finditer(text)]


def is_static(segment: str) -> bool:
    return DYNAMIC.search(segment) is None


def words(segment: str) -> list[str]:
    return [word for piece in SEPARATORS.split(segment) for word in WORD.findall(piece)]


def verb_of(segment: str) -> str | None:
    """The action word a static segment starts with (lower case), if it starts with one."""
    if not is_static(segment):
        return None
    found = words(segment)
    if found and found[0].lower() in VERBS:
        return found[0].lower()
    return None


class VerbInPath(Rule):
    code = "API002"

    def inputs(self, context):
        return context.route_inputs()

    def check(self, context):
        for string in path_strings(context):
            flagged = [(segment, verb) for _, _, segment in segments(string.part.text or "") if (verb := verb_of(segment))]
            if not flagged:
                continue
            segment, verb = flagged[0]
            more = f" (and {len(flagged) - 1} more)" if len(flagged) > 1 else ""
            yield self.finding(
                string.part.span,
                f"The path segment `{segment}`{more} names an action (`{verb}`); name the resource in the "
                "path and let the HTTP method say what is done to it.",
            )
