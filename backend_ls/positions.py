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


@dataclass(frozen=True, order=True, slots=True, init=False, repr=False)
class Span:
    """From `start` to `end`, two points. Kept as four numbers rather than two point tuples: the
    workspace index holds hundreds of spans per module, and the tuples made two thirds of their
    memory. It compares, orders, hashes and prints as the pair of points."""

    start_line: int
    start_column: int
    end_line: int
    end_column: int

    def __init__(self, start: Point, end: Point):
        assign = object.__setattr__
        assign(self, "start_line", start[0])
        assign(self, "start_column", start[1])
        assign(self, "end_line", end[0])
        assign(self, "end_column", end[1])

    @property
    def start(self) -> Point:
        return (self.start_line, self.start_column)

    @property
    def end(self) -> Point:
        return (self.end_line, self.end_column)

    def __hash__(self) -> int:  # that of the pair of points, so sets of spans keep their order
        return hash(((self.start_line, self.start_column), (self.end_line, self.end_column)))

    def __repr__(self) -> str:
        return f"Span(start={self.start!r}, end={self.end!r})"

    def __reduce__(self):
        return (Span, (self.start, self.end))

    def contains_line(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line


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
