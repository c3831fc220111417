"""Fetches of one record (`Model.query.get`, `.first()`, `session.get`, `objects.get`, ...) and
whether the code checks that a record came back before it uses it.

This is a question about the order of names in a function body, so it is answered here, over the
parse tree: a name's first occurrence after the fetch is a check (`if user`, `user is None`,
`assert user`, `user or abort(404)`), a use (`user.name`, `f(user)`, `return user`, `user[...]`),
a rebinding, or something this module cannot judge (an alias, a container), where it gives up.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from backend_ls.facts.model import Call
from backend_ls.facts.walk import Walk, code_of, span_of
from backend_ls.positions import Point, Span

# Names a query chain is made of; a `.first()` after none of them is not a database call.
QUERY_LINKS = frozenset({"query", "filter", "filter_by", "where", "order_by", "scalars", "execute", "exec"})
SELECTS = frozenset(
    {
        "sqlalchemy.select",
        "sqlalchemy.future.select",
        "sqlalchemy.sql.select",
        "sqlalchemy.sql.expression.select",
        "sqlmodel.select",
        "sqlmodel.sql.expression.select",
    }
)
# Calls that accept None without failing, or test it: passing the record to them is no use of it.
TOLERANT_CALLS = frozenset(
    {"print", "str", "repr", "format", "id", "type", "getattr", "hasattr",
     "debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
)
TESTING_CALLS = frozenset({"bool", "isinstance"})
# `except` clauses that catch a Django `DoesNotExist`.
DOES_NOT_EXIST = frozenset({"DoesNotExist", "ObjectDoesNotExist", "Exception", "BaseException"})
# `except` clauses that catch what dereferencing None raises.
NONE_ERRORS = frozenset({"AttributeError", "TypeError", "Exception", "BaseException"})
NOT_SESSIONS = ("flask.session", "requests.", "httpx.", "aiohttp.", "django.")
SCOPES = ("funcdef", "classdef", "lambdef")
COMPREHENSIONS = ("sync_comp_for", "comp_for")
FETCH_METHODS = ("get", "first", "one_or_none", "scalar_one_or_none", "scalar")


@dataclass(frozen=True)
class RecordFetch:
    """One call that returns a single record, or None (or raises, for Django's `objects.get`)."""

    span: Span  # the fetching call, from its receiver to its closing parenthesis (no `await`)
    call: Call
    # "query.get", "first", "one_or_none", "scalar_one_or_none", "scalar", "session.get", "django.get"
    kind: str
    variable: str | None  # `user = <fetch>` (or `user := <fetch>`)
    checked: bool  # a None check (Django: a `DoesNotExist` handler) comes before any use
    used: bool  # the record is dereferenced, passed to a call or returned before any check
    use_span: Span | None  # where that first use is
    method_span: Span  # the method name: `get`, `first`
    callee_span: Span  # the receiver and method name: `db.session.get`
    arguments_start: Point  # just after the opening parenthesis
    receiver: str  # the receiver as written: "User.query", "db.session"
    model: str | None  # the model class as written, when the call names it
    query_property: bool  # the chain starts at a model's `query` attribute (Flask-SQLAlchemy)
    # Where a statement can go right after `variable = <fetch>`, and that statement's indentation;
    # None when the assignment does not stand alone on its lines in a block.
    insert_after: Point | None = None
    indent: str | None = None

    @property
    def function(self) -> str | None:
        return self.call.function


def record_fetches(module, walk: Walk) -> list[RecordFetch]:
    calls = {call.close_paren: call for call in walk.calls if call.function is not None}
    fetches = []
    # Every name of the module by name, from the walk's index: only the method names matter here.
    used = walk.index(module).names
    for method in FETCH_METHODS:
        for leaf in used.get(method, ()):
            node, index = _call_node(leaf)
            call = calls.get(node.children[index].children[-1].start_pos) if node is not None else None
            if call is None:
                continue
            fetch = _fetch(node, index, call, walk, used)
            if fetch is not None:
                fetches.append(fetch)
    fetches.sort(key=lambda fetch: fetch.span)
    return fetches


def _call_node(method_leaf):
    """The expression in which `method_leaf` is called (`<receiver>.get(...)`), and the index of
    the call's trailer in it."""
    trailer = method_leaf.parent
    if trailer.type != "trailer" or trailer.children[0] != "." or trailer.children[1] is not method_leaf:
        return None, 0
    node = trailer.parent
    index = node.children.index(trailer) + 1
    # Mid-keystroke, error recovery can leave a bare operator where the call's trailer would be.
    following = node.children[index] if index < len(node.children) else None
    if following is None or following.type != "trailer" or following.children[0] != "(":
        return None, 0
    return node, index


def _chain(node, index):
    """The base and the trailers up to the call at `index`, without a leading `await`."""
    children = node.children[:index + 1]
    if children[0].type == "keyword" and children[0].value == "await":
        children = children[1:]
    if any(child.type != "trailer" for child in children[1:]):
        return None, []  # error recovery
    return children[0], children[1:]


def _names(base, trailers) -> list[str]:
    names = [base.value] if base.type == "name" else []
    names += [t.children[1].value for t in trailers if t.children[0] == "."]
    return names


def _is_class_name(text: str | None) -> bool:
    last = (text or "").rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper()


def _fetch(node, index, call: Call, walk: Walk, used) -> RecordFetch | None:
    base, trailers = _chain(node, index)
    if base is None or len(trailers) < 2 or trailers[-2].children[0] != ".":
        return None
    method_leaf = trailers[-2].children[1]
    method = method_leaf.value
    before = trailers[:-2]  # the receiver's trailers
    links = _names(base, before)
    query_property = (
        base.type == "name" and _is_class_name(base.value) and bool(before)
        and before[0].children[0] == "." and before[0].children[1].value == "query"
    )
    model = base.value if query_property else None
    kind = None
    if method == "get" and "objects" in links and base.type == "name" and _is_class_name(base.value):
        kind, model = "django.get", base.value
    elif method == "get" and len(call.args) == 1 and not call.keywords and (
        query_property or _calls_query(before)
    ):
        kind = "query.get"
    elif method == "get" and len(call.args) == 2 and _is_session(call, base, before, walk):
        if call.args[0].kind in ("name", "attribute") and _is_class_name(call.args[0].text):
            kind, model = "session.get", call.args[0].text
    elif method in ("first", "one_or_none") and not call.args and not call.keywords:
        if QUERY_LINKS & set(links):
            kind = method
    elif method == "scalar_one_or_none" and not call.args:
        kind = method
    elif method == "scalar" and _scalar_of_model(call, before, walk):
        kind = "scalar"
    if kind is None:
        return None
    start = base.start_pos
    span = Span(start, node.children[index].end_pos)
    receiver = "".join(code_of(part) for part in (base, *before))
    if kind == "django.get" and (len(links) != 2 or links[1] != "objects"):
        model = None  # a queryset, not the manager: `get_object_or_404` would need it as a whole
    outcome = _outcome(node, index, used)
    if kind == "django.get":
        outcome = dataclasses.replace(outcome, checked=_inside_try_catching(node, DOES_NOT_EXIST))
    return RecordFetch(
        span=span,
        call=call,
        kind=kind,
        variable=outcome.variable,
        checked=outcome.checked,
        used=outcome.used,
        use_span=outcome.use_span,
        method_span=span_of(method_leaf),
        callee_span=Span(start, method_leaf.end_pos),
        arguments_start=trailers[-1].children[0].end_pos,
        receiver=receiver,
        model=model,
        query_property=query_property,
        insert_after=outcome.insert_after,
        indent=outcome.indent,
    )


def _calls_query(trailers) -> bool:
    """`session.query(Model)...`: the chain calls `query`."""
    for previous, trailer in zip(trailers, trailers[1:]):
        if previous.children[0] == "." and previous.children[1].value == "query" and trailer.children[0] == "(":
            return True
    return False


def _is_session(call: Call, base, before, walk: Walk) -> bool:
    """Whether the receiver of `.get(Model, key)` is a database session."""
    qualname = call.qualname or ""
    if qualname.startswith(NOT_SESSIONS):
        return False
    names = _names(base, before)
    if not names or len(names) != len(before) + 1:
        return False  # a call or subscript in the receiver: not a plain session object
    if "session" in names[-1].lower() or qualname.endswith("Session().get"):
        return True
    if len(names) == 1:
        function = walk.functions.get(call.function or "")
        for parameter in function.parameters if function else ():
            if parameter.name == names[0] and parameter.annotation is not None:
                return "Session" in parameter.annotation.text
    return False


def _scalar_of_model(call: Call, before, walk: Walk) -> bool:
    """`session.scalar(select(Model)...)` or `session.execute(select(Model)...).scalar()`."""
    if call.args:
        statement = call.args[0] if len(call.args) == 1 and not call.keywords else None
    else:
        statement = None
        if len(before) >= 2 and before[-2].children[0] == "." and before[-2].children[1].value == "execute":
            execute = _call_by_end(walk, before[-1].end_pos)
            statement = execute.args[0] if execute is not None and execute.args else None
    if statement is None:
        return False
    if statement.kind == "name":
        assignments = [
            a for a in walk.assignments
            if a.function == call.function and a.target == statement.text and a.target_span.start < call.span.start
        ]
        if not assignments:
            return False
        statement = assignments[-1].value
    for candidate in walk.calls:
        if candidate.span.start == statement.span.start and candidate.qualname in SELECTS:
            first = candidate.args[0] if candidate.args else None
            return first is not None and first.kind == "name" and _is_class_name(first.text)
    return False


def _call_by_end(walk: Walk, end: Point) -> Call | None:
    for call in walk.calls:
        if call.span.end == end:
            return call
    return None


# --- what happens to the result -----------------------------------------------------------------


@dataclass(frozen=True)
class _Outcome:
    variable: str | None = None
    checked: bool = False
    used: bool = False
    use_span: Span | None = None
    insert_after: Point | None = None
    indent: str | None = None


def _outcome(node, index, used) -> _Outcome:
    if index != len(node.children) - 1:  # `User.query.get(id).to_dict()`
        return _Outcome(used=True, use_span=span_of(node.children[index + 1]))
    expression = _unparenthesised(node)
    parent = expression.parent
    if parent.type == "expr_stmt":
        target = _assigned_name(parent, expression)
        if target is None:
            return _Outcome()
        verdict, at = _first_occurrence(target, parent, used.get(target, ()))
        insert_after, indent = _statement_room(parent)
        return _Outcome(target, verdict == "check", verdict == "use", at, insert_after, indent)
    if parent.type == "namedexpr_test" and parent.children[-1] is expression:
        name = parent.children[0].value
        verdict = _context(parent, name)
        return _Outcome(name, verdict == "check", verdict == "use", span_of(parent) if verdict == "use" else None)
    verdict = _context(node, None)
    return _Outcome(checked=verdict == "check", used=verdict == "use", use_span=span_of(node) if verdict == "use" else None)


def _unparenthesised(node):
    while node.parent.type == "atom" and node.parent.children[0] == "(" and len(node.parent.children) == 3:
        node = node.parent
    return node


def _assigned_name(statement, expression) -> str | None:
    children = statement.children
    if len(children) == 3 and children[1] == "=" and children[2] is expression and children[0].type == "name":
        return children[0].value
    if (
        len(children) == 2 and children[1].type == "annassign" and children[1].children[-1] is expression
        and children[0].type == "name"
    ):
        return children[0].value
    return None


def _statement_room(statement) -> tuple[Point | None, str | None]:
    simple = statement.parent
    if simple.type != "simple_stmt" or simple.parent.type != "suite" or len(simple.children) != 2:
        return None, None  # `a = f(); b = g()` or a one-line `if x: a = f()`
    newline = simple.children[1]
    if newline.type != "newline":
        return None, None
    indent = statement.get_first_leaf().prefix.rsplit("\n", 1)[-1]
    if indent.strip() or _in_try_body(statement):
        return None, None  # a new `raise` in a `try` could be caught by its own handlers
    # The newline leaf starts after any trailing comment: the end of the physical line.
    return newline.start_pos, indent


def _first_occurrence(name: str, statement, leaves) -> tuple[str, Span | None]:
    """How the statements that run after `statement` first meet `name` (`leaves`: every name
    leaf spelled so in the module, in order)."""
    scope = statement.parent
    while scope.parent is not None and scope.type not in SCOPES:
        scope = scope.parent
    first = bisect.bisect_left(leaves, statement.end_pos, key=_start)
    last = bisect.bisect_left(leaves, scope.end_pos, key=_start)
    after = leaves[first:last]
    if not after:
        return "none", None
    for following in _following(statement):
        start, end = following.start_pos, following.end_pos
        for leaf in after:
            if not start <= leaf.start_pos < end or _hidden(leaf, following, name):
                continue
            verdict = _context(leaf, name)
            if verdict == "neutral":
                continue
            return verdict, span_of(leaf) if verdict == "use" else None
    return "none", None


def _start(leaf):
    return leaf.start_pos


def _hidden(leaf, root, name: str) -> bool:
    """Whether `leaf` is in a function, class, lambda or comprehension of its own below `root`."""
    node = leaf.parent
    while node is not None and node is not root:
        if node.type in SCOPES:
            return True
        if any(child.type in COMPREHENSIONS and _binds(child, name) for child in node.children):
            return True
        node = node.parent
    return False


def _following(statement):
    """The statements after `statement` in the order they run, up to the end of its function."""
    node = statement
    while node.parent is not None and node.type not in SCOPES:
        parent = node.parent
        if parent.type in ("simple_stmt", "suite", "file_input"):
            siblings = parent.children
            yield from siblings[siblings.index(node) + 1:]
        elif parent.type in SCOPES:
            return
        # In a compound statement, the other branches or handlers do not run after this one.
        node = parent


def _occurrences(node, name: str):
    if node.type == "name":
        if node.value == name:
            yield node
        return
    if node.type in SCOPES or not hasattr(node, "children"):
        return
    if any(child.type in COMPREHENSIONS and _binds(child, name) for child in node.children):
        return  # the comprehension has a variable of that name
    for child in node.children:
        yield from _occurrences(child, name)


def _binds(comp_for, name: str) -> bool:
    index = 1 if comp_for.children[0] == "for" else 2  # `async for`
    target = comp_for.children[index]
    return any(leaf.value == name for leaf in _leaves(target) if leaf.type == "name")


def _leaves(node):
    if not hasattr(node, "children"):
        yield node
        return
    for child in node.children:
        yield from _leaves(child)


def _context(node, name: str | None) -> str:
    """What the code does with the value of `node`: "use", "check", "bind", "neutral", "escape".

    `name` is the variable that holds the record, when `node` is an occurrence of it."""
    parent = node.parent
    if parent.type == "trailer" and parent.children[0] == "." and node is parent.children[1]:
        return "neutral"  # `x.user`: an attribute of that name, not the variable
    if parent.type == "argument" and node is parent.children[0] and len(parent.children) == 3:
        if parent.children[1] == "=":
            return "neutral"  # a keyword argument's name
    node = _unparenthesised(node)
    parent = node.parent
    kind = parent.type
    if kind in ("atom_expr", "power") and parent.children.index(node) + 1 < len(parent.children):
        return _guarded(node, name, "use")  # `user.name`, `user[0]`, `user()`
    if kind == "expr_stmt":
        return _assignment_context(parent, node)
    if kind == "with_item":
        return "bind" if node is parent.children[-1] and len(parent.children) == 3 else "escape"
    if kind in ("for_stmt", "del_stmt", "exprlist", "global_stmt", "nonlocal_stmt", "import_from",
                "import_as_name", "dotted_as_name", "except_clause"):
        return "bind" if kind != "exprlist" or parent.parent.type in ("for_stmt", "del_stmt") else "escape"
    if kind == "namedexpr_test" and node is parent.children[0]:
        return "bind"
    if kind in ("return_stmt", "yield_expr"):
        return _guarded(node, name, "use")
    if kind in ("arglist", "trailer", "argument"):
        return _argument_context(node, name)
    if kind == "not_test":
        return "check"
    if kind in ("and_test", "or_test"):
        return "check" if node is not parent.children[-1] else "escape"
    if kind == "comparison":
        return _comparison_context(parent, node)
    if kind in ("if_stmt", "while_stmt"):
        previous = parent.children[parent.children.index(node) - 1]
        return "check" if getattr(previous, "value", None) in ("if", "elif", "while") else "escape"
    if kind == "test":  # `a if cond else b`
        return "check" if parent.children.index(node) == 2 else _guarded(node, name, "escape")
    if kind == "assert_stmt" and node is parent.children[1]:
        return "check"
    if kind in ("fstring_expr",):
        return "neutral"
    return "escape"


def _assignment_context(statement, node) -> str:
    children = statement.children
    if len(children) >= 2 and children[1].type == "annassign":
        return "bind" if node is children[0] else "escape"
    if node is children[-1]:
        return "escape"  # `other = user`: the record lives on under another name
    if len(children) >= 3 and children[1] == "=":
        return "bind"
    return "escape"  # `user += ...`


def _comparison_context(comparison, node) -> str:
    operators = [child for child in comparison.children[1::2]]
    operands = comparison.children[0::2]
    if len(operands) == 2 and any(o.type == "keyword" and o.value == "None" for o in operands):
        operator = code_of(operators[0]).split()
        if operator in (["is"], ["is", "not"], ["=="], ["!="]):
            return "check"
    return "neutral"


def _argument_context(node, name) -> str:
    parent = node.parent
    if parent.type == "argument" and parent.children[0] in ("*", "**"):
        parent = parent.parent
    elif parent.type == "argument":  # `f(key=user)`
        parent = parent.parent
    trailer = parent if parent.type == "trailer" else parent.parent
    if trailer.type != "trailer" or trailer.children[0] != "(":
        return "escape"  # a subscript: `cache[user]`
    call = trailer.parent
    position = call.children.index(trailer)
    callee = call.children[position - 1]
    callee_name = callee.children[1].value if callee.type == "trailer" and callee.children[0] == "." else (
        callee.value if callee.type == "name" else None
    )
    if callee_name in TESTING_CALLS:
        return "check"
    if callee_name in TOLERANT_CALLS:
        return "neutral"
    return _guarded(node, name, "use")


def _guarded(node, name: str | None, verdict: str) -> str:
    """A use is harmless inside `a if user else b`, or in a `try` that catches AttributeError."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in SCOPES:
        if parent.type == "test" and child is not parent.children[2] and name is not None:
            condition = parent.children[2]
            if any(_context(leaf, name) == "check" for leaf in _occurrences(condition, name)):
                return "check"
        child, parent = parent, parent.parent
    if _inside_try_catching(node, NONE_ERRORS):
        return "check"
    return verdict


def _enclosing_tries(node):
    """The `try` statements whose body (not a handler, `else` or `finally`) holds `node`."""
    child, parent = node, node.parent
    while parent is not None and parent.type not in SCOPES:
        if parent.type == "try_stmt" and child is parent.children[2]:  # the suite after `try :`
            yield parent
        child, parent = parent, parent.parent


def _inside_try_catching(node, exceptions: frozenset[str]) -> bool:
    return any(_catches(h, exceptions) for try_stmt in _enclosing_tries(node) for h in _handlers(try_stmt))


def _in_try_body(node) -> bool:
    return any(True for _ in _enclosing_tries(node))


def _handlers(try_stmt):
    children = try_stmt.children
    for position, child in enumerate(children):
        if child.type == "except_clause":
            yield child
        elif child.type == "keyword" and child.value == "except" and children[position + 1] == ":":
            yield None  # a bare `except:`


def _catches(handler, exceptions: frozenset[str]) -> bool:
    if handler is None:
        return True
    names = {leaf.value for leaf in _leaves(handler.children[1]) if leaf.type == "name"}
    return bool(names & exceptions)
