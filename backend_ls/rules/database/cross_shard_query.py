"""DB007: a query on a sharded model that does not say which shard it needs."""

from __future__ import annotations

from backend_ls.rules.base import Rule

INSERTS = frozenset({"create", "bulk_create", "bulk_update"})
# Constraints that name the shard (or a few of them) rather than scanning all.
NARROWING = frozenset({"==", "in", "iexact", "pk"})


class CrossShardQuery(Rule):
    code = "DB007"
    scope = "statement"

    def check(self, context):
        sharding = context.settings.sharding
        if not sharding:
            return
        seen = set()
        for query in context.facts.queries:
            if not query.executes or query.terminal in INSERTS or query.model is None:
                continue
            name = _last(query.model_qualname) or _last(query.model)
            key = sharding.get(name) or sharding.get(_last(query.model))
            if key is None or query.lookups_unknown:
                continue
            if any(_constrains(lookup, key, query) for lookup in query.lookups):
                continue
            origin = (query.origin, query.function)
            if origin in seen:
                continue
            seen.add(origin)
            yield self.finding(
                query.span,
                f"`{name}` is sharded by `{key}`, but this query does not filter on it, so it has to ask "
                f"every shard; constrain `{key}`.",
            )


def _last(text: str | None) -> str | None:
    return text.rsplit(".", 1)[-1] if text else None


def _constrains(lookup, key: str, query) -> bool:
    if lookup.operator not in NARROWING:
        return False
    if lookup.model is not None and _last(lookup.model) != _last(query.model):
        return False  # a column of another (joined) model
    if lookup.operator == "pk" or lookup.column == "pk":
        return key in ("id", "pk")
    # Django names a foreign key by its field (`tenant=`), the column is `tenant_id`.
    return lookup.column == key or f"{lookup.column}_id" == key
