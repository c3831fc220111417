"""The generic layer of the facts: functions, calls, assignments and values of one module.

One pass over the tree with a scope chain; framework adapters (flask.py, fastapi.py, ...) read
what it collects and add routes and models.
"""

from __future__ import annotations

import ast
import bisect
import warnings
from dataclasses import dataclass, field

from parso.python import tree
from parso.tree import Leaf

from backend_ls.facts.model import Assignment, Call, ClassDef, Function, Parameter, Value
from backend_ls.facts.names import Arguments, Scope, bindings_of_import, canonical, imports_of, trailers_of
from backend_ls.positions import Point, Span

LOOPS = ("for_stmt", "while_stmt")
COMPREHENSIONS = ("sync_comp_for", "comp_for")
_DEFINITIONS = frozenset({"funcdef", "classdef", "decorated", "async_stmt", "async_funcdef"})
_IMPORTS = frozenset({"import_name", "import_from"})
_COMPREHENSION_HOLDERS = frozenset({"testlist_comp", "dictorsetmaker", "argument"})
_CALLS = frozenset({"power", "atom_expr"})
# The nodes `_Walker.visit` does more for than visit what they hold.
_SPECIAL = _DEFINITIONS | _IMPORTS | _COMPREHENSION_HOLDERS | _CALLS | {*LOOPS, "with_stmt", "expr_stmt"}


# Spans already made, by their numbers: the walk and the adapters make the span of the same node
# many times over, and equal spans are one value (nothing asks a span's identity, and the index
# merges equal ones anyway), so one object serves them all. Bounded: a few files' worth.
_SPANS: dict[tuple[int, int, int, int], Span] = {}
_SPANS_KEPT = 16384


def span_from(start_line: int, start_column: int, end_line: int, end_column: int) -> Span:
    key = (start_line, start_column, end_line, end_column)
    span = _SPANS.get(key)
    if span is None:
        if len(_SPANS) >= _SPANS_KEPT:
            _SPANS.clear()
        span = _SPANS[key] = Span((start_line, start_column), (end_line, end_column))
    return span


def span_of(node) -> Span:
    """`Span(node.start_pos, node.end_pos)`: from its first leaf's start to its last leaf's end,
    reached in two loops rather than parso's property per level."""
    first = node
    while not isinstance(first, Leaf):
        first = first.children[0]
    last = node
    while not isinstance(last, Leaf):
        last = last.children[-1]
    value = last.value
    if "\n" in value or "\r" in value:
        end_line, end_column = last.end_pos  # a leaf that runs over lines: parso counts them
    else:
        end_line, end_column = last.line, last.column + len(value)
    return span_from(first.line, first.column, end_line, end_column)


def code_of(node) -> str:
    """`node.get_code(include_prefix=False)`: the expression as written, without what precedes it.
    parso builds it with a generator per node; this joins the leaves in one list."""
    if isinstance(node, Leaf):
        return node.value
    parts: list[str] = []
    _leaf_code(node.children, parts)
    parts[0] = ""  # the first leaf's prefix
    return "".join(parts)


def code_of_siblings(nodes) -> str:
    """The text of consecutive siblings (a callee without its call trailer), from the first one's
    start: `"".join(node.get_code(include_prefix=index > 0) ...)`."""
    parts: list[str] = []
    _leaf_code(nodes, parts)
    parts[0] = ""
    return "".join(parts)


def _leaf_code(children, parts: list[str]) -> None:
    for child in children:
        if isinstance(child, Leaf):
            parts.append(child.prefix)
            parts.append(child.value)
        else:
            _leaf_code(child.children, parts)


# Literals already evaluated, by their text: the same strings and numbers recur across a module.
_LITERALS: dict[str, object] = {}
_QUOTES = ("'", '"')


def _literal(text: str):
    """The value of a string or number literal; None when it has none (or cannot be evaluated)."""
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == text[0]:
        inner = text[1:-1]
        # A one-line string without escapes is its own content; anything else goes to the parser.
        if text[0] not in inner and "\\" not in inner and inner.isascii() and inner.isprintable():
            return inner
    if text in _LITERALS:
        return _LITERALS[text]
    try:
        with warnings.catch_warnings():  # the user's invalid escapes (`"\w"`) are not ours to report
            warnings.simplefilter("ignore")
            value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = None
    if len(_LITERALS) >= 4096:
        _LITERALS.clear()
    _LITERALS[text] = value
    return value


def value_of(node, scope: Scope) -> Value:
    """Describe an expression: its kind, its literal value and, for names, what it resolves to."""
    kind = node.type
    if kind == "name":  # the most common kind: a leaf, resolved without splitting it
        qualname = scope.lookup(node.value)
        line, column = node.line, node.column
        return Value(node.value, span_from(line, column, line, column + len(node.value)), "name",
                     qualname=canonical(qualname) if qualname is not None else None)
    text = code_of(node)
    span = span_of(node)
    if kind in _CALLS:
        base, trailers = trailers_of(node)
        last = trailers[-1] if trailers else None
        if last is not None and last.children[0].value == "(":  # a trailer opens with its operator
            parts: tuple[Value, ...] = ()
            if len(trailers) == 2 and trailers[0].children[0] == "." and trailers[0].children[1].value == "format":
                parts = tuple(value_of(arg, scope) for arg in _argument_nodes(last))
            return Value(text, span, "call", qualname=scope.resolve_parts(base, trailers), parts=parts)
        return Value(text, span, "attribute", qualname=scope.resolve_parts(base, trailers))
    if kind == "string":
        return Value(text, span, "str", _literal(text))
    if kind == "fstring":
        parts = tuple(
            value_of(child.children[1], scope) for child in node.children if child.type == "fstring_expr"
        )
        return Value(text, span, "fstring", parts=parts)
    if kind == "strings":  # implicit concatenation
        pieces = [value_of(child, scope) for child in node.children]
        if all(piece.kind == "str" for piece in pieces):
            return Value(text, span, "str", "".join(str(p.literal) for p in pieces))
        parts = tuple(part for piece in pieces for part in piece.parts)
        return Value(text, span, "fstring", parts=parts)
    if kind == "number":
        return Value(text, span, "number", _literal(text))
    if kind == "keyword" and text in ("True", "False", "None"):
        return Value(text, span, text.lower(), {"True": True, "False": False, "None": None}[text])
    # An operator leaf compared by its value: `leaf == "("` is a Python call into parso per comparison.
    opening = node.children[0].value if kind == "atom" and node.children[0].type == "operator" else None
    if opening == "[" or opening == "(":
        inner = node.children[1] if len(node.children) == 3 else None
        elements = _elements(inner)
        if opening == "(" and inner is not None and inner.type not in ("testlist_comp",):
            return value_of(inner, scope)  # parenthesised expression
        values = [value_of(element, scope) for element in elements]
        literal = [v.literal for v in values] if all(v.is_literal for v in values) else None
        shape = "list" if opening == "[" else "tuple"
        if literal is not None and shape == "tuple":
            literal = tuple(literal)
        return Value(text, span, shape, literal, elements=tuple(values))
    if opening == "{":
        return Value(text, span, "dict", items=_dict_items(node, scope))
    if kind in ("arith_expr", "term"):
        operators = {child.value for child in node.children[1::2]}
        if operators & {"%", "+"}:
            parts = tuple(value_of(child, scope) for child in node.children[0::2])
            return Value(text, span, "binop", parts=parts)
    return Value(text, span, "other")


def _dict_items(node, scope) -> tuple[tuple[Value, Value], ...]:
    """The `key: value` entries of a dict display; none for a comprehension or a set."""
    inner = node.children[1] if len(node.children) == 3 else None
    if inner is None or inner.type != "dictorsetmaker":
        return ()
    children = inner.children
    if any(child.type in COMPREHENSIONS for child in children):
        return ()
    items, index = [], 0
    while index < len(children):
        child = children[index]
        if child.type == "operator" and child.value == "**":
            index += 3  # `**spread` and its comma
        elif index + 2 < len(children) and _is_operator(children[index + 1], ":"):
            items.append((value_of(children[index], scope), value_of(children[index + 2], scope)))
            index += 4
        else:
            return ()  # a set display
    return tuple(items)


def _is_operator(leaf, text: str) -> bool:
    """`leaf == text` for an operator's text, without parso's comparison method (a Python call per
    comparison, in the walks' hottest loops): only operator and keyword leaves equal strings."""
    return leaf.type == "operator" and leaf.value == text


def _elements(inner) -> list:
    if inner is None:
        return []
    if inner.type in ("testlist_comp", "exprlist", "testlist"):
        if any(child.type in ("sync_comp_for", "comp_for") for child in inner.children):
            return []
        return [child for child in inner.children if not (child.type == "operator" and child.value == ",")]
    return [inner]


def _argument_nodes(trailer) -> list:
    """The argument expressions of a `.format(...)` call: positional ones, then keyword values."""
    arguments = Arguments(trailer)
    return [node for node in arguments.positional if node not in arguments.generators] + list(arguments.keywords.values())


@dataclass
class DecoratedFunction:
    """A function definition with the scope its decorators were evaluated in."""

    function: Function
    node: object
    decorators: list
    scope: Scope
    _qualnames: list | None = field(default=None, repr=False, compare=False)

    def decorator_qualnames(self) -> list:
        """What each decorator's expression (a name, attributes and calls) resolves to in `scope`;
        None for one that is something else. Asked by the route and hook adapters of every
        framework, once the statement's walk is done."""
        if self._qualnames is None:
            self._qualnames = [
                self.scope.resolve(d.children[1]) if d.children[1].type in ("power", "atom_expr") else None
                for d in self.decorators
            ]
        return self._qualnames


@dataclass
class Walk:
    path: str
    imports: dict[str, str]
    functions: dict[str, Function] = field(default_factory=dict)
    decorated: list[DecoratedFunction] = field(default_factory=list)
    classes: dict[str, object] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    class_defs: dict[str, ClassDef] = field(default_factory=dict)
    module_scope: Scope | None = None
    _calls_by_span: dict | None = None
    _finder: tuple | None = field(default=None, repr=False, compare=False)
    _index: "TreeIndex | None" = field(default=None, repr=False, compare=False)

    def index(self, module) -> "TreeIndex":
        """The nodes of `module` (the statements this walk went over) by type: made on the first
        question and shared by the adapters that read the same statements after it."""
        if self._index is None or self._index.module is not module:
            self._index = TreeIndex(module)
        return self._index

    def call_at(self, span: Span) -> Call | None:
        """The call whose expression covers exactly `span`."""
        return self.calls_by_span().get(span)

    def function_finder(self) -> "FunctionFinder":
        """The innermost function at a position, for the adapters that place what they find."""
        if self._finder is None or self._finder[0] != len(self.functions):
            self._finder = (len(self.functions), FunctionFinder(self.functions))
        return self._finder[1]

    def calls_by_span(self) -> dict[Span, Call]:
        """The calls by the span of their expression (the last one for a span two calls share);
        made once for the adapters that look calls up by span."""
        if self._calls_by_span is None or len(self._calls_by_span) != len(self.calls):
            self._calls_by_span = {call.span: call for call in self.calls}
        return self._calls_by_span


class FunctionFinder:
    """The innermost function whose body holds a position: a binary search among the functions
    sorted by start, then up through the enclosing ones (functions nest, they never overlap)."""

    def __init__(self, functions: dict[str, Function]):
        self.functions = sorted((f for f in functions.values() if f.end is not None), key=lambda f: f.def_span.start)
        self.starts = [function.def_span.start for function in self.functions]
        self.parents: list[int] = []
        open_: list[int] = []
        for index, function in enumerate(self.functions):
            while open_ and not function.def_span.start < self.functions[open_[-1]].end:  # type: ignore[operator]
                open_.pop()
            self.parents.append(open_[-1] if open_ else -1)
            open_.append(index)

    def at(self, point: Point) -> str | None:
        index = bisect.bisect_right(self.starts, point) - 1
        while index >= 0:
            function = self.functions[index]
            if point < function.end:  # type: ignore[operator]
                return function.qualname
            index = self.parents[index]
        return None


class NameLeaves:
    """Name leaves by name, each name's in source order: `get` answers as the dict of lists parso's
    `get_used_names` is. Kept as one list sorted by name: the index lives as long as the module's
    facts are being made, and a list per name (thousands per module) made the garbage collector
    run whole-heap collections more often."""

    def __init__(self, leaves: list):
        self._leaves = sorted(leaves, key=_value_of_leaf)  # stable: source order within a name
        self._values = [leaf.value for leaf in self._leaves]
        self._present = set(self._values)  # most questions are about a name that is not there

    def get(self, name: str, default=None):
        if name not in self._present:
            return default
        start = bisect.bisect_left(self._values, name)
        end = bisect.bisect_right(self._values, name, start)
        return self._leaves[start:end] if end > start else default


def _value_of_leaf(leaf) -> str:
    return leaf.value


# The node types the adapters look up, kept in lists of their own; any other type is found by
# going over all the nodes. (A list per type for every type would be thousands of lists more per
# module for the garbage collector to go over, for nothing.)
INDEXED_TYPES = frozenset(
    {"return_stmt", "funcdef", "for_stmt", "try_stmt", "with_stmt", "lambdef", "comp_for", "sync_comp_for",
     "expr_stmt", "import_name", "import_from"}
)


class TreeIndex:
    """One pass over a module (or the statements seen as one): its inner nodes in source order (a
    parent before what it holds), by type for the types adapters ask about, and its name leaves
    by name, in source order, which is what parso's `get_used_names` gives. Adapters look nodes up
    here instead of each walking the whole tree again."""

    def __init__(self, module):
        self.module = module
        self.inner: list = []  # every node with children, in source order
        self.by_type: dict[str, list] = {}
        self.awaits = 0  # `await` keywords
        inner, by_type, names = self.inner, self.by_type, []
        stack = module.children[::-1]
        pop, push = stack.pop, stack.extend
        while stack:
            node = pop()
            if isinstance(node, Leaf):
                kind = node.type
                if kind == "name":
                    names.append(node)
                elif kind == "keyword" and node.value == "await":
                    self.awaits += 1
                continue
            inner.append(node)
            kind = node.type
            if kind in INDEXED_TYPES:
                found = by_type.get(kind)
                if found is None:
                    by_type[kind] = [node]
                else:
                    found.append(node)
            push(node.children[::-1])
        self.names = NameLeaves(names)

    def of_type(self, kind: str) -> list:
        if kind in INDEXED_TYPES:
            return self.by_type.get(kind, [])
        return [node for node in self.inner if node.type == kind]

    def of_types(self, kinds) -> list:
        """The nodes of any of `kinds`, in source order."""
        if all(kind in INDEXED_TYPES for kind in kinds):
            present = [kind for kind in kinds if kind in self.by_type]
            if len(present) <= 1:
                return self.by_type[present[0]] if present else []
        return [node for node in self.inner if node.type in kinds]


def module_scope(module: tree.Module, external: dict[str, str] | None = None, imports: dict[str, str] | None = None) -> Scope:
    """The names a module binds at its top level: its imports, then its assignments.

    `external` says what imported names are, when the workspace index knows it from the module
    they come from (`from .extensions import db` -> "flask_sqlalchemy.SQLAlchemy()").
    Function bodies run after the whole module has executed, so module-level bindings made below
    a function are visible in it: they are all bound before any statement is walked.
    `imports`: `imports_of(module)` when the caller has it already (a search of the whole tree)."""
    imports = imports_of(module) if imports is None else imports
    scope = Scope(dict(imports))
    scope.imports = imports
    for name, qualname in (external or {}).items():
        if name in imports:
            scope.names[name] = qualname
    for stmt in _module_statements(module):
        if stmt.type == "expr_stmt":
            scope.bind_assignment(stmt)
    return scope


def walk_module(module: tree.Module, path: str) -> Walk:
    return walk_statements(module.children, module_scope(module), path)


def merge_walks(walks: list[Walk], scope: Scope, path: str) -> Walk:
    """One walk of the whole module from the walks of its statements, in order."""
    merged = Walk(path=path, imports=scope.imports, module_scope=scope)
    for walk in walks:
        merged.functions.update(walk.functions)
        merged.decorated.extend(walk.decorated)
        merged.classes.update(walk.classes)
        merged.calls.extend(walk.calls)
        merged.assignments.extend(walk.assignments)
        merged.class_defs.update(walk.class_defs)
    return merged


def walk_statements(nodes, scope: Scope, path: str) -> Walk:
    """Walk some top-level statements of a module whose top-level names are `scope`."""
    walk = Walk(path=path, imports=scope.imports, module_scope=scope)
    _Walker(walk).visit_block(nodes, scope, None, None, False)
    return walk


def _module_statements(module):
    for child in module.children:
        if child.type == "simple_stmt":
            yield from child.children
        else:
            yield child


class _Walker:
    def __init__(self, walk: Walk):
        self.walk = walk

    def visit_block(self, children, scope, function, class_name, in_loop):
        for child in children:
            if not isinstance(child, Leaf):  # a leaf holds no call, binding or definition
                self.visit(child, scope, function, class_name, in_loop)

    def visit(self, node, scope: Scope, function: str | None, class_name: str | None, in_loop: bool):
        if isinstance(node, Leaf):
            return
        kind = node.type
        if kind not in _SPECIAL:
            for child in node.children:
                if not isinstance(child, Leaf):
                    self.visit(child, scope, function, class_name, in_loop)
            return
        if kind in _DEFINITIONS:
            self.visit_definition(node, scope, function, class_name, in_loop)
            return
        if kind in _IMPORTS:
            if scope.parent is not None:
                scope.names.update(bindings_of_import(node))
            return
        children = node.children
        if kind in LOOPS:
            self.visit_loop(node, scope, function, class_name, in_loop)
            return
        if kind in _COMPREHENSION_HOLDERS and any(child.type in COMPREHENSIONS for child in children):
            self.visit_block(children, scope, function, class_name, True)
            return
        if kind in _CALLS:
            self.record_calls(node, scope, function, in_loop)
        elif kind == "with_stmt":  # `as` names are bound before the body runs
            scope.bind_with(node)
        for child in children:
            if not isinstance(child, Leaf):
                self.visit(child, scope, function, class_name, in_loop)
        if kind == "expr_stmt":
            self.record_assignments(node, scope, function, class_name)
            if scope.parent is not None:  # module bindings were made up front
                scope.bind_assignment(node)

    def visit_loop(self, node, scope, function, class_name, in_loop):
        body_started = False
        for child in node.children:
            if child.type == "operator" and child.value == ":":
                body_started = True
            # The iterable of a `for` runs once; the body (and a `while` test) run per iteration.
            self.visit(child, scope, function, class_name, in_loop or body_started or node.type == "while_stmt")

    def visit_definition(self, node, scope, function, class_name, in_loop):
        decorators = []
        if node.type == "decorated":
            first = node.children[0]
            decorators = first.children if first.type == "decorators" else [first]
            for decorator in decorators:
                self.visit(decorator, scope, function, class_name, in_loop)
            node = node.children[1]
        is_async = False
        if node.type in ("async_stmt", "async_funcdef"):
            is_async = True
            node = node.children[1]
            if node.type not in ("funcdef", "classdef"):  # `async for` / `async with`
                self.visit(node, scope, function, class_name, in_loop)
                return
        prefix = f"{function}." if function else (f"{class_name}." if class_name else "")
        qualname = prefix + node.name.value
        if node.type == "classdef":
            self.walk.classes[qualname] = node
            self.walk.class_defs[qualname] = ClassDef(
                name=node.name.value,
                qualname=qualname,
                name_span=span_of(node.name),
                bases=tuple(value_of(base, scope) for base in _base_nodes(node.get_super_arglist())),
                decorators=tuple(value_of(d.children[1], scope) for d in decorators),
            )
            if node.get_super_arglist() is not None:
                self.visit(node.get_super_arglist(), scope, function, class_name, in_loop)
            body = node.children[-1]
            self.visit_block(getattr(body, "children", [body]), scope, function, qualname, False)
            return
        parameters = []
        for param in node.get_params():
            parameters.append(
                Parameter(
                    name=param.name.value,
                    span=span_of(param.name),
                    annotation=value_of(param.annotation, scope) if param.annotation else None,
                    default=value_of(param.default, scope) if param.default else None,
                )
            )
            if param.default is not None:
                self.visit(param.default, scope, function, class_name, in_loop)
        start = node.start_pos if not is_async else node.parent.start_pos
        fact = Function(
            name=node.name.value,
            qualname=qualname,
            name_span=span_of(node.name),
            def_span=Span(start, node.name.end_pos),
            is_async=is_async,
            class_name=class_name if function is None else None,
            parameters=tuple(parameters),
            decorators=tuple(value_of(d.children[1], scope) for d in decorators),
            end=node.end_pos,
        )
        self.walk.functions[qualname] = fact
        inner = scope.child()
        for param in parameters:
            inner.names[param.name] = None  # a parameter shadows the outer name
        if decorators:
            self.walk.decorated.append(DecoratedFunction(fact, node, decorators, scope))
        body = node.children[-1]
        self.visit_block(getattr(body, "children", [body]), inner, qualname, None, False)

    def record_calls(self, node, scope, function, in_loop):
        base, trailers = trailers_of(node)
        assigned_to = None
        parent = node.parent
        if parent.type == "expr_stmt" and parent.children[-1] is node and parent.children[0].type == "name":
            assigned_to = parent.children[0].value
        # The callee of each call in the chain is the base and the trailers before it: its dotted
        # text, pieces and qualified name grow by one trailer at a time.
        is_name = base.type == "name"
        dotted = base.value if is_name else None
        pieces = [base.value if is_name else "?"]
        resolved = scope.lookup(base.value) if is_name else None  # before `canonical`
        start = node.start_pos
        last = len(trailers) - 1
        for index, trailer in enumerate(trailers):
            first = trailer.children[0].value  # a trailer opens with its operator
            if first != "(":
                if first != "." or trailer.children[1].type != "name":
                    dotted = None
                elif dotted is not None:
                    dotted += "." + trailer.children[1].value
                if first == ".":
                    name = trailer.children[1].value
                    pieces.append(name)
                    if resolved is not None:
                        resolved += "." + name
                else:
                    pieces[-1] += "[]"
                    if resolved is not None:
                        resolved += "[]"
                continue
            args, keywords, star_args, star_kwargs, spread = _arguments(trailer, scope)
            self.walk.calls.append(
                Call(
                    callee=dotted,
                    qualname=canonical(resolved) if resolved is not None else None,
                    span=span_from(*start, *trailer.end_pos),
                    args=tuple(args),
                    keywords=tuple(keywords),
                    star_args=star_args,
                    star_kwargs=star_kwargs,
                    close_paren=trailer.children[-1].start_pos,
                    function=function,
                    in_loop=in_loop,
                    assigned_to=assigned_to if index == last else None,
                    chain=tuple(pieces),
                    star_kwargs_values=tuple(spread),
                )
            )
            dotted = None
            pieces[-1] += "()"
            if resolved is not None:
                resolved += "()"

    def record_assignments(self, node, scope, function, class_name=None):
        children = node.children
        if len(children) >= 2 and children[1].type == "annassign":
            annassign = children[1]
            if len(annassign.children) < 4:
                return
            targets, value = [children[0]], annassign.children[-1]
        elif len(children) >= 3 and _is_operator(children[1], "="):
            targets, value = children[0:-1:2], children[-1]
        else:
            return
        fact_value = value_of(value, scope)
        for target in targets:
            key = base_qualname = None
            if target.type in ("power", "atom_expr"):
                base, trailers = trailers_of(target)
                if not trailers or trailers[-1].type != "trailer":
                    continue  # mid-keystroke: `await x = ...` and other targets no one can assign
                last = trailers[-1]
                if last.children[0].value == "[":
                    subscript = value_of(last.children[1], scope)
                    key = subscript.literal if subscript.kind == "str" else None
                    base_node = _rebuild(target, base, trailers[:-1])
                    base_qualname = scope.resolve(base_node) if base_node is not None else None
                else:
                    base_node = _rebuild(target, base, trailers[:-1])
                    base_qualname = scope.resolve(base_node) if base_node is not None else None
            elif target.type != "name":
                continue
            self.walk.assignments.append(
                Assignment(
                    target=code_of(target),
                    target_span=span_of(target),
                    key=key,
                    base_qualname=base_qualname,
                    value=fact_value,
                    function=function,
                    class_name=class_name if function is None else None,
                )
            )


class _Partial:
    """A view of `base` followed by some of its trailers, for resolution without copying nodes."""

    type = "atom_expr"

    def __init__(self, base, trailers):
        self.children = [base, *trailers]


def _rebuild(node, base, trailers):
    return base if not trailers else _Partial(base, trailers)


def _base_nodes(arglist) -> list:
    """The positional entries of a class's base list (`metaclass=` and `*bases` left out)."""
    if arglist is None:
        return []
    items = arglist.children if arglist.type == "arglist" else [arglist]
    return [item for item in items if item != "," and item.type != "argument"]


def _arguments(trailer, scope):
    arguments = Arguments(trailer)
    args = [value_of(node, scope) for node in arguments.positional]
    keywords = [(name, value_of(node, scope)) for name, node in arguments.keywords.items()]
    spread = [value_of(node, scope) for node in arguments.double_star]
    return args, keywords, bool(arguments.star), bool(arguments.double_star), spread