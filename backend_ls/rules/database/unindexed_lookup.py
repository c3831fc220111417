"""DB004: a column the code looks single records up by, with no index to find them."""

from __future__ import annotations

from backend_ls.fixes import insert_argument
from backend_ls.model_resolution import ClassRef
from backend_ls.query_resolution import QueryResolver
from backend_ls.rules.base import Applicability, Fix, Related, Rule

EQUALITY = ("==", "pk")


class UnindexedLookup(Rule):
    code = "DB004"

    def inputs(self, context):
        # The lookups of every module (this one's, and the index's generation for the others'),
        # the models and the settings: a body edit that changes no query leaves the findings be.
        return (context.facts.queries, context.facts.query_loops, *_model_inputs(context), context.index_stamp, context.settings)

    def check(self, context):
        facts = context.facts
        if not facts.models:
            return
        resolver = QueryResolver(facts, context.index)
        names = self.model_names(resolver)
        found: dict[tuple[str, str], tuple] = {}
        # Models' columns and indexes, settled once for all their lookups, and what each lookup
        # settled to; in the editor, kept while the models are the same, as an edit to a query runs
        # the check again. That edit settles its query's lookups again, not the hundreds of a
        # module: queries are the same objects while their statements are unchanged.
        tables, settled = context.across_edits(_settled, _model_inputs(context))
        now = {}
        for path, query, written, lookups in _candidates(resolver, context.index, names):
            kept = settled.get((id(query), written))
            if kept is None or kept[0] is not query:
                kept = (query, self.unindexed(resolver, path, query, written, lookups, tables))
            now[(id(query), written)] = kept
            target = kept[1]
            if target is None:
                continue
            owner, column, lookup = target
            key = (owner.qualname, column.name)
            entry = found.setdefault(key, (owner, column, []))
            entry[2].append(Related(path, lookup.span, f"`{owner.name}` looked up by `{column.name}` here"))
        settled.clear()  # the lookups of queries gone go with them
        settled.update(now)
        for owner, column, related in sorted(found.values(), key=lambda entry: entry[1].name_span):
            places = "once" if len(related) == 1 else f"in {len(related)} places"
            yield self.finding(
                column.name_span,
                f"Single `{owner.name}` records are looked up by `{column.name}` ({places}) but it has no index, "
                f"so every lookup scans the table; index it.",
                _fix(context, owner, column),
                related=sorted(related, key=lambda r: (r.path, r.span)),
            )

    @staticmethod
    def model_names(resolver: QueryResolver) -> set[str]:
        """The class names a lookup must name to concern this module's columns: its models, and the
        models that inherit a column from one of its mixins or abstract models."""
        names = {model.name for model in resolver.facts.models}
        for model in resolver.facts.models:
            if model.is_mixin or model.abstract:
                for info in resolver.models.subclasses(ClassRef(resolver.path, model.qualname)):
                    if info.model is not None:
                        names.add(info.model.name)
        return names

    @staticmethod
    def unindexed(resolver: QueryResolver, path: str, query, written, lookups, tables: dict | None = None):
        """(declaring model, column, lookup) when a lookup's columns all lack an index and the first
        one is declared in the checked module; None otherwise or when it cannot be told."""
        located = resolver.lookup_model(path, query, written)
        if located is None:
            return None
        model_path, model = located
        key = (model_path, model.qualname)
        settled = tables.get(key) if tables is not None else None
        if settled is None:
            settled = _settled_table(resolver, model_path, model)
            if tables is not None:
                tables[key] = settled
        info, columns, indexes, known, by_name, by_column = settled
        if columns is None:
            return None
        first = None
        for lookup in sorted(lookups, key=lambda lookup: lookup.span):
            if lookup.operator == "pk" or lookup.column == "pk":
                return None
            entry = by_name.get(lookup.column) or (by_column.get(lookup.column) if model.orm == "django" else None)
            if entry is None:
                if model.orm == "django" and lookup.column == "id":
                    return None  # Django's implicit primary key
                return None  # a column this check cannot see
            item, column = entry
            indexed = _indexed(column, indexes, model.orm)
            if indexed is not False:
                return None  # indexed, or cannot be told
            if not known:
                return None
            if first is None:
                first = (item, column, lookup)
        if first is None:
            return None
        item, column, lookup = first
        if item.ref is None or item.ref.path != resolver.path or item.model is None:
            return None
        return item.model, column, lookup


def _model_inputs(context) -> tuple:
    """What the models' columns and indexes are settled from."""
    facts = context.facts
    stamp = context.index.model_stamp() if context.index is not None else None
    return (facts.models, facts.imports, facts.classes, context.assignments_outside_functions, stamp)


def _settled() -> tuple[dict, dict]:
    """Models' settled tables by (path, qualname), and lookups' targets by (id of the query, the
    model as written) with the query kept."""
    return {}, {}


def _indexed(column, indexes, orm: str) -> bool | None:
    flags = (column.primary_key, column.index, column.unique)
    if any(flag for flag in flags):
        return True
    names = {column.name}
    if orm != "django" and column.column_name:
        names.add(column.column_name)
    if any(index.columns and index.columns[0] in names for index in indexes):
        return True
    if any(flag is None for flag in flags):
        return None
    return False


def _lookup_groups(path: str, queries) -> list:
    """(query, model as written, its equality lookups) of every single-record query of a module.
    Kept while its tuple of queries is the same: a module's are asked for twice a check (its own,
    and the index's table), and the index's table is made again whenever a module's queries change."""
    kept = _GROUPS.get(path)
    if kept is not None and kept[0] is queries:
        return kept[1]
    found = []
    for query in queries:
        if not query.single:
            continue
        groups: dict[str | None, list] = {}
        for lookup in query.lookups:
            if lookup.operator in EQUALITY:
                groups.setdefault(lookup.model, []).append(lookup)
        for written, lookups in groups.items():
            found.append((query, written, lookups))
    if len(_GROUPS) > 4096:
        _GROUPS.clear()
    _GROUPS[path] = (queries, found)
    return found


_GROUPS: dict[str, tuple] = {}  # module path -> (its tuple of queries, their lookup groups)


def _lookups_by_model_name(index) -> dict[str, list]:
    """Every module's single-record lookups, by the model name they name; kept by the index until
    what modules export changes, since every model module asks on every keystroke."""
    table: dict[str, list] = {}
    for path, module in list(index.modules.items()):
        for query, written, lookups in _lookup_groups(path, module.facts.queries):
            for name in {_last(written or query.model), _last(query.model_qualname)} - {None}:
                table.setdefault(name, []).append((path, query, written, lookups))
    return table


def _settled_table(resolver: QueryResolver, model_path: str, model) -> tuple:
    """A model's class, columns (by attribute and by column name), table indexes and whether
    they are all known; columns None when they cannot be told."""
    info = resolver.models.of_class(ClassRef(model_path, model.qualname))
    columns = resolver.models.columns(info)
    tables = resolver.models.table_indexes(info)
    if columns is None or tables is None:
        return info, None, None, None, None, None
    indexes, known = tables
    by_name = {column.name: (item, column) for item, column in columns}
    by_column = {column.column_name: (item, column) for item, column in columns if column.column_name}
    return info, columns, indexes, known, by_name, by_column


def _candidates(resolver: QueryResolver, index, names: set[str]):
    """The lookups that may concern this module's columns: its own (from its current facts), then
    those of every other module that name one of its models."""
    def wanted(query, written):
        return _last(written or query.model) in names or _last(query.model_qualname) in names

    for query, written, lookups in _lookup_groups(resolver.path, resolver.facts.queries):
        if wanted(query, written):
            yield resolver.path, query, written, lookups
    if index is None:
        return
    seen = set()
    table = index.memo("unindexed-lookup", _lookups_by_model_name)
    for name in sorted(names):
        for path, query, written, lookups in table.get(name, ()):
            if path == resolver.path or (id(query), written) in seen:
                continue
            seen.add((id(query), written))
            yield path, query, written, lookups


def _last(text: str | None) -> str | None:
    return text.rsplit(".", 1)[-1] if text else None


def _fix(context, owner, column) -> Fix | None:
    keyword = "db_index" if owner.orm == "django" else "index"
    if column.call_close_paren is None or keyword in column.keywords or "index" in column.keywords:
        return None
    edit = insert_argument(column.call_close_paren, context.lines, f"{keyword}=True")
    return Fix(f"Add `{keyword}=True` (needs a migration)", Applicability.UNSAFE, (edit,))
