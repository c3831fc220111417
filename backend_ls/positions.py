"""The one place where positions change coordinates.

The engine speaks parso's coordinates: a `Span` runs from (line, column) to (line, column) with
1-based lines and 0-based columns counted in code points. LSP speaks 0-based lines and columns
counted in UTF-16 code units; the CLI prints 1-based lines and 1-based code-point columns. Every
conversion between them goes through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

Point = tuple[int, int]


@dataclass(frozen=True, order=True, slots=True)
class Span:
    start: Point
    end: Point

    def contains_line(self, line: int) -> bool:
        return self.start[0] <= line <= self.end[0]


def _units(text: str, encoding: str) -> int:
    """Length of `text` in the client's position units ("utf-16" unless negotiated otherwise)."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _line(lines: Sequence[str], index: int) -> str:
    return lines[index] if 0 <= index < len(lines) else ""


def to_lsp_position(lines: Sequence[str], point: Point, encoding: str = "utf-16") -> dict:
    """parso (line, code-point column) -> an LSP Position, as JSON."""
    line, column = point
    text = _line(lines, line - 1)
    return {"line": line - 1, "character": _units(text[:column], encoding)}


def to_lsp_range(lines: Sequence[str], span: Span, encoding: str = "utf-16") -> dict:
    return {
        "start": to_lsp_position(lines, span.start, encoding),
        "end": to_lsp_position(lines, span.end, encoding),
    }


def from_lsp_position(lines: Sequence[str], line: int, character: int, encoding: str = "utf-16") -> Point:
    """LSP (0-based line, column in the client's units) -> parso (1-based line, code points)."""
    text = _line(lines, line)
    units = 0
    for column, char in enumerate(text):
        if units >= character:
            return (line + 1, column)
        units += _units(char, encoding)
    return (line + 1, len(text.rstrip("\r\n")))


def to_cli_position(point: Point) -> Point:
    """parso -> CLI (1-based line, 1-based code-point column)."""
    return (point[0], point[1] + 1)


def offset_of(lines: Sequence[str], point: Point) -> int:
    """Character offset of a point in the text whose lines (ends kept) are given."""
    line, column = point
    return sum(len(text) for text in lines[: line - 1]) + column
