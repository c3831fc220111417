"""`with` statements: what they enter and which code runs inside them.

Checks read them to know what is in effect around a call: a transaction (`with
transaction.atomic():`, `with session.begin():`), a lock, an open client.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from backend_ls.facts.model import Value
from backend_ls.facts.names import Scope
from backend_ls.facts.walk import Walk, span_of, value_of
from backend_ls.positions import Span


@dataclass(frozen=True)
class WithBlock:
    items: tuple[Value, ...]  # the context expressions, in order: `transaction.atomic()`
    span: Span  # the whole statement (from `async`, for `async with`)
    body: Span  # the statements it runs
    is_async: bool
    function: str | None  # qualified name of the enclosing function


def with_blocks(module, walk: Walk) -> list[WithBlock]:
    scope = walk.module_scope or Scope(dict(walk.imports))
    functions = walk.function_finder()
    blocks = []
    for node in walk.index(module).of_type("with_stmt"):
        children = node.children
        items = []
        for child in children[1:-2]:
            if child == ",":
                continue
            expression = child.children[0] if child.type == "with_item" else child
            items.append(_item(expression, scope, walk))
        is_async = node.parent.type == "async_stmt"
        whole = node.parent if is_async else node
        blocks.append(
            WithBlock(
                items=tuple(items),
                span=span_of(whole),
                body=span_of(children[-1]),
                is_async=is_async,
                function=functions.at(whole.start_pos),
            )
        )
    return blocks


def _item(expression, scope: Scope, walk: Walk) -> Value:
    """The context expression, resolved as the walker resolved it: in the enclosing function's
    scope, where a parameter or a local binding can shadow a module-level name."""
    value = value_of(expression, scope)
    call = walk.call_at(value.span) if value.kind == "call" else None
    if call is not None:
        value = dataclasses.replace(value, qualname=None if call.qualname is None else call.qualname + "()")
    return value
