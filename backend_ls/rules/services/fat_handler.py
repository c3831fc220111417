"""SVC004: a route handler that does the service layer's work itself."""

from __future__ import annotations

from backend_ls.facts.http_calls import is_outbound_http
from backend_ls.facts.model import ModuleFacts
from backend_ls.facts.writes import writes_in
from backend_ls.rules.base import Rule

# Writes that touch the database themselves; a call named like a write (`create_order(...)`,
# `service.delete_user(...)`) is delegation to another layer, which is what a thin handler does.
DIRECT_WRITES = frozenset({"session", "manager", "query", "record", "builder", "sql"})


class FatHandler(Rule):
    code = "SVC004"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        limit = context.settings.fat_handler_statements
        for handler in context.handlers():
            function = facts.functions.get(handler)
            if function is None:
                continue  # the code that runs is in another module or in the framework
            reasons = []
            body = facts.body_of(handler)
            if body is not None and body.statements > limit:
                reasons.append(f"has {body.statements} statements (more than {limit})")
            calls = facts.calls_in(handler)
            if any(is_outbound_http(call) for call in calls) and _queries_database(facts, handler):
                reasons.append("both queries the database and calls another service")
            if not reasons:
                continue
            yield self.finding(
                function.def_span,
                f"The handler `{function.name}` {' and '.join(reasons)}; move that work into a service "
                "layer so the handler only turns requests into calls and results into responses.",
            )


def _queries_database(facts: ModuleFacts, handler: str) -> bool:
    """The handler reaches the database itself: an ORM query (facts/queries.py) or a direct write."""
    if any(query.function == handler for query in facts.queries):
        return True
    return any(write.how in DIRECT_WRITES for write in writes_in(facts, handler))
