"""PERF001: a loop over a query's rows that reads a lazily loaded relationship of each row."""

from __future__ import annotations

from backend_ls.fixes import add_import, insert
from backend_ls.query_resolution import QueryResolver, Relation
from backend_ls.rules.base import Applicability, Fix, Related, Rule

# Strategies after which reading the relationship in the loop costs no query per row (`raiseload`
# and `noload` make it fail or empty instead, which is not an N+1 either).
COVERING = frozenset(
    {"joinedload", "selectinload", "subqueryload", "immediateload", "contains_eager", "raiseload", "noload",
     "select_related", "prefetch_related"}
)
# A relationship declared with one of these never loads row by row on access. "dynamic" and
# "write_only" give a query object instead, which eager loading cannot help: left alone.
LAZY = "select"
SQLALCHEMY_ORMS = ("sqlalchemy", "flask_sqlalchemy", "sqlmodel")


class NPlusOne(Rule):
    code = "PERF001"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        if not facts.query_loops:
            return
        resolver = QueryResolver(facts, context.index)
        by_span = {query.span: query for query in facts.queries}
        for loop in facts.query_loops:
            source = self.source(resolver, loop, by_span)
            if source is None:
                continue
            path, queries, local = source
            if any(query.entity != "model" or query.single or query.eager_unknown for query in queries):
                continue
            models = {resolver.model_of(path, query) for query in queries}
            if len(models) != 1 or None in models:
                continue
            model_path, model = models.pop()
            relations = resolver.relations(model_path, model)
            reported = set()
            for read in loop.reads:
                relation = relations.get(read.attribute)
                if relation is None or relation.lazy != LAZY or read.attribute in reported:
                    continue
                if any(_covered(query, relation, model) for query in queries):
                    continue
                reported.add(read.attribute)
                yield self.finding(
                    read.span,
                    f"`{loop.item}.{read.attribute}` runs one more query for every row of this loop; "
                    f"eager-load `{read.attribute}` on the query.",
                    _fix(context, local, relation) if local is not None else None,
                    related=(Related(relation.path, relation.relationship.name_span,
                                     _relation_note(relation)),),
                )

    @staticmethod
    def source(resolver: QueryResolver, loop, by_span):
        """(module, the queries whose rows the loop reads, the query of this module a fix edits)."""
        if loop.query is not None:
            query = by_span.get(loop.query)
            if query is None:
                return None
            return resolver.path, [query], query
        if loop.helper is None:
            return None
        found = resolver.function(resolver.path, loop.helper.text, loop.helper.qualname, loop.function)
        if found is None:
            return None
        path, facts, function = found
        queries = resolver.returned(facts, function)
        if not queries:
            return None
        return path, queries, None


def _covered(query, relation: Relation, model) -> bool:
    for load in query.eager:
        if load.strategy not in COVERING:
            continue
        if load.path[:1] == (relation.name,) or load.path == ("*",):
            return True
        if load.path == () and load.strategy == "select_related" and _followed_by_default(relation, model):
            return True
    return False


def _followed_by_default(relation: Relation, model) -> bool:
    """Django's `select_related()` with no fields follows the foreign keys that cannot be null."""
    if relation.reverse or relation.kind not in ("many-to-one", "one-to-one"):
        return False
    column = relation.owner.column(relation.name)
    return column is not None and column.nullable is False


def _relation_note(relation: Relation) -> str:
    if relation.reverse:
        return f"`{relation.name}` is the reverse side of `{relation.owner.name}.{relation.relationship.name}`, loaded lazily"
    return f"`{relation.owner.name}.{relation.name}` is a relationship loaded lazily"


def _fix(context, query, relation: Relation) -> Fix | None:
    if query.insert_options is None or query.model is None:
        return None
    if query.orm == "django":
        forward = not relation.reverse and relation.kind in ("many-to-one", "one-to-one")
        method = "select_related" if forward or (relation.reverse and relation.kind == "one-to-one") else "prefetch_related"
        text = f'.{method}("{relation.name}")'
        return Fix(f"Add `{text}` to the query", Applicability.UNSAFE, (insert(query.insert_options, text),))
    if query.orm not in SQLALCHEMY_ORMS:
        return None
    bound = context.facts.imports.get("selectinload")
    if bound is not None and bound != "sqlalchemy.orm.selectinload":
        return None  # the name means something else here
    text = f".options(selectinload({query.model}.{relation.name}))"
    edits = [insert(query.insert_options, text)]
    added = add_import(context.facts, "from sqlalchemy.orm import selectinload", "selectinload", "sqlalchemy.orm.selectinload")
    if added is not None:
        edits.insert(0, added)
    return Fix(f"Add `{text}` to the query", Applicability.UNSAFE, tuple(edits))
