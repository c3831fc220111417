"""DB001: a foreign-key column that no index starts with."""

from __future__ import annotations

from backend_ls.facts.model import Column, Model
from backend_ls.fixes import insert_argument, remove_argument, replace
from backend_ls.model_resolution import ClassInfo, ModelResolver
from backend_ls.rules.base import Applicability, Fix, Rule

UNMAPPED = frozenset({"mixin", "abstract", "declarative"})


class FkWithoutIndex(Rule):
    code = "DB001"
    scope = "statement"

    def check(self, context):
        resolver = ModelResolver(context.facts, context.index)
        for model in context.models:
            for column in model.columns:
                if not _unindexed_foreign_key(model, column):
                    continue
                info = resolver.of_model(model)
                if _covered(resolver, info, column):
                    continue
                if model.orm == "django":
                    message = (f"Foreign key `{column.name}` is declared with `db_index=False` and no index starts "
                               "with it, so joins and cascading deletes scan the table; drop `db_index=False`.")
                else:
                    message = (f"Foreign key `{column.name}` has no index, so joins on it and deletes of the rows "
                               "it points to scan the table; add `index=True`.")
                yield self.finding(column.name_span, message, _fix(model, column, context.lines))


def _unindexed_foreign_key(model: Model, column: Column) -> bool:
    """A foreign key whose own declaration asks for no index (an undecidable flag is not a no)."""
    if column.foreign_key is None:
        return False
    if model.orm == "django":
        # Django indexes a ForeignKey unless told not to; a OneToOneField is unique.
        return column.type_name == "ForeignKey" and column.db_index_explicit_false and column.unique is False \
            and column.primary_key is False
    return column.index is False and column.unique is False and column.primary_key is False


def _covered(resolver: ModelResolver, info: ClassInfo, column: Column) -> bool:
    """An index of the table starts with the column; for a column a mixin or abstract model gives
    its subclasses, an index in each subclass's table does too. True where it cannot be told."""
    verdict = _table_covers(resolver, info, column)
    if verdict is not False:
        return True
    if info.kind in UNMAPPED and info.ref is not None:
        subclasses = [sub for sub in resolver.subclasses(info.ref) if sub.kind == "model"]
        return bool(subclasses) and all(_table_covers(resolver, sub, column) is not False for sub in subclasses)
    return False


def _table_covers(resolver: ModelResolver, info: ClassInfo, column: Column) -> bool | None:
    found = resolver.table_indexes(info, strict=False)
    if found is None:
        return None
    indexes, known = found
    names = {column.name, column.column_name}
    if any(index.columns and index.columns[0] in names for index in indexes):
        return True
    return None if not known else False


def _fix(model: Model, column: Column, lines: list[str]) -> Fix | None:
    arguments = dict((name, span) for name, span in column.argument_spans if name is not None)
    if model.orm == "django":
        span = arguments.get("db_index")
        if span is None:
            return None
        return Fix("Drop `db_index=False` (needs a migration)", Applicability.UNSAFE, (remove_argument(span, lines),))
    if column.call_close_paren is None or "sa_column_kwargs" in arguments:
        return None
    if "index" in arguments:
        edit = replace(arguments["index"], "index=True")
        return Fix("Set `index=True` (needs a migration)", Applicability.UNSAFE, (edit,))
    edit = insert_argument(column.call_close_paren, lines, "index=True")
    return Fix("Add `index=True` (needs a migration)", Applicability.UNSAFE, (edit,))
