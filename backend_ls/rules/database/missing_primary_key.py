"""DB002: a mapped model with no primary key."""

from __future__ import annotations

from backend_ls.model_resolution import ClassInfo, ClassRef, ModelResolver
from backend_ls.rules.base import Rule

# `__table_args__` options that read the columns from the database instead of the class.
REFLECTION_OPTIONS = frozenset({"autoload", "autoload_with", "autoload_replace", "keep_existing"})


class MissingPrimaryKey(Rule):
    code = "DB002"
    scope = "statement"

    def check(self, context):
        resolver = ModelResolver(context.facts, context.index)
        for model in context.models:
            if model.orm == "django":
                continue  # Django adds an `id` primary key to every model that declares none
            info = resolver.of_model(model)
            if info.kind != "model" or resolver.inherits_mapped(info) is not False:
                continue
            columns = resolver.columns(info)
            if columns is None or any(column.primary_key is not False for _, column in columns):
                continue
            found = resolver.table_indexes(info)
            if found is None or not found[1] or any(index.kind == "primary_key" for index in found[0]):
                continue
            if _mapped_elsewhere(resolver, info):
                continue
            yield self.finding(
                model.name_span,
                f"Model `{model.name}` has no primary key, so its rows cannot be told apart and the ORM "
                "cannot map it; declare a key column such as `id` with `primary_key=True`.",
            )


def _mapped_elsewhere(resolver: ModelResolver, info: ClassInfo) -> bool:
    """The table or the key comes from somewhere the class body does not show: `__table__`, a
    `__mapper_args__` primary key (or one that cannot be read), reflected table arguments."""
    for item in resolver.lineage(info):
        if item.ref is None:
            continue
        if resolver.declares(item.ref, "__table__"):
            return True
        mapper = resolver.class_assignment(item.ref, "__mapper_args__")
        if mapper is not None and (mapper.value.kind != "dict" or any(key.literal == "primary_key" for key, _ in mapper.value.items)):
            return True
        if f"{item.ref.qualname}.__mapper_args__" in (resolver.facts_of(item.ref.path) or resolver.facts).functions:
            return True
        if _reflected(resolver, item.ref):
            return True
    return False


def _reflected(resolver: ModelResolver, ref: ClassRef) -> bool:
    table_args = resolver.class_assignment(ref, "__table_args__")
    if table_args is None:
        return False
    value = table_args.value
    options = value if value.kind == "dict" else (value.elements[-1] if value.kind == "tuple" and value.elements else None)
    if options is None or options.kind != "dict":
        return False
    return any(key.literal in REFLECTION_OPTIONS for key, _ in options.items)
