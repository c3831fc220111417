"""`for` statements: what they bind and what they iterate over, with their enclosing function.

Checks use them to follow data through a loop (`for key, value in payload.items(): setattr(...)`).
"""

from __future__ import annotations

from backend_ls.facts.model import Function, Loop
from backend_ls.facts.names import Scope
from backend_ls.facts.walk import Walk, span_of, value_of


def loops_in(module, walk: Walk) -> list[Loop]:
    scope = walk.module_scope or Scope(dict(walk.imports))
    functions = sorted(walk.functions.values(), key=lambda f: f.def_span.start)
    loops = []
    for node in walk.index(module).of_type("for_stmt"):
        children = node.children
        if len(children) < 4 or children[2] != "in":
            continue
        loops.append(
            Loop(
                targets=tuple(_names(children[1])),
                iterable=value_of(children[3], scope),
                span=span_of(node),
                function=_enclosing(functions, node.start_pos),
            )
        )
    return loops



def _names(node) -> list[str]:
    if node.type == "name":
        return [node.value]
    return [name for child in getattr(node, "children", ()) for name in _names(child)]


def _enclosing(functions: list[Function], point) -> str | None:
    """The innermost function whose body holds `point` (functions sorted by where they start)."""
    found = None
    for function in functions:
        if function.def_span.start > point:
            break
        if function.end is not None and point < function.end:
            found = function.qualname  # a later start that still holds it is nested deeper
    return found
