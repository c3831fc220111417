"""Edit helpers shared by every fix."""

from __future__ import annotations

import re

from backend_ls.facts.model import Call, ModuleFacts
from backend_ls.positions import Point, Span
from backend_ls.rules.base import Edit
from backend_ls.statement_checks import whole_module


def replace(span: Span, text: str) -> Edit:
    return Edit(span, text)


def insert(point: Point, text: str) -> Edit:
    return Edit(Span(point, point), text)


def insert_keyword_argument(call: Call, lines: list[str], argument: str) -> Edit:
    """Add `argument` (such as `timeout=10`) as the last argument of a call."""
    line, column = call.close_paren
    before = lines[line - 1][:column] if line - 1 < len(lines) else ""
    if not (call.args or call.keywords or call.star_args or call.star_kwargs):
        return insert(call.close_paren, argument)
    if code_before(lines, call.close_paren)[0] == ",":
        if before.strip() == "" and line > 1:
            # `)` alone on its line after a trailing comma: a line of its own, indented like the
            # argument above it.
            above = next((lines[n] for n in range(line - 2, -1, -1) if lines[n].strip()), "")
            indent = above[: len(above) - len(above.lstrip())]
            return insert((line, 0), f"{indent}{argument},\n")
        glue = "" if before == "" or before[-1].isspace() else " "
        return insert(call.close_paren, glue + argument)
    return insert(call.close_paren, ", " + argument)


def add_import(facts: ModuleFacts, statement: str, binds: str, qualname: str) -> Edit | None:
    """An edit adding `statement` after the module's imports, unless `binds` is bound already."""
    if facts.imports.get(binds) == qualname:
        return None
    return insert((facts.import_end_line + 1, 0), statement + "\n")


def apply_fixes(text: str, fixes) -> tuple[str, int]:
    """Apply every fix whose edits do not overlap an earlier one; returns the text and the count."""
    from backend_ls.positions import offset_of

    lines = text.splitlines(keepends=True)
    if text.endswith(("\n", "\r")) or not lines:
        lines.append("")
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, int, str]] = []
    applied = 0
    for fix in fixes:
        ranges = [(offset_of(lines, e.span.start), offset_of(lines, e.span.end), e.new_text) for e in fix.edits]
        if any(start < t_end and t_start < end or (start == end == t_start) for start, end, _ in ranges for t_start, t_end in taken):
            continue
        taken.extend((start, end) for start, end, _ in ranges)
        chosen.extend(ranges)
        applied += 1
    for start, end, new_text in sorted(chosen, key=lambda r: (r[0], r[1]), reverse=True):
        text = text[:start] + new_text + text[end:]
    return text, applied


def environ_reference(facts: ModuleFacts) -> tuple[str, Edit | None] | None:
    """How module-level code of this module can name `os.environ`, and the import that needs, if any.

    Uses the module's own spelling (`import os as _os`, `from os import environ as env`); adds
    `import os` when nothing is imported; None when the name `os` means something else here, so a
    fix never shadows it.
    """
    if facts.imports.get("os") == "os":
        return "os.environ", None
    for local, qualname in sorted(facts.imports.items()):
        if qualname == "os":
            return f"{local}.environ", None
    for local, qualname in sorted(facts.imports.items()):
        if qualname == "os.environ":
            return local, None
    if "os" in facts.imports or any(a.target == "os" and a.function is None for a in whole_module(facts).assignments):
        return None
    return "os.environ", insert((facts.import_end_line + 1, 0), "import os\n")


def insert_argument(close_paren: Point, lines: list[str], argument: str) -> Edit:
    """Add `argument` as the last argument of the call whose `)` is at `close_paren`, right after
    the last argument (keeping a trailing comma where there is one), so a multi-line call stays tidy."""
    before, at = code_before(lines, close_paren)
    if before == "(":
        return insert(close_paren, argument)
    after = (at[0], at[1] + 1)
    if before == ",":
        return insert(after, f" {argument},")
    return insert(after, f", {argument}")


def remove_argument(argument: Span, lines: list[str]) -> Edit:
    """Drop one argument (`null=True`) of a call with the comma that separates it from the others."""
    before, before_at = code_before(lines, argument.start)
    after, after_at = code_after(lines, argument.end)
    following, following_at = after, after_at
    if after == ",":
        following, following_at = code_after(lines, (after_at[0], after_at[1] + 1))
        if following not in (")", ""):  # up to the next argument, with this one's comment
            return replace(Span(argument.start, following_at), "")
    if before == ",":  # the last argument: from the comma before it
        if after == ",":  # keep the trailing comma
            return replace(Span(before_at, (after_at[0], after_at[1] + 1)), ",")
        return replace(Span(before_at, argument.end), "")
    if before == "(" and following == ")":  # the only argument
        return replace(Span((before_at[0], before_at[1] + 1), following_at), "")
    return replace(argument, "")


def _without_comment(line: str) -> str:
    """The line's code: its comment and line end removed (a `#` inside a string is not one)."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote is not None:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "#":
            return line[:index]
        index += 1
    return line.rstrip("\r\n")


def code_before(lines: list[str], point: Point) -> tuple[str, Point]:
    """The last code character before `point` and where it is; ("", (1, 0)) at the top."""
    line, column = point
    text = lines[line - 1][:column] if line - 1 < len(lines) else ""
    while True:
        stripped = text.rstrip()
        if stripped:
            return stripped[-1], (line, len(stripped) - 1)
        line -= 1
        if line < 1:
            return "", (1, 0)
        text = _without_comment(lines[line - 1])


def code_after(lines: list[str], point: Point) -> tuple[str, Point]:
    """The first code character at or after `point` and where it is; "" at the end."""
    line, column = point
    while line - 1 < len(lines):
        text = _without_comment(lines[line - 1])
        for index in range(column, len(text)):
            if not text[index].isspace():
                return text[index], (line, index)
        line, column = line + 1, 0
    return "", point


# The opening of a string literal: its prefix and quotes.
STRING_START = re.compile(r"[rRuU]?('''|\"\"\"|'|\")")


def point_in_literal(part, offset: int, lines: list[str]) -> Point | None:
    """Where character `offset` of a path string's value is in the source, when the literal shows its
    value verbatim up to there (on one line, no escapes, no concatenation before it)."""
    span = part.span
    if span is None or span.start[0] != span.end[0] or span.start[0] > len(lines):
        return None
    line, column = span.start
    source = lines[line - 1][column : span.end[1]]
    start = STRING_START.match(source)
    if start is None:
        return None
    body = source[start.end() :]
    text = part.text or ""
    if body[:offset] != text[:offset] or "\\" in body[:offset]:
        return None
    return (line, column + start.end() + offset)
