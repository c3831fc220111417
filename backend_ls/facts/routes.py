"""Routes from decorators, with their full paths composed from the prefixes set in the module.

The frameworks differ only in data (which objects own routes, which decorators name a method,
how a prefix is set and registered), so each adapter module describes itself with a `Framework`
and this module does the work for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.model import Call, PathPart, Route, Value
from backend_ls.facts.walk import Walk, span_of
from backend_ls.positions import Span

HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")


@dataclass(frozen=True)
class Framework:
    name: str
    apps: frozenset[str]  # qualified names of the application classes
    routers: frozenset[str]  # blueprint / router classes, whose prefix is set where they are made
    route_decorators: frozenset[str]  # decorators that take `methods=`
    default_methods: tuple[str, ...]  # what a route decorator without `methods=` answers
    path_keyword: str  # the keyword name of the path argument
    prefix_keyword: str  # at the router's construction
    register_method: str  # `register_blueprint` / `include_router`
    register_prefix_keyword: str
    register_replaces_prefix: bool  # Flask: a url_prefix at registration replaces the blueprint's


def routes_in_module(walk: Walk, framework: Framework) -> list[Route]:
    owners = framework.apps | framework.routers
    routes: list[Route] = []
    for decorated in walk.decorated:
        for decorator in decorated.decorators:
            expression = decorator.children[1]
            if expression.type not in ("power", "atom_expr"):
                continue
            qualname = decorated.scope.resolve(expression)
            if qualname is None or not qualname.endswith("()"):
                continue
            owner_type, _, verb = qualname[:-2].rpartition(".")
            if owner_type[:-2] not in owners or not owner_type.endswith("()"):
                continue
            if verb in framework.route_decorators:
                method_names = None
            elif verb in HTTP_VERBS:
                method_names = (verb.upper(),)
            else:
                continue
            call = _decorator_call(walk, expression)
            if call is None:
                continue
            routes.extend(_routes_for(walk, framework, decorated.function.qualname, decorator, call, verb, method_names))
    return routes


def _decorator_call(walk: Walk, expression) -> Call | None:
    end = expression.end_pos
    for call in walk.calls:
        if call.span.start == expression.start_pos and call.span.end == end:
            return call
    return None


def _routes_for(walk, framework, handler, decorator, call: Call, verb, method_names):
    path_value = call.args[0] if call.args else call.keyword(framework.path_keyword)
    methods_value = call.keyword("methods") if method_names is None else None
    methods_explicit = True
    if method_names is None:
        if methods_value is None:
            method_names, methods_explicit = framework.default_methods, False
        elif isinstance(methods_value.literal, (list, tuple)) and all(
            isinstance(m, str) for m in methods_value.literal
        ):
            method_names = tuple(m.upper() for m in methods_value.literal)
        else:
            method_names = None
    own = PathPart(_static(path_value), path_value.span if path_value else None, "route")
    if path_value is None:
        own = PathPart("", None, "route")
    verb_leaf = decorator.children[1].children[-2].children[1]
    anchor = Span(decorator.start_pos, decorator.children[1].end_pos)
    owner = call.callee.rsplit(".", 1)[0] if call.callee else ""
    routes = []
    for prefix in _prefix_chains(walk, framework, owner, depth=0):
        routes.append(
            Route(
                framework=framework.name,
                methods=method_names,
                methods_explicit=methods_explicit,
                parts=(*prefix, own),
                handler=handler,
                anchor=anchor,
                path_value=path_value,
                methods_value=methods_value,
                verb_span=span_of(verb_leaf) if verb in HTTP_VERBS else None,
                decorator_close_paren=call.close_paren,
                owner=owner,
            )
        )
    return routes


def _static(value: Value | None) -> str | None:
    if value is None:
        return None
    return value.literal if value.kind == "str" and isinstance(value.literal, str) else None


def _part(value: Value | None, origin: str) -> PathPart:
    return PathPart(_static(value), value.span if value else None, origin)


def _prefix_chains(walk: Walk, framework: Framework, owner: str, depth: int) -> list[tuple[PathPart, ...]]:
    """Every chain of prefixes above the routes of `owner` that this module shows."""
    scope = walk.module_scope
    owner_type = scope.lookup(owner) if scope and "." not in owner else None
    if depth > 8 or owner_type is None or owner_type[:-2] in framework.apps:
        return [()]
    own_prefix = None
    for call in walk.calls:
        if call.assigned_to == owner and call.qualname in framework.routers:
            own_prefix = call.keyword(framework.prefix_keyword)
    own = (_part(own_prefix, "router"),) if own_prefix is not None else ()
    chains = []
    for call in walk.calls:
        if call.method != framework.register_method or not call.args or call.args[0].text != owner:
            continue
        parent = call.callee.rsplit(".", 1)[0] if call.callee else ""
        registered = call.keyword(framework.register_prefix_keyword)
        if registered is None:
            middle = own
        elif framework.register_replaces_prefix:
            middle = (_part(registered, "register"),)
        else:
            middle = (_part(registered, "register"), *own)
        for above in _prefix_chains(walk, framework, parent, depth + 1):
            chains.append((*above, *middle))
    return chains or [own]
