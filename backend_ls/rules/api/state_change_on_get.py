"""API001: a handler reachable by GET that changes data."""

from __future__ import annotations

from backend_ls.facts.model import Route
from backend_ls.facts.writes import Write, sets_attributes, writes_in
from backend_ls.fixes import add_import, insert, insert_keyword_argument, replace
from backend_ls.rules.base import Applicability, Fix, Related, Rule
from backend_ls.statement_checks import whole_module

# Methods a client treats as safe to repeat; the fix takes them off a route that writes.
READ_METHODS = ("GET", "HEAD")
MAX_RELATED = 5


def method_for(writes: list[Write], assigns_attributes: bool = False) -> str:
    """The method that says what the handler does: DELETE when it only deletes, PATCH when it
    changes existing records, POST for anything else (a create, or a write of unknown nature).
    A commit persists what the handler did before it: attributes it set make it an update."""
    kinds = {write.kind for write in writes} - {"commit"}
    if not kinds and assigns_attributes:
        kinds = {"update"}
    if kinds == {"delete"}:
        return "DELETE"
    if "update" in kinds and kinds <= {"update", "delete"}:
        return "PATCH"
    return "POST"


class StateChangeOnGet(Rule):
    code = "API001"
    scope = "statement"

    def check(self, context):
        seen = set()
        for route in context.routes:
            if route.methods is None or not _reachable_by_get(route) or route.anchor in seen:
                continue
            writes = writes_in(context.facts, route.handler, "GET")
            if not writes:
                continue
            seen.add(route.anchor)
            method = method_for(writes, sets_attributes(context.facts, route.handler))
            related = [Related(context.path, w.span, f"writes here: `{w.label}`") for w in writes[:MAX_RELATED]]
            yield self.finding(
                route.anchor,
                f"`{route.handler}` answers GET but changes data (`{writes[0].label}`); serve it with "
                f"{method}, since clients, crawlers and caches repeat GET requests freely.",
                _fix(route, method, context),
                related,
            )


def _reachable_by_get(route: Route) -> bool:
    """GET reaches the route: it lists GET, or it is a Django function view open to every method."""
    return "GET" in route.methods or (route.framework == "django" and "ANY" in route.methods)


def _fix(route: Route, method: str, context) -> Fix | None:
    if route.framework == "django" and "ANY" in (route.methods or ()):
        return _restrict_django_view(route, method, context)
    if route.verb_span is not None:  # `@app.get(...)`
        return Fix(
            f"Change the method to {method}",
            Applicability.UNSAFE,
            (replace(route.verb_span, method.lower()),),
        )
    if route.methods_value is not None:
        text = _methods_without_get(route.methods_value.text, route.methods_value.literal, method)
        if text is None:
            return None
        remaining = [m for m in route.methods or () if m not in READ_METHODS]
        title = "Remove GET from the methods" if remaining else f"Change the method to {method}"
        return Fix(title, Applicability.UNSAFE, (replace(route.methods_value.span, text),))
    function = context.facts.functions.get(route.handler)
    if function is not None and function.class_name and function.name == "get":
        # A class-based view answers GET through its `get` method: rename it, unless the class
        # has a method of the new name already.
        if f"{function.class_name}.{method.lower()}" in context.facts.functions:
            return None
        return Fix(
            f"Rename `get` to `{method.lower()}`",
            Applicability.UNSAFE,
            (replace(function.name_span, method.lower()),),
        )
    if not route.methods_explicit:  # Flask's `route` (and `api_route`) default to GET
        call = next((c for c in context.facts.calls if c.close_paren == route.decorator_close_paren), None)
        if call is None or call.star_kwargs:
            return None
        quote = _quote_of(route.path_value.text if route.path_value else "")
        argument = f"methods=[{quote}{method}{quote}]"
        return Fix(f"Add `{argument}`", Applicability.UNSAFE, (insert_keyword_argument(call, context.lines, argument),))
    return None


def _methods_without_get(text: str, literal, method: str) -> str | None:
    """The methods literal with GET (and HEAD) taken out, or `method` alone if nothing is left;
    its brackets, quotes and letter case kept."""
    if not isinstance(literal, (list, tuple)) or text[:1] not in "[(":
        return None
    remaining = [m for m in literal if m.upper() not in READ_METHODS]
    if not remaining:
        get = next((m for m in literal if m.upper() == "GET"), "GET")
        remaining = [method.lower() if get.islower() else method]
    quote = _quote_of(text)
    items = ", ".join(f"{quote}{m}{quote}" for m in remaining)
    if text[0] == "(":
        return f"({items},)" if len(remaining) == 1 else f"({items})"
    return f"[{items}]"


def _quote_of(text: str) -> str:
    for character in text:
        if character in "'\"":
            return character
    return '"'


def _restrict_django_view(route: Route, method: str, context) -> Fix | None:
    """`@require_POST` (or `@require_http_methods([...])`) above a function view, with its import."""
    function = context.facts.functions.get(route.handler)
    if function is None or function.class_name is not None or route.anchor != function.def_span:
        return None
    name = "require_POST" if method == "POST" else "require_http_methods"
    qualname = f"django.views.decorators.http.{name}"
    bound = context.facts.imports.get(name)
    if bound not in (None, qualname) or any(a.target == name and a.function is None for a in whole_module(context.facts).assignments):
        return None  # the name means something else here
    decorator = "@require_POST" if method == "POST" else f'@require_http_methods(["{method}"])'
    line, column = function.def_span.start
    edits = [insert((line, 0), " " * column + decorator + "\n")]
    added = add_import(context.facts, f"from django.views.decorators.http import {name}", name, qualname)
    if added is not None:
        edits.insert(0, added)
    return Fix(f"Allow only {method} with `{decorator}`", Applicability.UNSAFE, tuple(edits))
