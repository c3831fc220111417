"""The facts layer: from a parso tree to plain dataclasses about routes, calls and settings."""

from __future__ import annotations

from backend_ls.facts.branches import method_branches
from backend_ls.facts.fastapi import FASTAPI
from backend_ls.facts.flask import FLASK
from backend_ls.facts.model import ModuleFacts
from backend_ls.facts.models import models_in_module
from backend_ls.facts.records import record_fetches
from backend_ls.facts.router_graph import RouterGraph
from backend_ls.facts.routes import (
    call_routes_in_module,
    hooks_in_module,
    registrations_in_module,
    routers_in_module,
    routes_in_module,
    starlette_routes_in_module,
)
from backend_ls.facts.walk import walk_module

FRAMEWORKS = (FLASK, FASTAPI)


def module_facts(module, path: str) -> ModuleFacts:
    walk = walk_module(module, path)
    routers = [d for framework in FRAMEWORKS for d in routers_in_module(walk, framework)]
    registrations = [r for framework in FRAMEWORKS for r in registrations_in_module(walk, framework)]
    own_routes = [route for framework in FRAMEWORKS for route in routes_in_module(walk, framework)]
    own_routes += [route for framework in FRAMEWORKS for route in call_routes_in_module(walk, framework)]
    own_routes += starlette_routes_in_module(walk)
    hooks = [hook for framework in FRAMEWORKS for hook in hooks_in_module(walk, framework)]
    # Prefixes this module shows on its own; the workspace index recomposes them across modules.
    graph = RouterGraph()
    graph.add_module("", _Partial(routers, registrations))
    routes = graph.compose("", own_routes)
    routes.sort(key=lambda route: route.anchor)
    return ModuleFacts(
        path=path,
        imports=walk.imports,
        import_end_line=_import_end_line(module),
        functions=walk.functions,
        routes=tuple(routes),
        calls=tuple(walk.calls),
        assignments=tuple(walk.assignments),
        routers=tuple(routers),
        registrations=tuple(registrations),
        hooks=tuple(hooks),
        classes=walk.class_defs,
        models=tuple(models_in_module(walk, module)),
        fetches=tuple(record_fetches(module, walk)),
        method_branches=tuple(method_branches(module)),
    )


def _import_end_line(module) -> int:
    """The last line of the module's leading block of imports (docstring and comments allowed)."""
    end = 0
    for child in module.children:
        if child.type != "simple_stmt":
            break
        first = child.children[0]
        if first.type in ("import_name", "import_from"):
            end = child.end_pos[0] - 1
        elif first.type == "string" and end == 0:
            end = child.end_pos[0] - 1
        else:
            break
    return end


class _Partial:
    """The two fields of ModuleFacts a RouterGraph reads, before the facts exist."""

    def __init__(self, routers, registrations):
        self.routers = routers
        self.registrations = registrations
