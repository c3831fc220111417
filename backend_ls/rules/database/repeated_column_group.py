"""DB005: a repeating group in one table (`phone1`, `phone2`, `phone3`) or a list of ids in a string."""

from __future__ import annotations

import re

from backend_ls.facts.model import Column, Model
from backend_ls.rules.base import Rule

NUMBERED = re.compile(r"^(?P<stem>[A-Za-z][A-Za-z_]*?)_?(?P<number>\d+)$")
# Larger suffixes are versions or sizes (`sha256`, `p99`, `ipv6`), not positions in a list.
MAX_POSITION = 20
MIN_GROUP = 3
ID_LIST = re.compile(r"(^|_)ids$|[a-z0-9]Ids$")
STRING_TYPES = frozenset(
    {"String", "Text", "Unicode", "UnicodeText", "VARCHAR", "NVARCHAR", "CHAR", "NCHAR", "TEXT", "CLOB",
     "CharField", "TextField"}
)


class RepeatedColumnGroup(Rule):
    code = "DB005"
    scope = "statement"

    def check(self, context):
        for model in context.models:
            for first, group in _numbered_groups(model):
                names = ", ".join(f"`{column.name}`" for column in group)
                yield self.finding(
                    first.name_span,
                    f"Columns {names} repeat one value in numbered slots; move it to a table of its own "
                    "with a row per value.",
                )
            for column in model.columns:
                if _is_id_list(model, column):
                    yield self.finding(
                        column.name_span,
                        f"`{column.name}` keeps a list of ids in a string, which the database cannot join, "
                        "index or check; use a relationship (an association table).",
                    )


def _numbered_groups(model: Model):
    """(the group's first column in the source, the group) for each stem with enough numbered columns."""
    groups: dict[str, list[tuple[int, Column]]] = {}
    for column in model.columns:
        match = NUMBERED.match(column.name)
        if match is None:
            continue
        number = int(match.group("number"))
        if number <= MAX_POSITION:
            groups.setdefault(match.group("stem").rstrip("_").lower(), []).append((number, column))
    for members in groups.values():
        if len({number for number, _ in members}) >= MIN_GROUP:
            columns = sorted((column for _, column in members), key=lambda column: column.name_span.start)
            yield columns[0], columns


def _is_id_list(model: Model, column: Column) -> bool:
    if ID_LIST.search(column.name) is None or column.foreign_key is not None:
        return False
    if column.type_name is not None:
        return column.type_name in STRING_TYPES
    return column.type_text is None and column.python_type == "str" and model.orm in ("sqlalchemy", "flask_sqlalchemy", "sqlmodel")
