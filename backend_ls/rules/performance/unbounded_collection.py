"""PERF003: a GET endpoint that returns every row of a table."""

from __future__ import annotations

from backend_ls.facts import drf
from backend_ls.query_resolution import built_by
from backend_ls.rules.base import Rule

# How a query hands over all of its rows.
EVERY_ROW = frozenset({"all", "iter", "list", "tuple", "sorted", "set", "fetchall"})
GET_METHODS = ("GET", "ANY")
LIST_VIEWS = ("ListAPIView", "ListCreateAPIView")


class UnboundedCollection(Rule):
    code = "PERF003"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        reported = set()
        for route in context.routes:
            if not any(method in GET_METHODS for method in route.methods or ()):
                continue
            if route.handler in facts.functions:
                found = self.handler_query(context, route.handler)
            elif route.view_class is not None and route.framework == "drf" and self.lists(facts, route):
                found = self.list_view_query(context, route)
            else:
                continue
            if found is None or found.span in reported:
                continue
            reported.add(found.span)
            model = f" of `{found.model}`" if found.model else ""
            yield self.finding(
                found.span,
                f"This GET endpoint returns every row{model}, however many there are; add a limit or paginate it.",
            )

    def handler_query(self, context, handler: str):
        facts = context.facts
        if any("paginat" in (call.name or call.method or "").lower() for call in facts.calls_in(handler)):
            return None  # the handler pages its rows itself (`self.paginate_queryset(...)`)
        groups: dict = {}
        for query in facts.queries:
            if query.function == handler:
                groups.setdefault(query.origin, []).append(query)
        for queries in groups.values():
            found = _unbounded(queries)
            if found is not None:
                return found
        return None

    @staticmethod
    def lists(facts, route) -> bool:
        """A DRF view whose GET lists: a viewset's `list` action or a generic list view."""
        if route.action == "list":
            return True
        if not route.handler.endswith(".get"):
            return False
        classdef = facts.classes.get(route.view_class)
        return classdef is not None and any(
            (base.qualname or base.text).rsplit(".", 1)[-1] in LIST_VIEWS for base in classdef.bases
        )

    def list_view_query(self, context, route):
        option = next((o for o in route.view_options if o.name == "pagination_class"), None)
        if option is not None and option.value.kind != "none":
            return None
        if option is None and _default_pagination(context) is not False:
            return None  # a default pagination class applies, or the settings cannot be read
        facts = context.facts
        queries = [
            query for query in facts.queries
            if (query.class_name == route.view_class and query.variable == "queryset")
            or (query.function == f"{route.view_class}.get_queryset" and query.returned)
        ]
        groups: dict = {}
        for query in facts.queries:
            if any(query.origin == chosen.origin for chosen in queries):
                groups.setdefault(query.origin, []).append(query)
        for chosen in queries:
            group = groups.get(chosen.origin, [chosen])
            if not any(query.limited for query in group) and not chosen.executed:
                return chosen
        return None


def _unbounded(queries):
    """The query of a group (one query followed through its names) that hands over every row."""
    if any(query.limited or "paginate" in query.variable_uses or "paginat" in (query.argument_of or "").lower()
           for query in queries):
        return None
    if any(query.variable is not None and query.variable_uses and set(query.variable_uses) <= {"len"}
           for query in queries):
        return None  # only counted: PERF005's finding
    ran = None
    for query in sorted(queries, key=lambda query: query.span):
        if query.executes:
            ran = query
        if query.in_loop or query.single:
            continue
        if query.terminal in EVERY_ROW:
            # the call that ran it, when the rows are read later (`result.scalars()`)
            found = query if query.executes or ran is None else ran
            return built_by(found, queries)
    if all(not query.executed for query in queries):
        for query in queries:  # a lazy queryset handed to a template or a response
            if query.orm == "django" and query.step("all") is not None and not query.in_loop:
                return query
    return None


def _default_pagination(context) -> bool | None:
    """Whether REST_FRAMEWORK sets a default pagination class; None when it cannot be told."""
    if context.index is not None:
        from backend_ls.django_routes import rest_framework_settings

        settings = [entries for _, entries in rest_framework_settings(context.index)]
    else:
        own = drf.rest_framework_defaults(context.facts)
        if own is None:
            return None
        settings = [own]
    for entries in settings:
        value = entries.get("DEFAULT_PAGINATION_CLASS")
        if value is not None and value.kind != "none":
            return True
    return False
