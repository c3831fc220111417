"""DB003: money stored in a floating-point column."""

from __future__ import annotations

import re

from backend_ls.facts.model import Column, Model, ModuleFacts
from backend_ls.fixes import code_before, insert, insert_argument, replace
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Edit, Fix, Rule
from backend_ls.statement_checks import whole_module

MONEY_WORDS = frozenset(
    {"price", "amount", "cost", "balance", "total", "subtotal", "fee", "salary", "payment", "tax", "discount",
     "budget", "revenue", "credit", "debit"}
)
# Words that make a name a measure of something other than money: `tax_rate`, `discount_percent`,
# `credit_score`, `total_count`.
NOT_MONEY = frozenset({"rate", "ratio", "percent", "percentage", "pct", "score", "count", "weight", "factor"})
FLOAT_TYPES = frozenset({"Float", "FLOAT", "REAL", "Double", "DOUBLE", "DOUBLE_PRECISION", "FloatField"})
SQLALCHEMY_ORMS = frozenset({"sqlalchemy", "flask_sqlalchemy", "sqlmodel"})
NUMERIC = "Numeric(12, 2)"
DECIMAL_FIELD_ARGUMENTS = "max_digits=12, decimal_places=2"
# Where each fix's names come from, and the spellings a module may already have of them.
NUMERIC_IMPORT = ("from sqlalchemy import Numeric", "Numeric",
                  {"sqlalchemy.Numeric", "sqlalchemy.types.Numeric", "sqlalchemy.sql.sqltypes.Numeric"})
DECIMAL_IMPORT = ("from decimal import Decimal", "Decimal", {"decimal.Decimal"})
DECIMAL_FIELD_IMPORT = ("from django.db.models import DecimalField", "DecimalField",
                        {"django.db.models.DecimalField", "django.db.models.fields.DecimalField"})


class FloatForMoney(Rule):
    code = "DB003"
    scope = "statement"

    def check(self, context):
        for model in context.models:
            for column in model.columns:
                if not _is_float(model, column) or not _is_money(column):
                    continue
                kind = "a `FloatField`" if model.orm == "django" else "a floating-point column"
                yield self.finding(
                    column.name_span,
                    f"`{column.name}` holds money in {kind}, which cannot store most cent amounts exactly; "
                    "use a fixed-point decimal type.",
                    _fix(context.facts, model, column, context.lines),
                )


def _is_float(model: Model, column: Column) -> bool:
    if column.type_name is not None:
        return column.type_name in FLOAT_TYPES
    # No explicit type: SQLAlchemy 2.0 and SQLModel derive it from the annotation.
    return column.type_text is None and column.python_type == "float" and model.orm in SQLALCHEMY_ORMS


def _words(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [word for word in re.split(r"[_\W\d]+", spaced.lower()) if word]


def _singular(word: str) -> str:
    if word.endswith("ies"):
        return word[:-3] + "y"  # salaries
    if word.endswith("xes"):
        return word[:-2]  # taxes
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_money(column: Column) -> bool:
    for name in {column.name, column.column_name or column.name}:
        words = [_singular(word) for word in _words(name)]
        if any(word in MONEY_WORDS for word in words) and not any(word in NOT_MONEY for word in words):
            return True
    return False


def _fix(facts: ModuleFacts, model: Model, column: Column, lines: list[str]) -> Fix | None:
    """Django: `DecimalField(max_digits=12, decimal_places=2)`. SQLAlchemy: `Numeric(12, 2)` for an
    explicit float type, and `Decimal` for a `float` annotation (SQLModel: with `max_digits` and
    `decimal_places` on its `Field`). None where a part of it cannot be written safely."""
    edits: list[Edit] = []
    imports: list[tuple[str, str, set]] = []
    if model.orm == "django":
        name = _spelled(facts, column.type_text, "DecimalField", imports, DECIMAL_FIELD_IMPORT, django=True)
        if name is None or column.type_span is None or column.call_close_paren is None:
            return None
        edits.append(replace(column.type_span, name))
        edits.append(insert_argument(column.call_close_paren, lines, DECIMAL_FIELD_ARGUMENTS))
        title = "Use `DecimalField(max_digits=12, decimal_places=2)` (needs a migration)"
    else:
        explicit = column.type_name is not None
        if explicit:
            name = _spelled(facts, column.type_text, "Numeric", imports, NUMERIC_IMPORT)
            if name is None or column.type_span is None:
                return None
            edits.append(replace(column.type_span, name + NUMERIC[len("Numeric"):]))
        annotated = column.python_type == "float"
        if annotated:
            decimal = _spelled(facts, None, "Decimal", imports, DECIMAL_IMPORT)
            if column.python_type_span is None or decimal is None:
                return None
            edits.append(replace(column.python_type_span, decimal))
        if annotated and not explicit:
            # The type comes from the annotation: say the precision where the ORM takes it.
            edit = _precision(facts, model, column, lines, imports)
            if edit is None:
                return None
            edits.append(edit)
        if not edits:
            return None
        title = "Use `Numeric(12, 2)` (needs a migration)" if explicit else "Use `Decimal` (needs a migration)"
    if imports:  # one edit, so that editors keep the statements in order
        edits.append(insert((facts.import_end_line + 1, 0), "".join(sorted(statement + "\n" for statement, _, _ in imports))))
    return Fix(title, Applicability.UNSAFE, tuple(edits))


def _precision(facts, model: Model, column: Column, lines: list[str], imports) -> Edit | None:
    """SQLModel: `max_digits=12, decimal_places=2` on the Field; SQLAlchemy 2.0: `Numeric(12, 2)` as
    the type of `mapped_column(...)`, right after the column's name if it has one."""
    if column.call_close_paren is None:
        return None  # `price: Mapped[float]` or `price: float = 0`: no call to carry the precision
    arguments = column.argument_spans
    if model.orm == "sqlmodel":
        if {"max_digits", "decimal_places", "sa_column", "sa_type"} & set(column.keywords):
            return None
        return insert_argument(column.call_close_paren, lines, DECIMAL_FIELD_ARGUMENTS)
    name = _spelled(facts, None, "Numeric", imports, NUMERIC_IMPORT)
    if name is None:
        return None
    numeric = name + NUMERIC[len("Numeric"):]
    positional = [span for keyword, span in arguments if keyword is None]
    if positional and _is_string(lines, positional[0]):
        return insert(positional[0].end, f", {numeric}")
    if arguments:
        return insert(arguments[0][1].start, f"{numeric}, ")
    if code_before(lines, column.call_close_paren)[0] != "(":  # only `*args` / `**options`
        return None
    return insert(column.call_close_paren, numeric)


def _is_string(lines: list[str], span: Span) -> bool:
    line, column = span.start
    text = lines[line - 1][column:] if line - 1 < len(lines) else ""
    return re.match(r"[rRbBuUfF]{0,2}['\"]", text) is not None


def _spelled(facts: ModuleFacts, written: str | None, name: str, imports: list, needed, django: bool = False) -> str | None:
    """How this module can name `name` next to the type it replaces (`sa.Float` -> `sa.Numeric`,
    `models.FloatField` -> `models.DecimalField`, `Float` -> `Numeric`); else through a module it
    imports (`import sqlalchemy as sa`), else bare with an import. None when the bare name is needed
    but means something else here."""
    prefix = ""
    if written is not None:
        dotted = written.split("(", 1)[0].strip()
        prefix = dotted.rpartition(".")[0]
    if prefix and _usable_prefix(facts, prefix, django):
        return f"{prefix}.{name}"
    statement, binds, qualnames = needed
    module = statement.split()[1]
    aliases = [local for local, qualname in sorted(facts.imports.items()) if qualname == module and "." not in local]
    bound = facts.imports.get(binds)
    if bound in qualnames:
        return name
    taken = bound is not None or binds in facts.classes or any(
        a.target == binds and a.function is None and a.class_name is None for a in whole_module(facts).assignments
    )
    if aliases and (taken or written is None or prefix):  # keep a bare spelling bare where possible
        return f"{aliases[0]}.{name}"
    if taken:
        return None
    if needed not in imports:
        imports.append(needed)
    return name


def _usable_prefix(facts: ModuleFacts, prefix: str, django: bool) -> bool:
    """The prefix names SQLAlchemy's types module (`sa`, `sa.types`, a Flask-SQLAlchemy `db`) or
    Django's `models`, where the new type lives too; a dialect module (`postgresql.REAL`) is not."""
    head, _, rest = prefix.partition(".")
    target = facts.imports.get(head)
    if target is None:
        if django:
            return False
        return not rest and any(
            a.target == head and a.function is None and a.class_name is None
            and a.value.qualname == "flask_sqlalchemy.SQLAlchemy()"
            for a in whole_module(facts).assignments
        )
    full = f"{target}.{rest}" if rest else target
    if django:
        return full in ("django.db.models", "django.db.models.fields")
    return full in ("sqlalchemy", "sqlalchemy.types", "sqlalchemy.sql.sqltypes")
