"""Routes from decorators, and the routers and registrations that give them their prefixes.

The frameworks differ only in data (which objects own routes, which decorators name a method,
how a prefix is set and registered), so each adapter module describes itself with a `Framework`
and this module does the work for all of them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from backend_ls.facts.model import Call, PathPart, Registration, RequestHook, Route, RouterDef, Value
from backend_ls.facts.walk import Walk, code_of, span_of
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
    route_method: str = ""  # a call that registers a route: `add_url_rule`, `add_api_route`
    view_keyword: str = ""  # its handler argument: `view_func`, `endpoint`
    view_position: int = 1  # ... and that argument's position
    class_views: frozenset[str] = frozenset()  # classes whose methods are the handlers
    hook_decorators: frozenset[str] = frozenset()  # `before_request` and friends


def symbol_of(walk: Walk, dotted: str | None) -> str | None:
    """The import path of a dotted name whose first name is imported: `users.bp` -> "app.users.bp"."""
    if not dotted:
        return None
    first, _, rest = dotted.partition(".")
    imported = walk.imports.get(first)
    if imported is None:
        return None
    return f"{imported}.{rest}" if rest else imported


def routers_in_module(walk: Walk, framework: Framework) -> list[RouterDef]:
    definitions = []
    for call in walk.calls:
        if call.assigned_to is None or call.function is not None:
            continue
        is_app = call.qualname in framework.apps
        if not is_app and call.qualname not in framework.routers:
            continue
        prefix = call.keyword(framework.prefix_keyword)
        definitions.append(
            RouterDef(
                name=call.assigned_to,
                framework=framework.name,
                is_app=is_app,
                prefix=_part(prefix, "router") if prefix is not None else None,
                dependencies=_dependencies(call),
                span=call.span,
            )
        )
    return definitions


def registrations_in_module(walk: Walk, framework: Framework) -> list[Registration]:
    registrations = []
    for call in walk.calls:
        if not _method_is(call, framework.register_method) or not call.args:
            continue
        parent = call.callee.rsplit(".", 1)[0]
        child = call.args[0].text
        prefix = call.keyword(framework.register_prefix_keyword)
        registrations.append(
            Registration(
                parent=parent,
                child=child,
                parent_symbol=symbol_of(walk, parent),
                child_symbol=symbol_of(walk, child),
                framework=framework.name,
                prefix=_part(prefix, "register") if prefix is not None else None,
                replaces_prefix=framework.register_replaces_prefix,
                dependencies=_dependencies(call),
                span=call.span,
            )
        )
    return registrations


def _method_is(call: Call, name: str) -> bool:
    """`call.method == name`, without splitting the callee (asked of every call, per framework)."""
    callee = call.callee
    if callee is None or not callee.endswith(name):
        return False
    return len(callee) == len(name) or callee[-len(name) - 1] == "."


def _dependencies(call: Call) -> tuple[Value, ...]:
    value = call.keyword("dependencies")
    return (value,) if value is not None else ()


def routes_in_module(walk: Walk, framework: Framework) -> list[Route]:
    """The routes of one framework in this module, each with only its own path part."""
    owners = framework.apps | framework.routers
    routes: list[Route] = []
    for decorated in walk.decorated:
        for decorator, qualname in zip(decorated.decorators, decorated.decorator_qualnames()):
            expression = decorator.children[1]
            if expression.type not in ("power", "atom_expr"):
                continue
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
            routes.append(_route(walk, framework, decorated.function.qualname, decorator, call, verb, method_names))
    return routes


def _decorator_call(walk: Walk, expression) -> Call | None:
    return walk.call_at(Span(expression.start_pos, expression.end_pos))


def _route(walk, framework, handler, decorator, call: Call, verb, method_names) -> Route:
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
    own = _part(path_value, "route") if path_value is not None else PathPart("", None, "route")
    verb_leaf = decorator.children[1].children[-2].children[1]
    owner = call.callee.rsplit(".", 1)[0] if call.callee else ""
    return Route(
        framework=framework.name,
        methods=method_names,
        methods_explicit=methods_explicit,
        parts=(own,),
        handler=handler,
        anchor=Span(decorator.start_pos, decorator.children[1].end_pos),
        path_value=path_value,
        methods_value=methods_value,
        verb_span=span_of(verb_leaf) if verb in HTTP_VERBS else None,
        decorator_close_paren=call.close_paren,
        owner=owner,
        owner_symbol=symbol_of(walk, owner),
        dependencies=_dependencies(call),
    )


def _static(value: Value | None) -> str | None:
    if value is None:
        return None
    return value.literal if value.kind == "str" and isinstance(value.literal, str) else None


def _part(value: Value, origin: str) -> PathPart:
    return PathPart(_static(value), value.span, origin)


def call_routes_in_module(walk: Walk, framework: Framework) -> list[Route]:
    """Routes registered by a call (`app.add_url_rule(...)`, `app.add_api_route(...)`)."""
    if not framework.route_method:
        return []
    owners = framework.apps | framework.routers
    routes: list[Route] = []
    for call in walk.calls:
        if not _method_is(call, framework.route_method) or call.qualname is None:
            continue
        owner_type = call.qualname.rsplit(".", 1)[0]
        if not owner_type.endswith("()") or owner_type[:-2] not in owners:
            continue
        path_value = call.args[0] if call.args else call.keyword(framework.path_keyword)
        view = call.keyword(framework.view_keyword)
        if view is None and len(call.args) > framework.view_position:
            view = call.args[framework.view_position]
        if view is None or path_value is None:
            continue
        owner = call.callee.rsplit(".", 1)[0]
        routes.extend(_view_routes(walk, framework, call, owner, path_value, view))
    return routes


def _view_routes(walk: Walk, framework: Framework, call: Call, owner: str, path_value: Value, view: Value):
    methods_value = call.keyword("methods")
    base = Route(
        framework=framework.name,
        methods=None,
        methods_explicit=methods_value is not None,
        parts=(_part(path_value, "route"),),
        handler="",
        anchor=call.span,
        path_value=path_value,
        methods_value=methods_value,
        verb_span=None,
        decorator_close_paren=call.close_paren,
        owner=owner,
        owner_symbol=symbol_of(walk, owner),
        dependencies=_dependencies(call),
    )
    if view.kind == "call" and view.text.split("(", 1)[0].endswith(".as_view"):
        class_name = view.text.split("(", 1)[0][: -len(".as_view")]
        return _class_view_routes(walk, framework, base, class_name, methods_value)
    if view.kind not in ("name", "attribute"):
        return []
    methods = _literal_methods(methods_value) if methods_value is not None else framework.default_methods
    symbol = symbol_of(walk, view.text)
    if symbol is None and view.text not in walk.functions:
        return []  # neither a function of this module nor an imported one: cannot tell
    handler = view.text.rsplit(".", 1)[-1] if symbol is not None else view.text
    return [dataclasses.replace(base, methods=methods, handler=handler, handler_symbol=symbol)]


def _class_view_routes(walk: Walk, framework: Framework, base: Route, class_name: str, methods_value):
    """A class-based view of this module: one route per HTTP method it defines."""
    if not _is_class_view(walk, framework, class_name, depth=0):
        return []
    routes = []
    for verb in HTTP_VERBS:
        function = walk.functions.get(f"{class_name}.{verb}")
        if function is not None:
            routes.append(
                dataclasses.replace(base, methods=(verb.upper(),), methods_explicit=True, handler=function.qualname, anchor=function.def_span)
            )
    dispatch = walk.functions.get(f"{class_name}.dispatch_request")
    if not routes and dispatch is not None:
        declared = next(
            (a.value for a in walk.assignments if a.class_name == class_name and a.target == "methods"), None
        )
        methods = _literal_methods(declared or methods_value) if (declared or methods_value) else framework.default_methods
        routes.append(dataclasses.replace(base, methods=methods, handler=dispatch.qualname, anchor=dispatch.def_span))
    return routes


def _is_class_view(walk: Walk, framework: Framework, class_name: str, depth: int) -> bool:
    definition = walk.class_defs.get(class_name)
    if definition is None or depth > 8:
        return False
    for base in definition.bases:
        if base.qualname in framework.class_views:
            return True
        if base.kind == "name" and _is_class_view(walk, framework, base.text, depth + 1):
            return True
    return False


def _literal_methods(value: Value | None) -> tuple[str, ...] | None:
    if value is None or not isinstance(value.literal, (list, tuple)):
        return None
    if not all(isinstance(m, str) for m in value.literal):
        return None
    return tuple(m.upper() for m in value.literal)


STARLETTE_ROUTE = {"starlette.routing.Route", "fastapi.routing.APIRoute"}
STARLETTE_MOUNT = {"starlette.routing.Mount"}


def starlette_routes_in_module(walk: Walk) -> list[Route]:
    """`Route(...)` entries of route lists, with the paths of the `Mount(...)`s around them."""
    mounts = [call for call in walk.calls if call.qualname in STARLETTE_MOUNT and call.args]
    routes = []
    for call in walk.calls:
        if call.qualname not in STARLETTE_ROUTE:
            continue
        path_value = call.args[0] if call.args else call.keyword("path")
        endpoint = call.keyword("endpoint") or (call.args[1] if len(call.args) > 1 else None)
        if path_value is None or endpoint is None or endpoint.kind != "name":
            continue
        around = sorted(
            (m for m in mounts if m.span.start <= call.span.start and call.span.end <= m.span.end),
            key=lambda m: m.span.start,
        )
        prefixes = tuple(_part(m.args[0], "mount") for m in around)
        methods_value = call.keyword("methods")
        base = Route(
            framework="starlette",
            methods=_literal_methods(methods_value) if methods_value is not None else ("GET",),
            methods_explicit=methods_value is not None,
            parts=(*prefixes, _part(path_value, "route")),
            handler=endpoint.text,
            anchor=call.span,
            path_value=path_value,
            methods_value=methods_value,
            verb_span=None,
            decorator_close_paren=call.close_paren,
            owner="",
        )
        if endpoint.text in walk.functions:
            routes.append(base)
        elif endpoint.text in walk.class_defs:
            for verb in HTTP_VERBS:
                function = walk.functions.get(f"{endpoint.text}.{verb}")
                if function is not None:
                    routes.append(
                        dataclasses.replace(base, methods=(verb.upper(),), methods_explicit=True, handler=function.qualname, anchor=function.def_span)
                    )
        elif symbol_of(walk, endpoint.text) is not None:
            routes.append(dataclasses.replace(base, handler=endpoint.text, handler_symbol=symbol_of(walk, endpoint.text)))
    return routes


def hooks_in_module(walk: Walk, framework: Framework) -> list[RequestHook]:
    """Functions an app or blueprint runs before each request, by decorator or by call."""
    hooks = []
    owners = framework.apps | framework.routers
    hook_names = tuple(framework.hook_decorators)
    for decorated in walk.decorated:
        for decorator, qualname in zip(decorated.decorators, decorated.decorator_qualnames()):
            expression = decorator.children[1]
            if qualname is None:
                continue
            owner_type, _, name = qualname.rpartition(".")
            if name in framework.hook_decorators and owner_type[:-2] in owners:
                owner = code_of(expression).rsplit(".", 1)[0]
                hooks.append(
                    RequestHook(owner, symbol_of(walk, owner), decorated.function.qualname, framework.name, span_of(decorator))
                )
    for call in walk.calls:
        if call.callee is not None and call.callee.endswith(hook_names) and call.method in framework.hook_decorators \
                and call.qualname and call.args:
            owner_type = call.qualname.rsplit(".", 1)[0]
            if owner_type[:-2] in owners and call.args[0].kind == "name":
                owner = call.callee.rsplit(".", 1)[0]
                hooks.append(RequestHook(owner, symbol_of(walk, owner), call.args[0].text, framework.name, call.span))
    return hooks
