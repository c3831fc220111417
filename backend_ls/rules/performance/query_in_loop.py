"""PERF002: a database query run once per item of a collection."""

from __future__ import annotations

from backend_ls.query_resolution import built_by
from backend_ls.rules.base import Rule

# Writes that insert the row they are given: a loop of them is a batching question, not a query
# per item (left to the write checks).
INSERTS = frozenset({"create", "bulk_create", "bulk_update"})


class QueryInLoop(Rule):
    code = "PERF002"
    scope = "statement"

    def check(self, context):
        seen = set()
        queries = context.facts.queries
        for query in queries:
            if not (query.in_loop and query.executes) or query.terminal in INSERTS:
                continue
            # One finding per query: `result = session.execute(stmt)` then `result.scalars()`
            # is the same round trip.
            key = (query.origin, query.function)
            if key in seen:
                continue
            seen.add(key)
            built = built_by(query, [q for q in queries if q.origin == query.origin and q.function == query.function])
            yield self.finding(
                (built if built.in_loop else query).span,
                "This query runs once for every item of the loop; fetch the rows for all items with one "
                "query before the loop (an `IN` filter) and look them up in a dict.",
            )
