"""Database queries: which model each query reads, the methods chained on it, what it eager-loads,
the columns it looks rows up by, how and where it runs, and the loops that read its rows.

ORMs: SQLAlchemy classic (`session.query(M)...`) and 2.0 (`select(M)...` run by
`session.execute/scalars/scalar`), Flask-SQLAlchemy (`M.query...`, `db.session...`, `db.paginate`),
SQLModel (`session.exec(select(M))`) and Django (`M.objects...`, `get_object_or_404`), whose
querysets are lazy: building one runs nothing, iterating, `list()`, `len()`, `get`, `count`, ...
run it.

A query is followed through the local names of one function (`stmt = select(M)`, `stmt =
stmt.where(...)`, `rows = session.scalars(stmt)`, `for row in rows:`): every expression that uses it
is a `Query` holding everything chained on it so far, with `origin` naming the expression that
started it. Loops and comprehensions over a query's rows (or over what a function call returns,
for checks that follow the call through the workspace) are `QueryLoop`s with the attributes their
body reads from each row.

Shapes are recognised by what is written (a manager called `objects` on a class, `query(Class)` on
a session-like name, `select` resolved through imports); a name whose meaning is unknown is not a
query. Whether the class is a model is for the checks to settle from the model facts.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass, field

from parso.tree import Leaf

from backend_ls.facts.model import Call, Value
from backend_ls.facts.models import canonical
from backend_ls.facts.names import Scope, trailers_of
from backend_ls.facts.walk import Walk, code_of, span_of
from backend_ls.positions import Point, Span

SELECTS = frozenset(
    {"sqlalchemy.select", "sqlalchemy.future.select", "sqlalchemy.sql.select", "sqlalchemy.sql.expression.select",
     "sqlmodel.select", "sqlmodel.sql.expression.select"}
)
GET_OBJECT_OR_404 = frozenset({"django.shortcuts.get_object_or_404"})
# Session methods that run a statement, and what they give back.
EXECUTIONS = frozenset({"execute", "scalars", "scalar", "exec", "paginate", "first_or_404", "one_or_404"})
# Legacy Query / Flask-SQLAlchemy methods that run the query; what they return is no query any more.
LEGACY_RUNS = frozenset(
    {"all", "first", "one", "one_or_none", "scalar", "count", "get", "get_or_404", "first_or_404", "one_or_404",
     "paginate", "delete", "update", "__iter__"}
)
DJANGO_RUNS = frozenset(
    {"get", "first", "last", "earliest", "latest", "count", "exists", "aggregate", "in_bulk", "iterator", "update",
     "delete", "get_or_create", "update_or_create", "create", "bulk_create", "bulk_update", "contains", "explain"}
)
# What can be read from a 2.0 Result (or a SQLModel / scalars result) once it has run.
RESULT_ACCESSORS = frozenset(
    {"all", "first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "scalars", "unique",
     "fetchall", "fetchone", "fetchmany", "mappings", "partitions", "tuples"}
)
# Result methods that hand over rows (a list, or one row) rather than another result object.
RESULT_FETCHES = frozenset({"all", "first", "one", "one_or_none", "fetchall", "fetchone", "fetchmany"})
# Terminals that fetch (at most) one record.
SINGLE = frozenset(
    {"first", "one", "one_or_none", "scalar", "scalar_one", "scalar_one_or_none", "get", "get_or_404", "first_or_404",
     "one_or_404", "get_object_or_404", "last", "earliest", "latest", "[i]"}
)
LIMITS = frozenset({"limit", "offset", "slice", "paginate", "fetchmany"})
# Terminals that give a list of rows (a slice of it is rows too).
ROW_LISTS = frozenset({"all", "list", "fetchall", "sorted", "[:]"})
# Built-ins that consume a query whole; `len` only counts what it fetched.
WRAPPERS = frozenset({"list", "tuple", "sorted", "set", "len"})
LOADERS = frozenset(
    {"joinedload", "selectinload", "subqueryload", "immediateload", "contains_eager", "lazyload", "defaultload",
     "noload", "raiseload"}
)
# Loader options that are about columns, not relationships: known, and loading nothing.
COLUMN_OPTIONS = frozenset(
    {"load_only", "defer", "undefer", "undefer_group", "with_expression", "with_loader_criteria", "Load",
     "selectin_polymorphic", "joinedload_all"}
)
SESSION_NAMES = frozenset({"db", "s", "sess", "conn", "connection", "dbs"})
NOT_SESSIONS = ("flask.session", "requests.", "httpx.", "aiohttp.", "django.", "starlette.", "fastapi.Request")
DJANGO_OPERATORS = frozenset({"exact", "iexact", "in", "gt", "gte", "lt", "lte", "contains", "icontains", "startswith",
                              "istartswith", "endswith", "iendswith", "range", "isnull", "regex", "iregex", "date",
                              "year", "month", "day"})
DEFINITIONS = ("funcdef", "classdef", "decorated", "async_funcdef")
# The attributes a query can start at: a manager, a query property, a session method.
ROOT_ATTRIBUTES = frozenset({"objects", "query", "get", "get_or_404"}) | EXECUTIONS
# The nodes `_Reader.visit` reads for themselves; it only looks inside the others.
_READ = frozenset({*DEFINITIONS, "async_stmt", "for_stmt", "expr_stmt", "return_stmt", "atom_expr", "power", "atom",
                   "testlist_comp", "dictorsetmaker", "argument"})
COMPREHENSIONS = ("sync_comp_for", "comp_for")


@dataclass(frozen=True)
class QueryStep:
    """A method chained on a query (`.filter(...)`), or a subscript (`[:20]`, name "[]")."""

    name: str
    span: Span  # from the dot (or bracket) to the closing parenthesis (or bracket)
    args: tuple[Value, ...] = ()
    keywords: tuple[tuple[str, Value], ...] = ()
    is_slice: bool = False


@dataclass(frozen=True)
class EagerLoad:
    """A loader option: `selectinload(Order.items)` -> ("items",); chained loaders give one entry
    per level (`joinedload(A.b).selectinload(B.c)` -> ("b",) joined, ("b", "c") selectin). Django's
    `select_related("a__b")` gives ("a",) and ("a", "b"); `select_related()` with no fields gives ()."""

    strategy: str  # the loader or "select_related" / "prefetch_related"
    path: tuple[str, ...]  # relationship names from the queried model; ("*",) for a wildcard
    model: str | None  # the class written in the first level (`Order` in `Order.items`)
    span: Span


@dataclass(frozen=True)
class Lookup:
    """A column a query constrains: `filter_by(email=x)`, `User.email == x`, `objects.get(email=x)`."""

    column: str  # the attribute or field name ("pk" for a lookup by primary key)
    model: str | None  # the class the column is written on (`User` in `User.email`); None: the queried model
    operator: str  # "==", "in", "pk" (by primary key), "iexact", "path" (through a relation), "other"
    span: Span


@dataclass(frozen=True)
class Query:
    """One expression that builds, continues or runs a query."""

    span: Span  # this expression: the chain, or the wrapping `list(...)` / `len(...)` call
    origin: Span  # the expression that started the query (may be an earlier statement of the function)
    orm: str  # "sqlalchemy", "flask_sqlalchemy", "sqlmodel", "django"
    model: str | None  # the queried class as written: "User", "models.User"
    model_qualname: str | None  # resolved through imports; None for a class of this module (or unknown)
    entity: str  # what rows are: "model" (instances of the model), "rows" (tuples), "columns" (values)
    steps: tuple[QueryStep, ...]  # every method chained since the origin
    eager: tuple[EagerLoad, ...]
    eager_unknown: bool  # loader options that cannot be read (`.options(*opts)`)
    lookups: tuple[Lookup, ...]
    lookups_unknown: bool  # a condition that cannot be read (`filter(cond)`, `filter(**kw)`, `or_`)
    # How the rows are fetched: a running method ("all", "first", "get", "count", "scalars", ...),
    # "iter" (a loop or comprehension), "list" / "tuple" / "sorted" / "set" / "len", "[i]" / "[:]"
    # (a subscript that runs it), "get_object_or_404"; None when nothing has run it yet.
    terminal: str | None
    executes: bool  # this expression runs SQL (not only reads a result fetched before)
    executed: bool  # the query has run by the end of this expression
    variable: str | None  # `name = <expression>`
    from_variable: str | None  # the expression continues the query held by this name
    function: str | None  # qualified name of the enclosing function
    class_name: str | None  # the class whose body holds it directly (DRF `queryset = ...`)
    in_loop: bool  # inside the body of a `for` loop or a comprehension (the collection's, not a `while`)
    returned: bool  # `return <expression>`
    insert_options: Point | None  # where `.options(...)` / `.select_related(...)` goes: after the origin's root
    wrapped: Span | None = None  # the query inside `list(...)` / `len(...)`, when it is wrapped
    argument_of: str | None = None  # the callee, when the expression is passed to a call: "Paginator"
    # How the code uses `variable` (or `from_variable`) after binding it: "len", "iter", "chain"
    # (a method or subscript on it), "paginate" (passed to a paginator), "other".
    variable_uses: tuple[str, ...] = ()

    @property
    def single(self) -> bool:
        """Fetches at most one record."""
        return self.terminal in SINGLE

    @property
    def limited(self) -> bool:
        """Bounded by a limit, an offset, a slice, pagination or a single-record terminal."""
        if self.single or self.terminal == "[:]":
            return True
        return any(step.name in LIMITS or (step.name == "[]" and step.is_slice) for step in self.steps)

    def step(self, name: str) -> QueryStep | None:
        for step in self.steps:
            if step.name == name:
                return step
        return None


@dataclass(frozen=True)
class AttributeRead:
    attribute: str
    span: Span  # `order.customer`: the variable and the attribute


@dataclass(frozen=True)
class QueryLoop:
    """A `for` loop or comprehension over a query's rows (or over what a call returns), with the
    attributes its body reads from each row."""

    span: Span  # the statement or the comprehension
    item: str  # the name bound to each row (`for i, row in enumerate(rows)`: "row")
    query: Span | None  # the span of the `Query` (in this module's facts) it iterates
    helper: Value | None  # the callee whose result it iterates (`recent_orders` in `recent_orders(s)`)
    reads: tuple[AttributeRead, ...]
    function: str | None


def queries_in(module, walk: Walk) -> tuple[tuple[Query, ...], tuple[QueryLoop, ...]]:
    reader = _Reader(walk)
    reader.read(module.children)
    return reader.results(walk.index(module).names)


def exported_queries(facts) -> tuple:
    """What other modules' checks read from a module's queries: the single-record lookups (DB004
    points at them) and the queries functions return (a helper's eager loading, for PERF001)."""
    found = []
    for query in getattr(facts, "queries", ()):
        if query.single and query.lookups:
            found.append(("lookup", query.model, query.model_qualname, query.lookups, query.span))
        if query.returned and query.function is not None:  # positions left out: they move with any edit
            found.append(("returned", query.function, query.model, query.model_qualname, query.entity,
                          tuple((load.strategy, load.path) for load in query.eager), query.eager_unknown,
                          query.terminal))
    return tuple(found)


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _State:
    origin: Span
    orm: str
    model: str | None
    model_qualname: str | None
    entity: str
    phase: str  # "query" (lazy), "statement" (a select), "result" (a 2.0 result), "done"
    scalar_entity: str = "model"  # what `.scalars()` of a 2.0 result gives
    steps: tuple[QueryStep, ...] = ()
    eager: tuple[EagerLoad, ...] = ()
    eager_unknown: bool = False
    lookups: tuple[Lookup, ...] = ()
    lookups_unknown: bool = False
    terminal: str | None = None
    executed: bool = False
    ran_here: bool = False
    insert_options: Point | None = None
    wrapped: Span | None = None
    from_variable: str | None = None
    binding: int | None = None  # the binding `from_variable` came from
    end: Point | None = None  # where the query ends, when the chain goes on past it


def _with(state: _State, **changes) -> _State:
    """`dataclasses.replace` for the reader's states, without its checks (it runs per chained call)."""
    new = object.__new__(_State)
    new.__dict__.update(state.__dict__)
    new.__dict__.update(changes)
    return new


class _Helper:
    """A name bound to what a plain call returns. Most such names are never iterated: the callee's
    Value is made when a loop asks for it."""

    def __init__(self, reader: "_Reader", base, trailers):
        self._reader, self._base, self._trailers = reader, base, trailers
        self._callee: Value | None = None

    @property
    def callee(self) -> Value:
        if self._callee is None:
            self._callee = self._reader.helper_value(self._base, self._trailers)
        return self._callee


@dataclass
class _Context:
    function: str | None
    class_name: str | None
    in_loop: bool
    names: dict = field(default_factory=dict)  # local name -> (_State, binding id) | _Helper
    bindings: list = field(default_factory=list)  # binding ids made in this scope
    root: object = None  # the scope's node (function) or None (module / class statements)

    def inner(self, in_loop: bool) -> "_Context":
        return _Context(self.function, self.class_name, in_loop, self.names, self.bindings, self.root)


@dataclass
class _Binding:
    name: str
    statement: object
    scope: object  # the node whose leaves the uses are looked for in
    uses: tuple[str, ...] = ()


class _Reader:
    def __init__(self, walk: Walk):
        self.walk = walk
        self.scope: Scope = walk.module_scope or Scope(dict(walk.imports))
        self.calls: dict[Point, Call] = {call.close_paren: call for call in walk.calls}
        self.queries: list[tuple[Query, int | None, int | None]] = []
        self.loops: list[QueryLoop] = []
        self.bindings: list[_Binding] = []
        self.consumed: set[int] = set()
        self.top_nodes: list = []

    def results(self, used_names):
        for binding in self.bindings:
            binding.uses = tuple(_uses(binding, used_names.get(binding.name, ())))
        queries = []
        for query, own, source in self.queries:
            chosen = own if own is not None else source
            if chosen is not None:
                query = dataclasses.replace(query, variable_uses=self.bindings[chosen].uses)
            queries.append(query)
        return tuple(queries), tuple(self.loops)

    def read(self, nodes):
        self.top_nodes = list(nodes)
        context = _Context(None, None, False, root=_Nodes(self.top_nodes))
        for node in nodes:
            self.visit(node, context)

    # -- statements -------------------------------------------------------------------------------
    def visit(self, node, context: _Context):
        if isinstance(node, Leaf):
            return  # no query, binding or loop
        kind = node.type
        if kind not in _READ:
            for child in node.children:
                if not isinstance(child, Leaf):
                    self.visit(child, context)
            return
        if kind in DEFINITIONS or (kind == "async_stmt" and node.children[1].type == "funcdef"):
            self.definition(node, context)
            return
        if kind == "async_stmt" and node.children[1].type == "for_stmt":
            self.for_loop(node.children[1], context)
            return
        if kind == "for_stmt":
            self.for_loop(node, context)
            return
        if kind == "expr_stmt":
            self.assignment(node, context)
            return
        if kind == "return_stmt" and len(node.children) == 2:
            self.expression(node.children[1], context, role="return")
            return
        if kind in ("atom_expr", "power", "atom"):
            self.expression(node, context)
            return
        if kind in ("testlist_comp", "dictorsetmaker", "argument") and _comp_for(node) is not None:
            self.comprehension(node, context)
            return
        for child in node.children:
            if not isinstance(child, Leaf):
                self.visit(child, context)

    def definition(self, node, context: _Context):
        if node.type == "decorated":
            node = node.children[1]
        if node.type in ("async_stmt", "async_funcdef"):
            node = node.children[1]
        prefix = f"{context.function}." if context.function else (f"{context.class_name}." if context.class_name else "")
        qualname = prefix + node.name.value
        body = node.children[-1]
        if node.type == "classdef":
            inner = _Context(context.function, qualname, False, {}, [], None)
            for child in getattr(body, "children", [body]):
                self.visit(child, inner)
            return
        for parameter in node.get_params():
            if parameter.default is not None:
                self.visit(parameter.default, context)
        inner = _Context(qualname, None, False, {}, [], node)
        for child in getattr(body, "children", [body]):
            self.visit(child, inner)

    def assignment(self, node, context: _Context):
        children = node.children
        if len(children) >= 2 and children[1].type == "annassign":
            annassign = children[1]
            if len(annassign.children) < 4:
                return
            targets, value = [children[0]], annassign.children[-1]
        elif len(children) >= 3 and children[1] == "=":
            targets, value = children[0:-1:2], children[-1]
        else:  # `x += ...`
            for child in children:
                self.visit(child, context)
            _forget(context, children[0])
            return
        for target in targets:
            if target.type != "name":
                self.visit(target, context)
        name = targets[0].value if len(targets) == 1 and targets[0].type == "name" else None
        found = self.expression(value, context, role="assign", variable=name)
        for target in targets:
            _forget(context, target)
        if name is None:
            return
        if found is not None:
            state, binding = found
            context.names[name] = (state, binding)
        else:
            callee = self.helper_callee(value)
            if callee is not None:
                context.names[name] = _Helper(self, *callee)

    def for_loop(self, node, context: _Context):
        children = node.children
        if len(children) < 6 or children[2] != "in":
            for child in children:
                self.visit(child, context)
            return
        target, iterable = children[1], children[3]
        item, iterated = _item_and_iterable(target, iterable)
        query_span, helper = self.iteration(iterated, iterable, context)
        _forget(context, target)
        if item is not None and (query_span is not None or helper is not None):
            reads = tuple(_reads([children[5]], item))
            if reads:
                self.loops.append(QueryLoop(span_of(node), item, query_span, helper, reads, context.function))
        body = context.inner(True)
        self.visit(children[5], body)
        for child in children[6:]:
            self.visit(child, context)

    def comprehension(self, node, context: _Context):
        comp = _comp_for(node)
        elements = node.children[: node.children.index(comp)]
        body = context.inner(True)
        fors = list(_comp_fors(comp))
        for position, current in enumerate(fors):
            header = _header(current)
            target, iterable = header[1], header[3]
            item, iterated = _item_and_iterable(target, iterable)
            query_span, helper = self.iteration(iterated, iterable, context if position == 0 else body)
            if item is not None and (query_span is not None or helper is not None):
                tail = header[4:]
                reads = tuple(_reads([*elements, *tail], item))
                if reads:
                    self.loops.append(QueryLoop(span_of(node), item, query_span, helper, reads, context.function))
            for rest in header[4:]:
                if rest.type == "comp_if":
                    for child in rest.children[1:2]:
                        self.visit(child, body)
        for element in elements:
            self.visit(element, body)

    def iteration(self, iterated, iterable, context: _Context):
        """Record the query a loop iterates; returns its span, or the helper called for the rows."""
        found = self.query_of(iterated, context)
        if found is not None and found[0].phase != "statement":
            state, full = found
            if full:
                state = _consume(state, "iter")
            self.emit(state, iterated, context, role=None)
            self.descend(iterated, context)
            if iterable is not iterated:
                self.visit_outside(iterable, iterated, context)
            return span_of(iterated), None
        self.visit(iterable, context)
        helper = None
        if iterated.type == "name":
            bound = context.names.get(iterated.value)
            if isinstance(bound, _Helper):
                helper = bound.callee
        else:
            helper = self.helper_call(iterated)
        return None, helper

    def visit_outside(self, node, skip, context):
        """Visit `node` except for the subtree `skip` (the query inside `enumerate(...)`)."""
        if node is skip:
            return
        for child in getattr(node, "children", ()):
            if child is skip:
                continue
            if child.type in ("atom_expr", "power", "atom", "trailer", "arglist", "argument"):
                self.visit_outside(child, skip, context)
            else:
                self.visit(child, context)

    # -- expressions ------------------------------------------------------------------------------
    def expression(self, node, context: _Context, role: str | None = None, variable: str | None = None):
        """Record the query `node` is (if any), then look inside it for others. Returns the query's
        state and binding when `node` as a whole is one (for `variable = node`)."""
        if node.type == "name" and role is None:
            return None
        found = self.query_of(node, context) if node.type in ("name", "atom_expr", "power", "atom") else None
        if found is None:
            for child in getattr(node, "children", ()):
                self.visit(child, context)
            return None
        state, full = found
        binding = None
        if full and role == "assign" and variable is not None:
            binding = len(self.bindings)
            self.bindings.append(_Binding(variable, node.parent, context.root or _Nodes(self.top_nodes)))
        self.emit(state, node, context, role=role if full else None, variable=variable if full else None,
                  binding=binding)
        self.descend(node, context)
        if not full:
            return None
        return _with(state, from_variable=None, binding=None, ran_here=False), binding

    def emit(self, state: _State, node, context: _Context, role=None, variable=None, binding=None):
        span = state_span(state, node)
        query = Query(
            span=span,
            origin=state.origin,
            orm=state.orm,
            model=state.model,
            model_qualname=state.model_qualname,
            entity=state.entity,
            steps=state.steps,
            eager=state.eager,
            eager_unknown=state.eager_unknown,
            lookups=state.lookups,
            lookups_unknown=state.lookups_unknown,
            terminal=state.terminal,
            executes=state.ran_here,
            executed=state.executed,
            variable=variable,
            from_variable=state.from_variable,
            function=context.function,
            class_name=context.class_name if context.function is None else None,
            in_loop=context.in_loop,
            returned=role == "return",
            insert_options=state.insert_options,
            wrapped=state.wrapped,
            argument_of=_argument_of(node),
        )
        self.queries.append((query, binding, state.binding))

    def descend(self, node, context: _Context):
        """Look for queries inside a query expression's arguments (subqueries, queries in a loader),
        leaving out the parts that belong to the query itself."""
        for child in getattr(node, "children", ()):
            if child.type == "trailer":
                if child.children[0] in ("(", "["):
                    for inner in child.children[1:-1]:
                        self.arguments(inner, context)
            elif id(child) in self.consumed or child.type in ("atom_expr", "power"):
                self.descend(child, context)
            elif child.type == "atom" and child.children[0] == "(":
                self.descend(child, context)

    def arguments(self, node, context: _Context):
        if id(node) in self.consumed:
            self.descend(node, context)
        elif node.type == "arglist":
            for item in node.children:
                self.arguments(item, context)
        elif node.type == "argument" and len(node.children) >= 3 and node.children[1] == "=":
            self.arguments(node.children[2], context)
        else:
            self.visit(node, context)

    def helper_call(self, node) -> Value | None:
        """`recent_orders(session)`, `queries.recent(s)`: the callee of a plain call, for checks that
        follow it to the function's returned queries."""
        callee = self.helper_callee(node)
        return self.helper_value(*callee) if callee is not None else None

    def helper_callee(self, node):
        """(base, trailers) of a plain call `helper_call` describes, or None."""
        if node.type not in ("atom_expr", "power"):
            return None
        base, trailers = trailers_of(node)  # without `await`, up to the first node that is no trailer
        if base.type != "name" or not trailers or trailers[-1].children[0] != "(":
            return None
        if any(t.children[0] != "." for t in trailers[:-1]):
            return None
        if base.value in WRAPPERS or base.value == "enumerate":
            return None
        return base, trailers

    def helper_value(self, base, trailers) -> Value:
        text = "".join(code_of(part) for part in (base, *trailers[:-1]))
        return Value(text, Span(base.start_pos, trailers[-2].end_pos if len(trailers) > 1 else base.end_pos),
                     "attribute" if len(trailers) > 1 else "name",
                     qualname=self.scope.resolve_parts(base, trailers[:-1]))

    # -- what a query expression is ---------------------------------------------------------------
    def query_of(self, node, context: _Context):
        """(state, whole) when `node` is a query expression: `whole` is False when the chain goes on
        past the query (`User.query.paginate().items`)."""
        node = _unparenthesised(node)
        if node.type == "name":
            bound = context.names.get(node.value)
            if isinstance(bound, tuple):
                state, binding = bound
                return _with(state, from_variable=node.value, binding=binding, ran_here=False), True
            return None
        if node.type not in ("atom_expr", "power"):
            return None
        children = [child for child in node.children if not (child.type == "keyword" and child.value == "await")]
        base, trailers = children[0], children[1:]
        if any(trailer.type != "trailer" for trailer in trailers):
            return None  # error recovery
        wrapped = self.wrapper(base, trailers, context)
        if wrapped is not None:
            return wrapped, True
        state, start = None, 0
        if base.type == "name" and isinstance(context.names.get(base.value), tuple):
            bound, binding = context.names[base.value]
            state = _with(bound, from_variable=base.value, binding=binding, ran_here=False)
        elif base.type == "atom" and base.children[0] == "(":
            inner = self.query_of(base, context)
            if inner is not None and inner[1]:
                state = inner[0]
                self.consumed.add(id(base))
                self.consumed.add(id(_unparenthesised(base)))
        else:
            for index in range(len(trailers)):
                root = self.root(base, trailers, index, context)
                if root is not None:
                    state, start = root
                    break
        if state is None:
            return None
        state, end = self.steps(state, trailers, start)
        whole = end == len(trailers)
        if not whole:
            if end == 0:
                return None  # `rows.append(x)`: the name holds a query, the expression is something else
            state = _with(state, wrapped=None, end=trailers[end - 1].end_pos)
        return state, whole

    def wrapper(self, base, trailers, context):
        """`list(query)`, `len(query)`, `sorted(query, key=...)`: the query, consumed whole."""
        if base.type != "name" or base.value not in WRAPPERS or len(trailers) != 1 or trailers[0].children[0] != "(":
            return None
        if self.scope.lookup(base.value) is not None or base.value in self.walk.functions:
            return None  # a name of the module's own
        call = self.calls.get(trailers[0].children[-1].start_pos)
        if call is None or len(call.args) != 1 or call.star_args or call.star_kwargs:
            return None
        if call.keywords and base.value != "sorted":
            return None
        argument = _argument_nodes(trailers[0])[0]
        found = self.query_of(argument, context)
        if found is None or not found[1] or found[0].phase == "statement":
            return None
        self.consumed.add(id(argument))
        self.consumed.add(id(_unparenthesised(argument)))
        state = _consume(found[0], base.value)
        return _with(state, wrapped=span_of(argument))

    def root(self, base, trailers, index, context):
        """The query a chain starts at trailer `index`: (state, index of the first step) or None."""
        trailer = trailers[index]
        following = trailers[index + 1] if index + 1 < len(trailers) else None
        calls_next = following is not None and following.children[0] == "("
        if trailer.children[0] == "(":
            return self.call_root(base, trailers, index, context)
        if trailer.children[0] != ".":
            return None
        attribute = trailer.children[1].value
        if attribute not in ROOT_ATTRIBUTES:
            return None  # none of the shapes below starts at it
        start = base.start_pos
        if attribute in ("objects", "query"):
            receiver = _dotted(base, trailers[:index])
            if attribute == "objects" and receiver is not None and self.class_like(receiver):
                state = self.new_state(Span(start, trailer.end_pos), "django", receiver, "query", trailer.end_pos)
                return state, index + 1
            if attribute == "query" and receiver is not None and self.class_like(receiver) and not calls_next:
                state = self.new_state(Span(start, trailer.end_pos), "flask_sqlalchemy", receiver, "query", trailer.end_pos)
                return state, index + 1
        if not calls_next or not self.sessionish(base, trailers[:index], following):
            return None
        call = self.calls.get(following.children[-1].start_pos)
        if call is None:
            return None
        arguments = _argument_nodes(following)
        orm = "flask_sqlalchemy" if (call.qualname or "").startswith("flask_sqlalchemy.") else "sqlalchemy"
        span = Span(start, following.end_pos)
        if attribute == "query" and call.args and not call.star_args:
            entities = [_entity(argument, self.class_like) for argument in arguments]
            if not entities or entities[0] is None:
                return None
            model, kind = entities[0]
            entity = kind if len(entities) == 1 else "rows"
            state = self.new_state(span, orm, model, "query", following.end_pos, node=arguments[0], entity=entity)
            return state, index + 2
        if attribute in EXECUTIONS and arguments:
            found = self.query_of(arguments[0], context)
            if found is None or not found[1] or found[0].phase != "statement":
                return None
            self.consumed.add(id(arguments[0]))
            self.consumed.add(id(_unparenthesised(arguments[0])))
            step = self.step_of(attribute, trailer, following)
            return self.execute(found[0], step), index + 2
        if attribute in ("get", "get_or_404") and len(call.args) == 2 and not call.keywords:
            if call.args[0].kind not in ("name", "attribute") or not self.class_like(call.args[0].text):
                return None
            if (call.qualname or "").startswith(NOT_SESSIONS):
                return None
            state = self.new_state(span, orm, call.args[0].text, "done", None, node=arguments[0])
            step = self.step_of(attribute, trailer, following)
            return _with(
                state, steps=(step,), terminal=attribute, executed=True, ran_here=True,
                lookups=(Lookup("pk", None, "pk", call.args[1].span),),
            ), index + 2
        return None

    def call_root(self, base, trailers, index, context):
        trailer = trailers[index]
        call = self.calls.get(trailer.children[-1].start_pos)
        if call is None:
            return None
        qualname = canonical(call.qualname)
        if qualname not in SELECTS and qualname not in GET_OBJECT_OR_404:
            return None
        arguments = _argument_nodes(trailer)
        span = Span(base.start_pos, trailer.end_pos)
        if qualname in SELECTS and arguments and not call.star_args:
            entities = [_entity(argument, self.class_like) for argument in arguments]
            if any(entity is None for entity in entities):
                return None
            model, kind = entities[0]
            entity = kind if len(entities) == 1 else "rows"
            orm = "sqlmodel" if (qualname or "").startswith("sqlmodel.") else "sqlalchemy"
            state = self.new_state(span, orm, model, "statement", trailer.end_pos, node=arguments[0], entity=entity)
            return state, index + 1
        if qualname in GET_OBJECT_OR_404 and arguments:
            first = arguments[0]
            found = self.query_of(first, context)
            if found is not None and found[1] and found[0].orm == "django":
                self.consumed.add(id(first))
                state = found[0]
            elif _entity(first, self.class_like) is not None and _entity(first, self.class_like)[1] == "model":
                state = self.new_state(span, "django", _entity(first, self.class_like)[0], "query", None, node=first)
            else:
                return None
            step = self.step_of("get_object_or_404", trailer, trailer)
            lookups, unknown = _keyword_lookups(trailer, call)
            return _with(
                state, steps=state.steps + (step,), terminal="get_object_or_404", phase="done", executed=True,
                ran_here=True, lookups=state.lookups + lookups, lookups_unknown=state.lookups_unknown or unknown,
            ), index + 1
        return None

    def new_state(self, origin, orm, model, phase, insert_options, node=None, entity="model") -> _State:
        qualname = None
        if node is not None:
            target = node
            if entity == "columns" and node.type in ("atom_expr", "power"):
                target = _Partial(node.children[0], node.children[1:-1])
            qualname = self.scope.resolve(target)
        elif model is not None:
            qualname = _resolve_dotted(self.scope, model)
        return _State(origin=origin, orm=orm, model=model, model_qualname=qualname, entity=entity, phase=phase,
                      scalar_entity=entity, insert_options=insert_options)

    def class_like(self, text: str | None) -> bool:
        """Spelled like a class, or imported under another name from one (`Order as O`)."""
        if _class_like(text):
            return True
        qualname = _resolve_dotted(self.scope, text) if text else None
        return qualname is not None and not qualname.endswith(")") and _class_like(qualname)

    def sessionish(self, base, trailers, call_trailer) -> bool:
        """Whether a receiver looks like a database session: `session`, `db`, `self.session`,
        `Session()`, `db.session`."""
        pieces = [base.value if base.type == "name" else "?"]
        for trailer in trailers:
            if trailer.children[0] == ".":
                pieces.append(trailer.children[1].value)
            elif trailer.children[0] == "(":
                pieces[-1] += "()"
            else:
                return False
        last = pieces[-1].lower()
        if _class_like(pieces[-1].removesuffix("()")) and not last.endswith("()"):
            return False  # a class: `User.query(...)` is a class method
        call = self.calls.get(call_trailer.children[-1].start_pos)
        if call is not None and (call.qualname or "").startswith(NOT_SESSIONS):
            return False
        return "session" in last or last in SESSION_NAMES

    def step_of(self, name, trailer, call_trailer) -> QueryStep:
        call = self.calls.get(call_trailer.children[-1].start_pos) if call_trailer.children[0] == "(" else None
        return QueryStep(
            name=name,
            span=Span(trailer.start_pos, call_trailer.end_pos),
            args=call.args if call is not None else (),
            keywords=call.keywords if call is not None else (),
        )

    def execute(self, state: _State, step: QueryStep) -> _State:
        name = step.name
        steps = state.steps + (step,)
        if name in ("paginate", "first_or_404", "one_or_404"):
            return _with(state, steps=steps, phase="done", terminal=name, executed=True, ran_here=True,
                                       entity=state.scalar_entity)
        entity = state.scalar_entity if name in ("scalars", "scalar", "exec") else "rows"
        if name == "exec" and state.entity == "rows":
            entity = "rows"
        phase = "done" if name == "scalar" else "result"
        return _with(state, steps=steps, phase=phase, terminal=name, executed=True, ran_here=True,
                                   entity=entity)

    def steps(self, state: _State, trailers, start: int) -> tuple[_State, int]:
        index = start
        while index < len(trailers):
            trailer = trailers[index]
            opener = trailer.children[0]
            if opener == "." and state.phase != "done":
                name = trailer.children[1].value
                following = trailers[index + 1] if index + 1 < len(trailers) else None
                if following is None or following.children[0] != "(":
                    break  # an attribute: the query ends before it
                if state.phase == "result" and name not in RESULT_ACCESSORS:
                    break
                state = self.apply(state, self.step_of(name, trailer, following), following)
                index += 2
            elif opener == "[" and state.phase in ("query", "done"):
                inner = trailer.children[1]
                is_slice = inner.type in ("subscript", "subscriptlist") or inner == ":"
                if state.phase == "done":
                    if not (is_slice and state.terminal in ROW_LISTS):
                        break  # a row, or no rows: the query ends before it
                    state = _with(state, steps=state.steps + (QueryStep("[]", span_of(trailer), is_slice=True),))
                    index += 1
                    continue
                step = QueryStep("[]", span_of(trailer), is_slice=is_slice)
                steps = state.steps + (step,)
                if state.orm == "django" and is_slice:
                    state = _with(state, steps=steps)
                else:
                    state = _with(state, steps=steps, phase="done", executed=True, ran_here=True,
                                                terminal="[:]" if is_slice else "[i]")
                index += 1
            else:
                break
        return state, index

    def apply(self, state: _State, step: QueryStep, call_trailer) -> _State:
        name = step.name
        changes: dict = {"steps": state.steps + (step,)}
        call = self.calls.get(call_trailer.children[-1].start_pos)
        if name == "options":
            loads, unknown = _loader_options(_argument_nodes(call_trailer), call, self.class_like)
            changes["eager"] = state.eager + loads
            changes["eager_unknown"] = state.eager_unknown or unknown
        elif name in ("select_related", "prefetch_related") and state.orm == "django":
            loads, unknown = _django_loads(name, step, call_trailer, call)
            changes["eager"] = state.eager + loads
            changes["eager_unknown"] = state.eager_unknown or unknown
        if state.phase in ("query", "statement"):
            lookups, unknown = self.lookups(state, name, call_trailer, call)
            changes["lookups"] = state.lookups + lookups
            changes["lookups_unknown"] = state.lookups_unknown or unknown
        if state.phase == "query":
            runs = DJANGO_RUNS if state.orm == "django" else LEGACY_RUNS
            if name in runs:
                changes.update(phase="done", terminal=name, executed=True, ran_here=True)
            elif name in ("values", "values_list", "with_entities", "only_return_tuples"):
                changes["entity"] = "columns" if name != "only_return_tuples" else "rows"
        elif state.phase == "result":
            changes["terminal"] = name
            if name == "scalars":
                changes["entity"] = state.scalar_entity
            elif name in ("scalar", "scalar_one", "scalar_one_or_none"):
                changes["entity"] = state.scalar_entity
                changes["phase"] = "done"
            elif name in RESULT_FETCHES:
                changes["phase"] = "done"  # a list or a row: no result object any more
        return _with(state, **changes)

    def lookups(self, state: _State, name: str, call_trailer, call: Call | None) -> tuple[tuple[Lookup, ...], bool]:
        if call is None:
            return (), False
        django = state.orm == "django"
        if name == "filter_by" or (django and name in ("filter", "get", "get_or_create", "update_or_create")):
            found, unknown = _keyword_lookups(call_trailer, call, ignore=("defaults", "create_defaults"))
            if django and call.args:  # Q objects
                for argument in _argument_nodes(call_trailer):
                    more, vague = _q_lookups(argument, self)
                    found += more
                    unknown = unknown or vague
            return found, unknown
        if name in ("filter", "where") and not django:
            found: tuple[Lookup, ...] = ()
            unknown = call.star_args or bool(call.keywords)
            for argument in _argument_nodes(call_trailer):
                more, vague = _conditions(argument, self)
                found += more
                unknown = unknown or vague
            return found, unknown
        if name in ("get", "get_or_404") and not django and len(call.args) == 1 and not call.keywords:
            return (Lookup("pk", None, "pk", call.args[0].span),), False
        return (), False

    def qualname_of_call(self, node) -> str | None:
        if node.type not in ("atom_expr", "power"):
            return None
        last = node.children[-1]
        if last.type != "trailer" or last.children[0] != "(":
            return None
        call = self.calls.get(last.children[-1].start_pos)
        return canonical(call.qualname) if call is not None else None


# --- pieces ------------------------------------------------------------------------------------


class _Nodes:
    """Top-level statements seen as one scope node, for the uses of module-level names."""

    type = "file_input"

    def __init__(self, nodes):
        self.children = nodes


class _Partial:
    type = "atom_expr"

    def __init__(self, base, trailers):
        self.children = [base, *trailers]


def state_span(state: _State, node) -> Span:
    return Span(_start_of(node), state.end if state.end is not None else node.end_pos)


def _start_of(node) -> Point:
    """Where an expression starts, without a leading `await`."""
    node = _unparenthesised(node)
    if node.type in ("atom_expr", "power") and node.children[0].type == "keyword" and node.children[0].value == "await":
        return node.children[1].start_pos
    return node.start_pos


def _unparenthesised(node):
    while node.type == "atom" and node.children[0] == "(" and len(node.children) == 3 and node.children[1].type not in (
        "testlist_comp",
    ):
        node = node.children[1]
    return node


def _consume(state: _State, how: str) -> _State:
    runs = state.phase == "query"
    return _with(state, terminal=how, phase="done", executed=True, ran_here=state.ran_here or runs)


def _forget(context: _Context, target) -> None:
    if target.type == "name":
        context.names.pop(target.value, None)
        return
    for child in getattr(target, "children", ()):
        if child.type == "name":
            context.names.pop(child.value, None)
        elif child.type in ("exprlist", "testlist_star_expr", "atom", "testlist_comp"):
            _forget(context, child)


def _dotted(base, trailers) -> str | None:
    if base.type != "name":
        return None
    parts = [base.value]
    for trailer in trailers:
        if trailer.children[0] != "." or trailer.children[1].type != "name":
            return None
        parts.append(trailer.children[1].value)
    return ".".join(parts)


def _resolve_dotted(scope: Scope, text: str) -> str | None:
    first, _, rest = text.partition(".")
    qualname = scope.lookup(first)
    if qualname is None:
        return None
    return f"{qualname}.{rest}" if rest else qualname


def _class_like(text: str | None) -> bool:
    last = (text or "").rsplit(".", 1)[-1]
    return bool(last) and last[0].isupper() and not last.isupper()


def _entity(node, class_like=_class_like) -> tuple[str, str] | None:
    """What a `query(...)` / `select(...)` argument selects: (model as written, "model") for a class,
    (model, "columns") for `Model.column`; None for anything else."""
    node = _unparenthesised(node)
    if node.type == "name":
        return (node.value, "model") if class_like(node.value) else None
    if node.type not in ("atom_expr", "power"):
        return None
    base, trailers = node.children[0], node.children[1:]
    text = _dotted(base, trailers)
    if text is None:
        return None
    if class_like(text):
        return text, "model"
    owner = text.rsplit(".", 1)[0]
    if class_like(owner):
        return owner, "columns"
    return None


def _argument_nodes(trailer) -> list:
    """Positional argument expressions of a call trailer."""
    if len(trailer.children) < 3:
        return []
    inner = trailer.children[1]
    items = inner.children if inner.type == "arglist" else [inner]
    found = []
    for item in items:
        if item == ",":
            continue
        if item.type == "argument" and (item.children[0] in ("*", "**") or (len(item.children) >= 2 and item.children[1] == "=")):
            continue
        found.append(item)
    return found


def _keyword_nodes(trailer) -> list:
    """(name leaf, argument node) for each keyword argument of a call trailer."""
    if len(trailer.children) < 3:
        return []
    inner = trailer.children[1]
    items = inner.children if inner.type == "arglist" else [inner]
    return [
        (item.children[0], item) for item in items
        if item.type == "argument" and len(item.children) >= 3 and item.children[1] == "=" and item.children[0].type == "name"
    ]


def _keyword_lookups(trailer, call: Call, ignore=()) -> tuple[tuple[Lookup, ...], bool]:
    found = []
    for name, argument in _keyword_nodes(trailer):
        if name.value in ignore:
            continue
        found.append(_django_lookup(name.value, span_of(argument)))
    return tuple(found), call.star_kwargs


def _django_lookup(keyword: str, span: Span) -> Lookup:
    """`email=x` -> ("email", "=="); `email__iexact` -> "iexact"; `tenant__in` -> "in";
    `customer__email=x` -> ("customer", "path")."""
    parts = keyword.split("__")
    column = parts[0]
    if len(parts) == 1 or parts[1:] == ["exact"]:
        return Lookup(column, None, "pk" if column == "pk" else "==", span)
    if len(parts) == 2 and parts[1] in DJANGO_OPERATORS:
        operator = parts[1] if parts[1] in ("in", "iexact") else "other"
        return Lookup(column, None, operator, span)
    if len(parts) == 2 and parts[1] in ("id", "pk"):
        return Lookup(column, None, "==", span)  # `customer__id=x` is `customer_id = x`
    return Lookup(column, None, "path", span)


def _q_lookups(node, reader: _Reader) -> tuple[tuple[Lookup, ...], bool]:
    """A lone `Q(a=1)` constrains like keywords; anything else (`Q(a) | Q(b)`, `~Q(...)`) is unknown."""
    qualname = reader.qualname_of_call(node)
    if qualname is None or not qualname.endswith(".Q"):
        return (), True
    trailer = node.children[-1]
    call = reader.calls.get(trailer.children[-1].start_pos)
    if call is None or call.args:
        return (), True
    return _keyword_lookups(trailer, call)


def _conditions(node, reader: _Reader) -> tuple[tuple[Lookup, ...], bool]:
    """The columns a SQLAlchemy condition constrains; True when part of it cannot be read."""
    node = _unparenthesised(node)
    if node.type == "comparison" and len(node.children) == 3:
        left, operator, right = node.children
        symbol = code_of(operator).strip()
        columns = [_column(side, reader.class_like) for side in (left, right)]
        known = [column for column in columns if column is not None]
        if len(known) != 1:
            return (), len(known) == 0  # a join condition constrains no value; an unknown one is unknown
        model, name = known[0]
        return (Lookup(name, model, "==" if symbol == "==" else "other", span_of(node)),), False
    if node.type in ("atom_expr", "power"):
        qualname = reader.qualname_of_call(node) or ""
        if qualname.endswith("and_"):
            found: tuple[Lookup, ...] = ()
            unknown = False
            for argument in _argument_nodes(node.children[-1]):
                more, vague = _conditions(argument, reader)
                found += more
                unknown = unknown or vague
            return found, unknown
        children = node.children
        if len(children) >= 3 and children[-1].children[0] == "(" and children[-2].children[0] == ".":
            method = children[-2].children[1].value
            column = _column(_Partial(children[0], children[1:-2]), reader.class_like)
            if column is not None:
                return (Lookup(column[1], column[0], "in" if method == "in_" else "other", span_of(node)),), False
        column = _column(node, reader.class_like)
        if column is not None:  # a boolean column: `User.active`
            return (Lookup(column[1], column[0], "other", span_of(node)),), False
    if node.type == "and_expr" or node.type == "and_test":
        found, unknown = (), False
        for part in node.children[0::2]:
            more, vague = _conditions(part, reader)
            found += more
            unknown = unknown or vague
        return found, unknown
    return (), True


def _column(node, class_like=_class_like) -> tuple[str, str] | None:
    """`User.email` -> ("User", "email"); `models.User.email` -> ("models.User", "email")."""
    if node.type not in ("atom_expr", "power"):
        return None
    text = _dotted(node.children[0], node.children[1:])
    if text is None or "." not in text:
        return None
    owner, name = text.rsplit(".", 1)
    if not class_like(owner) or _class_like(name):
        return None
    return owner, name


def _loader_options(arguments, call: Call | None, class_like=_class_like) -> tuple[tuple[EagerLoad, ...], bool]:
    if call is None or call.star_args or call.star_kwargs:
        return (), True
    found: list[EagerLoad] = []
    unknown = False
    for argument in arguments:
        loads = _loader_chain(argument, class_like)
        if loads is None:
            unknown = True
        else:
            found.extend(loads)
    return tuple(found), unknown


def _loader_chain(node, class_like=_class_like) -> list[EagerLoad] | None:
    """`selectinload(Order.items).joinedload(Item.product)`, `orm.joinedload("items")`,
    `Load(Order).joinedload(Order.items)`; None when the option cannot be read."""
    node = _unparenthesised(node)
    if node.type not in ("atom_expr", "power"):
        return None
    base, trailers = node.children[0], node.children[1:]
    pieces = [(base.value if base.type == "name" else None, None)]
    for trailer in trailers:
        if trailer.children[0] == ".":
            pieces.append((trailer.children[1].value, None))
        elif trailer.children[0] == "(" and pieces[-1][1] is None:
            pieces[-1] = (pieces[-1][0], trailer)
        else:
            return None
    loads: list[EagerLoad] = []
    path: tuple[str, ...] = ()
    saw_option = False
    for name, call_trailer in pieces:
        if call_trailer is None:
            continue  # a module or object name on the way: `orm.`, `db.`
        if name in COLUMN_OPTIONS:
            saw_option = True
            continue
        if name not in LOADERS:
            return None
        saw_option = True
        arguments = _argument_nodes(call_trailer)
        if not arguments:
            return None
        model = None
        for argument in arguments[:1]:
            attribute = _relationship_argument(argument, class_like)
            if attribute is None:
                return None
            owner, segments = attribute
            model = model or owner
            path = path + segments
        loads.append(EagerLoad(name, path, model if len(loads) == 0 else None, span_of(node)))
    return loads if saw_option else None


def _relationship_argument(node, class_like=_class_like) -> tuple[str | None, tuple[str, ...]] | None:
    node = _unparenthesised(node)
    if node.type == "string":
        text = _string(node)
        if text is None:
            return None
        return None, tuple(text.split("."))
    column = _column(node, class_like)
    if column is not None:
        return column[0], (column[1],)
    return None


def _string(node) -> str | None:
    import ast

    try:
        value = ast.literal_eval(code_of(node))
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


def _django_loads(name: str, step: QueryStep, trailer, call: Call | None) -> tuple[tuple[EagerLoad, ...], bool]:
    if call is None or call.star_args or call.star_kwargs:
        return (), True
    arguments = _argument_nodes(trailer)
    if not arguments:
        return ((EagerLoad(name, (), None, step.span),), False) if name == "select_related" else ((), False)
    found, unknown = [], False
    for argument in arguments:
        text = _string(argument) if argument.type in ("string", "strings") else None
        if text is None and name == "prefetch_related":
            text = _prefetch_lookup(argument)
        if text is None:
            if argument.type == "keyword" and argument.value == "None":
                continue
            unknown = True
            continue
        segments = tuple(text.split("__"))
        for depth in range(1, len(segments) + 1):
            found.append(EagerLoad(name, segments[:depth], None, span_of(argument)))
    return tuple(found), unknown


def _prefetch_lookup(node) -> str | None:
    """`Prefetch("items", queryset=...)` -> "items"."""
    if node.type not in ("atom_expr", "power") or node.children[-1].type != "trailer":
        return None
    text = _dotted(node.children[0], node.children[1:-1])
    if text is None or text.rsplit(".", 1)[-1] != "Prefetch":
        return None
    first = _argument_nodes(node.children[-1])[:1]
    return _string(first[0]) if first and first[0].type == "string" else None


def _comp_for(node):
    for child in node.children:
        if child.type in COMPREHENSIONS:
            return child
    return None


def _comp_fors(comp):
    """The `for` clauses of a comprehension, in order (nested in `if` clauses too)."""
    current = comp
    while current is not None:
        yield current
        header = _header(current)
        following = None
        for child in header[4:]:
            if child.type in COMPREHENSIONS:
                following = child
            elif child.type == "comp_if":
                following = _comp_for(child)
        current = following


def _header(comp_for) -> list:
    """`for target in iterable ...` of a comprehension clause, `async` left out."""
    if comp_for.children[0] == "async":
        return comp_for.children[1].children
    return comp_for.children


def _item_and_iterable(target, iterable):
    """The row variable and the iterated expression: `for row in rows`, `for i, row in enumerate(rows)`."""
    if target.type == "name":
        return target.value, iterable
    names = [child for child in getattr(target, "children", ()) if child != ","]
    if (
        len(names) == 2 and all(name.type == "name" for name in names)
        and iterable.type in ("atom_expr", "power") and iterable.children[0].type == "name"
        and iterable.children[0].value == "enumerate" and len(iterable.children) == 2
    ):
        arguments = _argument_nodes(iterable.children[1])
        if arguments:
            return names[1].value, arguments[0]
    return None, iterable


def _reads(nodes, name: str):
    """`name.attribute` reads in some code (not assignments to an attribute, not nested definitions)."""
    seen = set()
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.type in ("funcdef", "classdef", "lambdef"):
            continue
        if node.type in ("atom_expr", "power"):
            children = node.children
            first = children[0]
            if (
                first.type == "name" and first.value == name and len(children) > 1
                and children[1].type == "trailer" and children[1].children[0] == "."
                and not _assigned(node)
            ):
                attribute = children[1].children[1]
                span = Span(first.start_pos, attribute.end_pos)
                if span not in seen:
                    seen.add(span)
                    yield AttributeRead(attribute.value, span)
        stack.extend(reversed(getattr(node, "children", ())))


def _assigned(node) -> bool:
    """`row.status = ...` / `del row.x`: the attribute is written, not read (when it is the whole target)."""
    if len(node.children) != 2:
        return False
    parent = node.parent
    if parent.type == "expr_stmt":
        return parent.children[-1] is not node and parent.children[1] != "+="
    return parent.type == "del_stmt"


def _argument_of(node) -> str | None:
    """The callee `node` is passed to as an argument, as written: "Paginator", "render"."""
    parent = node.parent
    if parent is not None and parent.type == "argument":
        parent = parent.parent
    if parent is not None and parent.type == "arglist":
        parent = parent.parent
    if parent is None or parent.type != "trailer" or parent.children[0] != "(":
        return None
    owner = parent.parent
    position = owner.children.index(parent)
    callee = owner.children[position - 1]
    if callee.type == "name":
        return callee.value
    if callee.type == "trailer" and callee.children[0] == ".":
        return callee.children[1].value
    return None


def _uses(binding: _Binding, leaves):
    """How the code uses a name after binding it, up to the next binding of it (`leaves`: the name's
    leaves in the module, in order)."""
    start, end = binding.statement.end_pos, _end_of(binding.scope)
    first = bisect.bisect_left(leaves, start, key=_start_pos)
    for leaf in leaves[first:]:
        if leaf.start_pos >= end:
            return
        parent = leaf.parent
        if parent.type == "trailer" and parent.children[0] == ".":
            continue  # `x.name`: an attribute
        if parent.type == "argument" and parent.children[0] is leaf and len(parent.children) >= 3 and parent.children[1] == "=":
            continue  # a keyword argument's name
        if parent.type == "expr_stmt" and parent.children[0] is leaf and len(parent.children) >= 3 and parent.children[1] == "=":
            return  # bound again
        if parent.type in ("for_stmt", "sync_comp_for") and parent.children[1] is leaf:
            return
        yield _use(leaf)


def _use(leaf) -> str:
    parent = leaf.parent
    if parent.type in ("atom_expr", "power") and parent.children[0] is leaf and len(parent.children) > 1:
        return "chain"
    if parent.type in ("for_stmt", "sync_comp_for") and parent.children[3] is leaf:
        return "iter"
    if parent.type == "trailer" and parent.children[0] == "(" and len(parent.children) == 3:
        owner = parent.parent
        callee = owner.children[owner.children.index(parent) - 1]
        name = callee.value if callee.type == "name" else (
            callee.children[1].value if callee.type == "trailer" and callee.children[0] == "." else None
        )
        if name == "len":
            return "len"
        if name in ("list", "tuple", "sorted", "set", "enumerate"):
            return "iter"
        if name is not None and "paginat" in name.lower():
            return "paginate"
    callee = _argument_of(leaf)
    if callee is not None and "paginat" in callee.lower():
        return "paginate"
    return "other"


def _start_pos(leaf) -> Point:
    return leaf.start_pos


def _end_of(scope) -> Point:
    if isinstance(scope, _Nodes):
        return scope.children[-1].end_pos if scope.children else (0, 0)
    return scope.end_pos
