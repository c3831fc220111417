"""Except blocks and the expressions in them that carry the caught exception's details.

`str(e)`, `repr(e)`, `e.args`, an f-string or `%` / `.format` / `+` string built from `e`, and
`traceback.format_exc()` (or its kin) all put what went wrong inside the server — messages of the
database driver, file paths, SQL, stack frames — into a value. Where that value goes (a response, a
log line) is for the checks to judge with the response facts; these facts say what each block
catches, which expressions expose it, and where a statement can go in it.

Catch-all error handlers count as except blocks too: a Flask `@app.errorhandler(Exception)` or a
FastAPI / Starlette `@app.exception_handler(Exception)` function receives the caught exception as
a parameter.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from backend_ls.facts.names import Arguments
from backend_ls.facts.model import Call, Value
from backend_ls.facts.responses import split_trailers
from backend_ls.facts.walk import Walk, code_of, span_of, value_of
from backend_ls.positions import Span

FORMATTERS = frozenset({"str", "repr", "format"})
TRACEBACK_CALLS = frozenset(
    {"traceback.format_exc", "traceback.format_exception", "traceback.format_exception_only",
     "traceback.format_tb", "traceback.extract_tb"}
)
# Calls that write the exception (with its traceback) to a log.
LOGGING_METHODS = frozenset({"exception"})
LOGGING_CALLS = frozenset({"traceback.print_exc", "sentry_sdk.capture_exception"})
# Error-handler registrations: the position of the exception parameter of the handler.
HANDLER_DECORATORS = {"errorhandler": 0, "app_errorhandler": 0, "exception_handler": 1}
HANDLER_OWNERS = ("flask.", "fastapi.", "starlette.")
SCOPES = ("funcdef", "classdef", "lambdef")


@dataclass(frozen=True)
class ExceptionUse:
    """An expression that exposes the caught exception's details."""

    # The whole string built from it: `str(e)`, `"failed: " + str(e)`, `f"failed: {e}"`,
    # `"%s" % e`, `"{}".format(e)`, `e.args`, `traceback.format_exc()`.
    span: Span
    text: str
    kind: str  # "str", "repr", "format", "args", "fstring", "percent", "traceback"
    # `name = <expression holding it>`: the name, so a later use of the value can be followed.
    assigned_to: str | None
    statement: Span  # the simple statement that holds it


@dataclass(frozen=True)
class ExceptBlock:
    """`except <caught> as <name>:` and its body, or a catch-all error handler function."""

    function: str | None  # qualified name of the enclosing function (the handler itself)
    span: Span  # from `except` (or the handler's `def`) to the end of the body
    caught: tuple[Value, ...]  # the exception classes; () for a bare `except:`
    name: str | None  # the name the exception is bound to
    logs: bool  # the body writes the exception to a log (`logger.exception`, `exc_info=`)
    uses: tuple[ExceptionUse, ...]
    # The line of the body's first statement and its indentation, where a statement can go first;
    # None when the body shares the `except` line (`except E as e: return str(e)`).
    body_line: int | None = None
    body_indent: str | None = None
    handler: bool = False  # a registered error handler, not an except clause


def except_blocks(module, walk: Walk) -> list[ExceptBlock]:
    functions = walk.function_finder()
    calls = walk.calls_by_span()
    scope = walk.module_scope
    blocks = []
    for node in walk.index(module).of_type("try_stmt"):
        children = node.children
        for index, child in enumerate(children):
            if child.type == "except_clause" or (child.type == "keyword" and child.value == "except"):
                suite = children[index + 2]
                caught, name = _clause(child, scope)
                span = Span(child.start_pos, suite.end_pos)
                blocks.append(_block(functions.at(child.start_pos), span, caught, name, suite, calls, scope, walk))
    blocks.extend(_handlers(walk, calls, scope))
    blocks.sort(key=lambda block: block.span)
    return blocks



def _clause(clause, scope) -> tuple[tuple[Value, ...], str | None]:
    if clause.type == "keyword":
        return (), None
    items = [c for c in clause.children[1:] if c != "*"]  # `except*` too
    name = None
    if len(items) >= 3 and items[-2] == "as" and items[-1].type == "name":
        name = items[-1].value
        items = items[:-2]
    if not items:
        return (), name
    expression = items[0]
    value = value_of(expression, scope)
    if value.kind == "tuple":
        inner = expression.children[1] if len(expression.children) == 3 else None
        elements = [c for c in getattr(inner, "children", [inner]) if c is not None and c != ","]
        return tuple(value_of(element, scope) for element in elements), name
    return (value,), name


def _block(function, span, caught, name, suite, calls, scope, walk) -> ExceptBlock:
    uses = _uses(suite, name, scope)
    inside = [call for call in walk.calls if span.start <= call.span.start and call.span.end <= span.end]
    body_line = body_indent = None
    statements = [child for child in suite.children if child.type != "newline"] if suite.type == "suite" else []
    if statements:
        first = statements[0].get_first_leaf()
        prefix = first.prefix.rsplit("\n", 1)[-1]
        if prefix.strip() == "":
            body_line, body_indent = first.start_pos[0], prefix
    return ExceptBlock(
        function=function,
        span=span,
        caught=caught,
        name=name,
        logs=any(_logs(call) for call in inside),
        uses=tuple(uses),
        body_line=body_line,
        body_indent=body_indent,
    )


def _logs(call: Call) -> bool:
    if call.qualname in LOGGING_CALLS or call.name in LOGGING_METHODS:
        return True
    value = call.keyword("exc_info")
    return value is not None and value.literal is not False and value.kind != "none"


def _handlers(walk: Walk, calls, scope) -> list[ExceptBlock]:
    """Functions registered as the error handler of `Exception` (or `BaseException`)."""
    blocks = []
    for decorated in walk.decorated:
        function = decorated.function
        for decorator in function.decorators:
            call = calls.get(decorator.span)
            qualname = decorator.qualname or ""
            method = qualname.rsplit(".", 1)[-1].removesuffix("()")
            if call is None or method not in HANDLER_DECORATORS or not qualname.startswith(HANDLER_OWNERS):
                continue
            if not call.args or call.args[0].text not in ("Exception", "BaseException"):
                continue
            position = HANDLER_DECORATORS[method]
            if position >= len(function.parameters):
                continue
            name = function.parameters[position].name
            node = decorated.node
            suite = node.children[-1]
            span = Span(function.def_span.start, suite.end_pos)
            block = _block(function.qualname, span, (call.args[0],), name, suite, calls, scope, walk)
            blocks.append(dataclasses.replace(block, handler=True))
    return blocks


# --- uses -----------------------------------------------------------------------------------------


def _uses(suite, name: str | None, scope) -> list[ExceptionUse]:
    found: dict[Span, ExceptionUse] = {}
    stack = [suite]
    while stack:
        node = stack.pop()
        children = getattr(node, "children", None)
        if children is None or node.type in SCOPES:
            continue
        kind = _exposure(node, name, scope)
        if kind is not None:
            outer = _outer(node)
            use = _use(outer, kind)
            found.setdefault(use.span, use)
            continue  # what is inside is part of this use
        stack.extend(reversed(children))
    return sorted(found.values(), key=lambda use: use.span)


def _exposure(node, name: str | None, scope) -> str | None:
    """What kind of exposure `node` is, if it is one."""
    if node.type in ("atom_expr", "power"):
        kind = _exception_text(node, name, scope)
        if kind is not None:
            return kind
        base, trailers = split_trailers(node)
        if (
            name is not None
            and base.type in ("string", "strings")
            and len(trailers) == 2
            and trailers[0].children[0] == "."
            and trailers[0].children[1].value == "format"
            and any(_exception_text(argument, name, scope) for argument in _arguments(trailers[1]))
        ):
            return "format"
        if trailers and trailers[-1].children[0] == "(" and scope.resolve(_Chain(base, trailers[:-1])) in TRACEBACK_CALLS:
            return "traceback"
        return None
    if name is None:
        return None
    if node.type == "fstring":
        for child in node.children:
            if child.type == "fstring_expr" and _exception_text(child.children[1], name, scope):
                return "fstring"
        return None
    if node.type == "term" and len(node.children) == 3 and node.children[1] == "%":
        left, right = node.children[0], node.children[2]
        if left.type in ("string", "strings", "fstring"):
            elements = [right]
            if right.type == "atom" and right.children[0] == "(" and len(right.children) == 3:
                inner = right.children[1]
                elements = [c for c in inner.children if c != ","] if inner.type == "testlist_comp" else [inner]
            if any(_exception_text(element, name, scope) for element in elements):
                return "percent"
    return None


def _exception_text(node, name: str | None, scope) -> str | None:
    """`e` itself, `e.args` (and its items), `str(e)`, `repr(e)`, `format(e)`: the kind, or None."""
    if name is None:
        return None
    if node.type == "name":
        return "name" if node.value == name else None
    if node.type not in ("atom_expr", "power"):
        return None
    base, trailers = split_trailers(node)
    if base.type != "name" or not trailers:
        return None
    first = trailers[0]
    if base.value == name and first.children[0] == "." and first.children[1].value == "args":
        if all(trailer.children[0] == "[" for trailer in trailers[1:]):
            return "args"
        return None
    if (
        base.value in FORMATTERS
        and len(trailers) == 1
        and first.children[0] == "("
        and scope.lookup(base.value) is None  # the builtin, not a name the module defines
    ):
        arguments = _arguments(first)
        if arguments and arguments[0].type == "name" and arguments[0].value == name:
            return base.value
    return None


class _Chain:
    """A base and some of its trailers, as a node the scope can resolve."""

    type = "atom_expr"

    def __init__(self, base, trailers):
        self.children = [base, *trailers]


def _arguments(trailer) -> list:
    """The positional argument nodes of a call trailer."""
    arguments = Arguments(trailer)
    return [node for node in arguments.positional if node not in arguments.generators]


def _outer(node):
    """The whole string expression built around an exposure."""
    while True:
        parent = node.parent
        if parent is None:
            return node
        if parent.type == "fstring_expr":
            node = parent.parent  # the f-string
            continue
        if parent.type == "arith_expr" and "+" in [c for c in parent.children[1::2]]:
            node = parent
            continue
        if parent.type == "term" and parent.children[1] == "%" and parent.children[2] is node:
            node = parent
            continue
        if parent.type == "atom" and parent.children[0] == "(" and len(parent.children) == 3:
            node = parent
            continue
        wrapper = _wrapping_call(node)
        if wrapper is not None:
            node = wrapper
            continue
        return node


def _wrapping_call(node):
    """The call whose only work is to turn `node` into a string: `str(x)`, `"".join(x)`,
    `"{}".format(x)`."""
    parent = node.parent
    if parent.type == "argument":
        return None
    if parent.type == "arglist":
        trailer = parent.parent
    elif parent.type == "trailer" and parent.children[0] == "(":
        trailer = parent
    else:
        return None
    call = trailer.parent
    if call.type not in ("atom_expr", "power") or call.children[-1] is not trailer:
        return None
    base, trailers = split_trailers(call)
    if len(trailers) == 1 and base.type == "name" and base.value in ("str", "repr"):
        return call
    if (
        len(trailers) == 2
        and base.type in ("string", "strings")
        and trailers[0].children[0] == "."
        and trailers[0].children[1].value in ("join", "format")
    ):
        return call
    return None


def _use(node, kind: str) -> ExceptionUse:
    statement = node
    while statement.parent is not None and statement.type != "simple_stmt":
        statement = statement.parent
    assigned_to = None
    expr = node
    while expr.parent is not None and expr.parent is not statement and expr.parent.type != "expr_stmt":
        expr = expr.parent
    if expr.parent is not None and expr.parent.type == "expr_stmt":
        children = expr.parent.children
        if children[0].type == "name" and len(children) >= 3 and children[1] == "=" and children[-1] is expr:
            assigned_to = children[0].value
    return ExceptionUse(
        span=span_of(node),
        text=code_of(node),
        kind=kind,
        assigned_to=assigned_to,
        statement=span_of(statement),
    )
