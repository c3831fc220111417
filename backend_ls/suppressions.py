"""`# backend-ls: ignore[CODE]` comments: reading them and writing them."""

from __future__ import annotations

import re

from backend_ls.positions import Span
from backend_ls.rules.base import Edit

COMMENT = re.compile(r"#\s*backend-ls:\s*ignore(?:\[(?P<codes>[A-Za-z0-9_,\s]*)\])?")


def ignored_codes(line: str) -> set[str] | None:
    """The codes a line ignores; an empty set means all codes (`# backend-ls: ignore`)."""
    match = COMMENT.search(line)
    if match is None:
        return None
    codes = match.group("codes")
    if codes is None:
        return set()
    return {code.strip() for code in codes.split(",") if code.strip()}


def is_suppressed(lines: list[str], line: int, code: str) -> bool:
    if not 1 <= line <= len(lines):
        return False
    codes = ignored_codes(lines[line - 1])
    return codes is not None and (not codes or code in codes)


def ignore_edit(lines: list[str], line: int, code: str) -> Edit:
    """The edit that adds `code` to the ignore comment of a line, writing the comment if needed."""
    text = lines[line - 1].rstrip("\r\n") if 1 <= line <= len(lines) else ""
    match = COMMENT.search(text)
    if match is not None and match.group("codes") is not None:
        codes = [c.strip() for c in match.group("codes").split(",") if c.strip()]
        if code not in codes:
            codes.append(code)
        comment = f"# backend-ls: ignore[{', '.join(codes)}]"
        return Edit(Span((line, match.start()), (line, match.end())), comment)
    if match is not None:  # a bare ignore already covers every code
        return Edit(Span((line, len(text)), (line, len(text))), "")
    return Edit(Span((line, len(text)), (line, len(text))), f"  # backend-ls: ignore[{code}]")
