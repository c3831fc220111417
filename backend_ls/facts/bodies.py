"""The shape of each function's own body: how many statements it holds, where it awaits, where
its lambdas are.

Checks ask "is this handler too long?", "does this coroutine await anything?" (an `async def` with
no `await`, `async for` or `async with` can become a plain `def`) and "is this call awaited, or
deferred in a lambda?". A nested function or class is a statement of the body it sits in; what is
inside it belongs to it, not to the enclosing function.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.walk import Walk, span_of
from backend_ls.positions import Span

DEFINITIONS = ("funcdef", "classdef")
COMPOUND = frozenset({"if_stmt", "for_stmt", "while_stmt", "try_stmt", "with_stmt", "match_stmt", "case_block"})


@dataclass(frozen=True)
class Body:
    function: str  # qualified name
    # Statements at any depth of its blocks (`if`, `for`, `with`, `try`, ...): each simple statement
    # (`a = 1; b = 2` is two), each compound statement, each nested definition; the docstring is not one.
    statements: int
    # `await <expression>`: the span from `await` to the end of the expression. The span of an
    # awaited call is the call's own span (facts/walk.py starts a call at its `await`).
    awaited: tuple[Span, ...]
    # `async for` / `async with` statements and `async for` comprehension clauses.
    async_blocks: tuple[Span, ...]
    lambdas: tuple[Span, ...]

    @property
    def suspends(self) -> bool:
        """Whether the body needs a coroutine: it awaits, or iterates or enters something async."""
        return bool(self.awaited or self.async_blocks)


def bodies_in(module, walk: Walk) -> list[Body]:
    by_start = {function.def_span.start: function.qualname for function in walk.functions.values()}
    index = walk.index(module)
    # Without a lambda, an `await` or an `async for` clause anywhere in these statements, the
    # expressions hold nothing to collect: only the statements are counted.
    plain = not (index.of_type("lambdef") or index.of_type("comp_for") or index.awaits)
    result = []
    for node in index.of_type("funcdef"):
        start = node.parent.start_pos if node.parent.type in ("async_stmt", "async_funcdef") else node.start_pos
        qualname = by_start.get(start)
        if qualname is not None:
            result.append(_body(qualname, node, plain))
    return result



class _Collector:
    def __init__(self, plain: bool = False):
        self.plain = plain
        self.statements = 0
        self.awaited: list[Span] = []
        self.async_blocks: list[Span] = []
        self.lambdas: list[Span] = []

    def block(self, suite, skip_docstring: bool = False) -> None:
        children = getattr(suite, "children", None)
        if children is None or suite.type != "suite":
            children = [suite]  # a body on the same line as its header: `if x: return y`
        first = True
        for child in children:
            if child.type in ("newline", "indent", "dedent") or child.type == "endmarker":
                continue
            if skip_docstring and first and _is_docstring(child):
                first = False
                continue
            first = False
            self.statement(child)

    def statement(self, node) -> None:
        kind = node.type
        if kind == "simple_stmt":
            for small in node.children:
                if small.type not in ("newline",) and small != ";":
                    self.statements += 1
                    self.expression(small)
            return
        if kind == "decorated" or kind in DEFINITIONS:
            self.statements += 1
            if kind == "decorated":
                self.expression(node.children[0])  # decorators run in the enclosing body
            return
        if kind in ("async_stmt", "async_funcdef"):
            inner = node.children[-1]
            if inner.type in DEFINITIONS:
                self.statements += 1
                return
            self.async_blocks.append(span_of(node))
            self.statement(inner)
            return
        if kind in COMPOUND:
            self.statements += 1
            for child in node.children:
                if child.type == "suite" or (child.type in ("simple_stmt",) and child.parent is node):
                    self.block(child)
                elif child.type in COMPOUND or child.type in ("async_stmt",):
                    self.statement(child)
                elif child.type == "case_block":
                    self.statement(child)
                elif hasattr(child, "children") and child.type not in ("keyword", "operator"):
                    self.expression(child)
            return
        # An expression on its own (mid-keystroke error recovery, a bare expression node).
        self.statements += 1
        self.expression(node)

    def expression(self, node) -> None:
        if self.plain:
            return
        stack = [node]
        while stack:
            current = stack.pop()
            kind = current.type
            if kind in DEFINITIONS:
                continue
            if kind == "lambdef":
                self.lambdas.append(span_of(current))
            elif kind in ("atom_expr", "power") and current.children[0].type == "keyword" and current.children[0].value == "await":
                self.awaited.append(span_of(current))
            elif kind == "comp_for" and current.children[0].type == "keyword" and current.children[0].value == "async":
                self.async_blocks.append(span_of(current))
            stack.extend(reversed(getattr(current, "children", ())))


def _is_docstring(node) -> bool:
    return node.type == "simple_stmt" and node.children[0].type in ("string", "strings")


def _body(qualname: str, node, plain: bool = False) -> Body:
    collector = _Collector(plain)
    collector.block(node.children[-1], skip_docstring=True)
    return Body(
        function=qualname,
        statements=collector.statements,
        awaited=tuple(collector.awaited),
        async_blocks=tuple(collector.async_blocks),
        lambdas=tuple(collector.lambdas),
    )
