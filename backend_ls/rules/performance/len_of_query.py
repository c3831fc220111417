"""PERF005: `len()` of a query's rows when only the count is used."""

from __future__ import annotations

from backend_ls.facts.queries import DJANGO_RUNS, LEGACY_RUNS
from backend_ls.fixes import replace
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Fix, Rule


class LenOfQuery(Rule):
    code = "PERF005"
    scope = "statement"

    def check(self, context):
        for query in context.facts.queries:
            if query.terminal != "len":
                continue
            if query.from_variable is not None and not (
                query.variable_uses and set(query.variable_uses) <= {"len"}
            ):
                continue  # the rows are used too: counting them in Python costs nothing more
            yield self.finding(
                query.span,
                "`len()` loads every row only to count them; let the database count with `.count()`.",
                _fix(context, query),
            )


def _fix(context, query) -> Fix | None:
    if query.orm == "django":
        if not query.executes or any(step.name in DJANGO_RUNS for step in query.steps):
            return None  # a list fetched earlier, or no queryset any more
        counted = _text(context.lines, query.wrapped) if query.wrapped is not None else query.from_variable
    elif query.orm in ("sqlalchemy", "flask_sqlalchemy") and query.wrapped is not None and query.from_variable is None:
        last = query.steps[-1] if query.steps else None
        runs = [step for step in query.steps if step.name in LEGACY_RUNS]
        # the Query API only: a 2.0 `select()` run by the session has no `.count()`
        if last is None or last.name != "all" or runs != [last] or query.step("execute") or query.step("scalars"):
            return None
        counted = _text(context.lines, _before(query.wrapped, last.span.start))
    else:
        return None
    if counted is None:
        return None
    counted = counted.rstrip()
    if "\n" in counted:  # the parentheses of `len(...)` held its lines together
        counted = f"({counted})"
    return Fix("Use `.count()`", Applicability.SAFE, (replace(query.span, f"{counted}.count()"),))


def _before(span: Span, point) -> Span:
    return Span(span.start, point)


def _text(lines: list[str], span) -> str | None:
    (start_line, start_column), (end_line, end_column) = span.start, span.end
    if end_line > len(lines):
        return None
    if start_line == end_line:
        return lines[start_line - 1][start_column:end_column]
    return lines[start_line - 1][start_column:] + "".join(lines[start_line:end_line - 1]) + lines[end_line - 1][:end_column]
