"""Code that runs only for some request methods: `if request.method == "POST":` and its kin.

A view that answers both GET and POST usually writes only in its POST branch; knowing which lines
a GET can reach keeps checks such as "state change on GET" from flagging the classic form view.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from backend_ls.facts.walk import code_of
from backend_ls.positions import Point, Span

# `request.method`, `self.request.method`, `req.method`; also upper-cased.
METHOD_EXPRESSION = re.compile(r"^(?:[A-Za-z_]\w*\.)*(?:request|req)\.method(?:\.upper\(\))?$")
# Flask-WTF: true only for a submitted form, which GET never is.
SUBMITTED_FORM = re.compile(r"^(?:[A-Za-z_]\w*\.)*validate_on_submit\(\)$")
SUBMIT_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class MethodBranch:
    """The code in `span` runs only for requests whose method `allows` accepts."""

    span: Span
    methods: frozenset[str]
    negated: bool  # True: every method except `methods`

    def allows(self, method: str) -> bool:
        return (method.upper() in self.methods) != self.negated


def method_branches(module) -> list[MethodBranch]:
    branches: list[MethodBranch] = []
    for node in _if_statements(module):
        branches.extend(_branches_of(node))
    return branches


def reachable_by(branches, span: Span, method: str) -> bool:
    """Whether code at `span` can run for a request with `method`."""
    return all(b.allows(method) for b in branches if b.span.start <= span.start and span.end <= b.span.end)


def _if_statements(node):
    """The `if` statements below `node`, in source order. The grammar puts none inside a simple
    statement (expressions and small statements only), so those are not looked into."""
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        children = getattr(current, "children", None)
        if children is None or current.type == "simple_stmt":
            continue
        if current.type == "if_stmt":
            yield current
        stack.extend(reversed(children))


def _branches_of(node) -> list[MethodBranch]:
    """if_stmt children: `if` test `:` suite (`elif` test `:` suite)* (`else` `:` suite)?"""
    children = node.children
    arms = []  # (test or None, suite)
    index = 0
    while index < len(children):
        keyword = children[index]
        if keyword.value in ("if", "elif"):
            arms.append((children[index + 1], children[index + 3]))
            index += 4
        else:  # else
            arms.append((None, children[index + 2]))
            index += 3
    branches = []
    earlier: list[tuple[frozenset[str], bool]] = []  # conditions known false in later arms
    all_exit = True
    for test, suite in arms:
        suite_span = Span(suite.start_pos, suite.end_pos)
        for methods, negated in earlier:
            branches.append(MethodBranch(suite_span, methods, not negated))
        if test is None:
            continue
        own = _constraints(test)
        for methods, negated in own:
            branches.append(MethodBranch(suite_span, methods, negated))
        exact = _constraint(test)
        if exact is not None:
            earlier.append(exact)
            # Past the whole `if`, when every arm so far leaves the function: the test was false.
            all_exit = all_exit and _exits(suite)
            if all_exit:
                after = _rest_of_block(node)
                if after is not None:
                    branches.append(MethodBranch(after, exact[0], not exact[1]))
        else:
            all_exit = all_exit and _exits(suite)
    return branches


def _constraints(test) -> list[tuple[frozenset[str], bool]]:
    """What must hold about the method when `test` is true (an `and` of tests: each of them)."""
    if test.type == "and_test":
        return [c for operand in test.children[::2] for c in _constraints(operand)]
    exact = _constraint(test)
    return [exact] if exact is not None else []


def _constraint(test) -> tuple[frozenset[str], bool] | None:
    """(methods, negated) such that `test` is true exactly when the method is (not) in methods."""
    text = code_of(test).strip()
    if "method" not in text and "validate_on_submit" not in text:
        return None  # neither pattern can match any part of it
    if SUBMITTED_FORM.match(text):
        return SUBMIT_METHODS, False
    if test.type != "comparison" or len(test.children) != 3:
        return None
    left, operator, right = test.children
    operator = code_of(operator).split()
    left_text = code_of(left).strip()
    right_text = code_of(right).strip()
    if not METHOD_EXPRESSION.match(left_text):
        if operator in (["=="], ["!="]) and METHOD_EXPRESSION.match(right_text):
            left_text, right_text = right_text, left_text
        else:
            return None
    methods = _methods(right_text)
    if methods is None:
        return None
    if operator == ["=="] or operator == ["in"]:
        return methods, False
    if operator == ["!="] or operator == ["not", "in"]:
        return methods, True
    return None


def _methods(text: str) -> frozenset[str] | None:
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, str):
        return frozenset({value.upper()})
    if isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value):
        return frozenset(v.upper() for v in value)
    return None


def _exits(suite) -> bool:
    statements = [c for c in getattr(suite, "children", [suite]) if c.type not in ("newline", "operator")]
    if not statements:
        return False
    last = statements[-1]
    if last.type == "simple_stmt":
        last = last.children[0]
    if last.type == "keyword":  # a bare `return` or `raise`
        return last.value in ("return", "raise")
    return last.type in ("return_stmt", "raise_stmt")


def _rest_of_block(node) -> Span | None:
    parent = node.parent
    if parent is None or parent.type not in ("suite", "file_input"):
        return None
    end: Point = parent.end_pos
    if node.end_pos >= end:
        return None
    return Span(node.end_pos, end)
