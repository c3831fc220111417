"""Edit helpers shared by every fix."""

from __future__ import annotations

from backend_ls.facts.model import Call, ModuleFacts
from backend_ls.positions import Point, Span
from backend_ls.rules.base import Edit


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
    if _last_code_character(lines, call.close_paren) == ",":
        glue = "" if before == "" or before[-1].isspace() else " "
        return insert(call.close_paren, glue + argument)
    return insert(call.close_paren, ", " + argument)


def _last_code_character(lines: list[str], point: Point) -> str:
    line, column = point
    text = lines[line - 1][:column].rstrip()
    while not text and line > 1:
        line -= 1
        text = lines[line - 1].split("#", 1)[0].rstrip()
    return text[-1:] if text else ""


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
    if "os" in facts.imports or any(a.target == "os" and a.function is None for a in facts.assignments):
        return None
    return "os.environ", insert((facts.import_end_line + 1, 0), "import os\n")
