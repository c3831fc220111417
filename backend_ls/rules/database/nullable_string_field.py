"""DB006: a Django text field that allows NULL."""

from __future__ import annotations

from backend_ls.fixes import remove_argument
from backend_ls.rules.base import Applicability, Fix, Rule

STRING_FIELDS = frozenset({"CharField", "TextField", "SlugField", "EmailField", "URLField"})


class NullableStringField(Rule):
    code = "DB006"
    scope = "statement"

    def check(self, context):
        for model in context.models:
            if model.orm != "django":
                continue
            for column in model.columns:
                if column.type_name not in STRING_FIELDS or column.nullable is not True or column.unique is not False:
                    continue
                yield self.finding(
                    column.name_span,
                    f"`{column.name}` allows NULL as well as the empty string, so \"no value\" has two "
                    "spellings; drop `null=True` and store \"\" instead.",
                    _fix(column, context.lines),
                )


def _fix(column, lines) -> Fix | None:
    arguments = [(name, span) for name, span in column.argument_spans if name is not None]
    spans = dict(arguments)
    if "null" not in spans:
        return None
    default = spans.get("default")
    if default is not None and _value_text(lines, default).strip() == "None":
        return None  # the default itself would break NOT NULL
    return Fix("Drop `null=True` (needs a migration)", Applicability.UNSAFE, (remove_argument(spans["null"], lines),))


def _value_text(lines, span) -> str:
    """The text after `=` of a one-line keyword argument."""
    (line, start), (end_line, end) = span.start, span.end
    if line != end_line or line - 1 >= len(lines):
        return ""
    return lines[line - 1][start:end].split("=", 1)[-1]
