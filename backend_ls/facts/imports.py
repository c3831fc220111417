"""Import statements with their positions, at any depth (a function's lazy import included).

`ModuleFacts.imports` maps the names a module binds to what they refer to; checks that point at an
import itself (a dependency a module should not have) need where each one is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.walk import Walk, span_of
from backend_ls.positions import Span

IMPORTS = frozenset({"import_name", "import_from"})


@dataclass(frozen=True)
class Import:
    """One name an import statement brings in."""

    # What is imported, with the leading dots of a relative import kept: "flask.request",
    # "django.http", ".views.list_users", "..routes".
    qualname: str
    local: str  # the name it binds: "request", "http", "os" (for `import os.path`)
    module: str  # the module the statement names: "flask" in `from flask import request`, ".views"
    statement: Span  # the whole import statement
    span: Span  # the imported name as written (`os.path`, `request as req`)
    function: str | None  # qualified name of the enclosing function; None at module or class level


def imports_in(module, walk: Walk) -> list[Import]:
    functions = walk.function_finder()
    result = []
    for node in walk.index(module).of_types(IMPORTS):
        function = functions.at(node.start_pos)
        statement = span_of(node)
        if node.type == "import_name":
            for path, alias in node._dotted_as_names():
                dotted = ".".join(name.value for name in path)
                end = (alias or path[-1]).end_pos
                result.append(
                    Import(dotted, (alias or path[0]).value, dotted, statement, Span(path[0].start_pos, end), function)
                )
            continue
        base = "." * node.level + ".".join(name.value for name in node.get_from_names())
        for name, alias in node._as_name_tuples():
            if name.value == "*":
                continue
            qualname = base + name.value if base.endswith(".") else f"{base}.{name.value}"
            end = (alias or name).end_pos
            result.append(Import(qualname, (alias or name).value, base, statement, Span(name.start_pos, end), function))
    return result
