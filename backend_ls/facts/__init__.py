"""The facts layer: from a parso tree to plain dataclasses about routes, calls and settings."""

from __future__ import annotations

from backend_ls.facts.fastapi import FASTAPI
from backend_ls.facts.flask import FLASK
from backend_ls.facts.model import ModuleFacts
from backend_ls.facts.records import record_fetches
from backend_ls.facts.routes import routes_in_module
from backend_ls.facts.walk import walk_module

FRAMEWORKS = (FLASK, FASTAPI)


def module_facts(module, path: str) -> ModuleFacts:
    walk = walk_module(module, path)
    routes = [route for framework in FRAMEWORKS for route in routes_in_module(walk, framework)]
    routes.sort(key=lambda route: route.anchor)
    return ModuleFacts(
        path=path,
        imports=walk.imports,
        import_end_line=_import_end_line(module),
        functions=walk.functions,
        routes=tuple(routes),
        calls=tuple(walk.calls),
        assignments=tuple(walk.assignments),
        fetches=tuple(record_fetches(module, walk)),
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
