"""API007: a static path segment that is not lower-case kebab-case, or that ends in a file extension.

Segments that name an action are API002's: a rename would not make them right.
"""

from __future__ import annotations

import re

from backend_ls.fixes import point_in_literal, replace
from backend_ls.positions import Span
from backend_ls.rules.api.verb_in_path import WORD, PathString, is_static, path_strings, segments, verb_of
from backend_ls.rules.base import Applicability, Edit, Fix, Rule

# Formats a client should ask for with `Accept` (or a query parameter), not with the path.
EXTENSIONS = frozenset(
    {"json", "xml", "yaml", "yml", "csv", "tsv", "txt", "html", "htm", "xhtml", "rss", "atom", "pdf", "xls",
     "xlsx", "php", "asp", "aspx", "jsp", "cgi"}
)
# Names other software asks for as they are: crawlers, browsers, API tooling.
WELL_KNOWN_FILES = frozenset(
    {"robots.txt", "humans.txt", "security.txt", "ads.txt", "app-ads.txt", "sitemap.xml", "crossdomain.xml",
     "browserconfig.xml", "manifest.json", "openapi.json", "openapi.yaml", "openapi.yml", "swagger.json",
     "swagger.yaml", "swagger.yml"}
)
# An underscore between two word characters; a leading one (`/_health`, `/_internal`) marks an
# internal endpoint by convention and is left alone.
INNER_UNDERSCORE = re.compile(r"(?<=[A-Za-z0-9])_+(?=[A-Za-z0-9])")
CAPITAL = re.compile(r"[A-Z]")
WORD_RUN = re.compile(r"[A-Za-z0-9_-]+")


def extension_of(segment: str) -> str | None:
    stem, dot, extension = segment.rpartition(".")
    if dot and stem and extension.lower() in EXTENSIONS and segment.lower() not in WELL_KNOWN_FILES:
        return extension
    return None


def problem_of(segment: str) -> str | None:
    """What is wrong with a segment's style: "extension", "case" or None."""
    if not is_static(segment) or verb_of(segment) is not None:
        return None
    if extension_of(segment) is not None:
        return "extension"
    if CAPITAL.search(segment) or INNER_UNDERSCORE.search(segment):
        return "case"
    return None


def kebab(segment: str) -> str:
    """`userProfiles` / `user_profiles` / `UserProfiles` -> `user-profiles`. A leading underscore and
    the characters between words (`.`, `~`, `@`, ...) stay as they are."""
    lead = segment[: len(segment) - len(segment.lstrip("_"))]
    rest = segment[len(lead) :]
    return lead + WORD_RUN.sub(lambda run: "-".join(w.lower() for w in WORD.findall(run.group().replace("_", "-"))), rest)


def literal_edit(part, start: int, end: int, new_text: str, lines: list[str]) -> Edit | None:
    """An edit replacing characters [start, end) of a path string's value, where they can be located."""
    begin, finish = point_in_literal(part, start, lines), point_in_literal(part, end, lines)
    if begin is None or finish is None:
        return None
    return replace(Span(begin, finish), new_text)


class PathStyle(Rule):
    code = "API007"

    def inputs(self, context):
        return context.route_inputs()

    def check(self, context):
        for string in path_strings(context):
            found = [(start, end, segment, problem) for start, end, segment in _own_segments(string.part.text or "")
                     if (problem := problem_of(segment))]
            if not found:
                continue
            yield self.finding(string.part.span, _message(found), _fix(string, found, context.lines))


def _own_segments(text: str):
    """The segments whose names are ours to choose: what follows `/.well-known/` is named by the
    standards that define it (`jwks.json`, `openid-configuration`)."""
    for start, end, segment in segments(text):
        if segment == ".well-known":
            return
        yield start, end, segment


def _message(found) -> str:
    _, _, segment, problem = found[0]
    more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
    if problem == "extension":
        return (
            f"The path segment `{segment}`{more} ends in a file extension; serve one resource path and let the "
            "client choose the format with the `Accept` header."
        )
    return (
        f"The path segment `{segment}`{more} is not lower-case kebab-case; write it as `{kebab(segment)}` so "
        "URLs are spelled one way across the API."
    )


def _fix(string: PathString, found, lines: list[str]) -> Fix | None:
    # Dropping an extension changes how clients ask for the format, which a rename cannot decide.
    if any(problem == "extension" for *_, problem in found):
        return None
    edits = []
    for start, end, segment, _ in found:
        edit = literal_edit(string.part, start, end, kebab(segment), lines)
        if edit is None:
            return None
        edits.append(edit)
    title = f"Rename `{found[0][2]}` to `{kebab(found[0][2])}`" if len(found) == 1 else "Rename the segments in kebab-case"
    return Fix(title, Applicability.UNSAFE, tuple(edits))
