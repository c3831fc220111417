"""Plain facts about a module: what the code is, in the terms of a backend.

Facts are computed from a parse tree by the framework adapters and hold no tree nodes, so they can
be cached, compared and handed to rules that know nothing about parso.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from backend_ls.positions import Point, Span

if TYPE_CHECKING:
    from backend_ls.facts.bodies import Body
    from backend_ls.facts.branches import MethodBranch
    from backend_ls.facts.django import DjangoFacts
    from backend_ls.facts.drf import ViewOption
    from backend_ls.facts.exceptions import ExceptBlock
    from backend_ls.facts.imports import Import
    from backend_ls.facts.instances import Instance
    from backend_ls.facts.queries import Query, QueryLoop
    from backend_ls.facts.records import RecordFetch
    from backend_ls.facts.responses import Response
    from backend_ls.facts.serialization import Serialization, SerializerMethod
    from backend_ls.facts.with_blocks import WithBlock


class Fact:
    """Base of the fact classes: immutable values, pickled as their class and their fields.

    The workspace index loads thousands of modules' facts from its cache; the dataclass default
    for frozen classes with slots sets each field in a Python loop that looks the fields up again
    for every object, which took most of the loading time. Unpickling calls the class instead."""

    __slots__ = ()

    def __reduce__(self):
        return (type(self), tuple([getattr(self, name) for name in field_names(type(self))]))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The field names of a dataclass, in order (looked up once per class)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(each.name for each in dataclasses.fields(cls))
    return names


@dataclass(frozen=True, slots=True)
class Value(Fact):
    """An expression as the facts layer understands it."""

    text: str
    span: Span
    # "str", "fstring", "number", "true", "false", "none", "name", "attribute", "call",
    # "list", "tuple", "dict", "binop", "other"
    kind: str
    literal: object = None  # the Python value of a literal (lists of literals included)
    qualname: str | None = None  # for names, attributes and calls: resolved through imports
    # Building blocks of a non-literal string: the sub-expressions an f-string interpolates or
    # the operands of `%`, `+` and `.format`.
    parts: tuple["Value", ...] = ()
    # For a dict display: its `key: value` entries in order (`**spread` entries are left out).
    items: tuple[tuple["Value", "Value"], ...] = ()
    # For a list or tuple display: its entries in order (none for a comprehension).
    elements: tuple["Value", ...] = ()

    @property
    def is_literal(self) -> bool:
        return self.kind in {"str", "number", "true", "false", "none"} or (
            self.kind in {"list", "tuple"} and self.literal is not None
        )


@dataclass(frozen=True, slots=True)
class Call(Fact):
    """One call expression."""

    callee: str | None  # the callee as written, when it is a dotted name: "db.session.add"
    qualname: str | None  # resolved through imports and bindings: "requests.get"
    span: Span  # the whole call, callee included
    args: tuple[Value, ...]
    keywords: tuple[tuple[str, Value], ...]
    star_args: bool
    star_kwargs: bool
    close_paren: Point  # where a new argument goes
    function: str | None  # qualified name of the enclosing function; None at module level
    in_loop: bool = False
    assigned_to: str | None = None  # `name = <call>`
    # The callee's pieces as written, for callees that are not plain dotted names: names, with
    # "()" appended for a call and "[]" for a subscript; "?" for a base that is not a name.
    # `User.query.filter_by(id=1).update(...)` -> ("User", "query", "filter_by()", "update").
    chain: tuple[str, ...] = ()
    star_kwargs_values: tuple[Value, ...] = ()  # the expressions after `**`: `data` in `User(**data)`

    def keyword(self, name: str) -> Value | None:
        for key, value in self.keywords:
            if key == name:
                return value
        return None

    @property
    def method(self) -> str | None:
        """The last segment of the callee: `add` in `db.session.add(...)`."""
        if self.callee is None:
            return None
        return self.callee.rsplit(".", 1)[-1]

    @property
    def name(self) -> str | None:
        """The attribute or function name called, even in a chain: `update` in `q.filter(x).update()`."""
        if not self.chain or self.chain[-1].endswith(("()", "[]")) or self.chain[-1] == "?":
            return None
        return self.chain[-1]


@dataclass(frozen=True, slots=True)
class Parameter(Fact):
    name: str
    span: Span
    annotation: Value | None
    default: Value | None


@dataclass(frozen=True, slots=True)
class Function(Fact):
    """A function or method definition."""

    name: str
    qualname: str  # "create_app.index", "UserView.get"
    name_span: Span  # the name after `def`
    def_span: Span  # from `def` (or `async`) to the end of the signature line's name
    is_async: bool
    class_name: str | None
    parameters: tuple[Parameter, ...]
    decorators: tuple[Value, ...]
    # Where the definition ends: just past its body's last statement (exclusive).
    end: Point | None = None


@dataclass(frozen=True, slots=True)
class PathPart(Fact):
    """One literal piece of a route's full path: a prefix or the route's own string."""

    text: str | None  # None when it is not a literal (built at run time)
    span: Span | None  # the string literal
    origin: str  # "route", "mount", "router", "register", "include"
    # The file the string is in, when the workspace index found it in another module than the
    # route's; None: the module whose facts hold it.
    module: str | None = None


@dataclass(frozen=True, slots=True)
class Route(Fact):
    framework: str  # "flask", "fastapi"
    methods: tuple[str, ...] | None  # upper case; None when it cannot be decided statically
    methods_explicit: bool  # False when the framework's default methods apply
    parts: tuple[PathPart, ...]  # prefixes first, the route's own path last
    handler: str  # qualified name of the handler function in its module
    anchor: Span  # the route decorator (or the registering call)
    path_value: Value | None  # the route's own path argument
    methods_value: Value | None  # the `methods=` argument, when given
    verb_span: Span | None  # the `get` of `@app.get(...)`, when the decorator names the method
    decorator_close_paren: Point | None  # where a new keyword argument goes
    owner: str  # the app, blueprint or router variable, as written
    owner_symbol: str | None = None  # import path of the owner when it is imported (see Registration)
    # The handler's import path when the route is registered in another module than the handler's
    # (`app.add_url_rule("/x", view_func=views.show)`); None when the handler is in this module.
    handler_symbol: str | None = None
    dependencies: tuple[Value, ...] = ()  # FastAPI `dependencies=[...]` of the route itself
    # Set by the router graph (facts/router_graph.py): the `dependencies=[...]` arguments of the
    # app, the routers and the `include_router` calls above the route, outermost first, and the
    # request hooks (`before_request`) of the app and blueprints it passes through.
    inherited_dependencies: tuple[Value, ...] = ()
    hooks: tuple["RequestHook", ...] = ()
    # Django / DRF (backend_ls/django_routes.py): the view class routed (qualname in the handler's
    # module), the viewset action ("list", "retrieve", an `@action` name), and the view's policy
    # attributes (permission_classes, throttle_classes, pagination_class, ...), inherited included.
    view_class: str | None = None
    action: str | None = None
    view_options: tuple["ViewOption", ...] = ()

    @property
    def path(self) -> str | None:
        """The full path, or None when a part of it is not static."""
        if any(part.text is None for part in self.parts):
            return None
        if self.framework in ("django", "drf"):  # Django joins the pieces exactly as written
            return "/" + "".join(part.text for part in self.parts)  # type: ignore[misc]
        return join_path(part.text for part in self.parts)  # type: ignore[misc]


def join_path(pieces) -> str:
    joined = ""
    for piece in pieces:
        if not piece:
            continue
        if joined.endswith("/") and piece.startswith("/"):
            joined += piece[1:]
        elif joined and not joined.endswith("/") and not piece.startswith("/"):
            joined += "/" + piece
        else:
            joined += piece
    if not joined.startswith("/"):
        joined = "/" + joined
    return joined


@dataclass(frozen=True, slots=True)
class Assignment(Fact):
    """`target = value` (or `target: T = value`), at any level."""

    target: str  # as written: "DEBUG", "app.debug", 'app.config["DEBUG"]'
    target_span: Span
    # For `x.config["KEY"] = ...`: the subscript key and the resolved base ("flask.Flask().config").
    key: str | None
    base_qualname: str | None
    value: Value
    function: str | None
    class_name: str | None = None  # qualified name of the class whose body holds it directly


@dataclass(frozen=True, slots=True)
class ClassDef(Fact):
    """A class statement: its name and the base classes it lists."""

    name: str
    qualname: str  # "Config", "Outer.Inner", "create_app.Config"
    name_span: Span
    bases: tuple[Value, ...]  # positional entries of the base list, resolved where possible
    decorators: tuple[Value, ...] = ()  # `@method_decorator(login_required, name="dispatch")`


@dataclass(frozen=True)
class ModuleFacts:
    path: str
    imports: dict[str, str]  # local name -> qualified name
    import_end_line: int  # the line after which a new top-level import goes (0: the top)
    functions: dict[str, Function] = field(default_factory=dict)
    routes: tuple[Route, ...] = ()
    calls: tuple[Call, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    routers: tuple["RouterDef", ...] = ()
    registrations: tuple["Registration", ...] = ()
    hooks: tuple["RequestHook", ...] = ()
    problems: tuple[str, ...] = ()  # adapters that failed on this module, for the log
    classes: dict[str, ClassDef] = field(default_factory=dict)
    models: tuple[Model, ...] = ()
    fetches: tuple["RecordFetch", ...] = ()  # single-record fetches in functions (facts/records.py)
    # Code that runs only for some request methods: `if request.method == "POST":` (facts/branches.py)
    method_branches: tuple["MethodBranch", ...] = ()
    # URL patterns, DRF routers and settings of a Django project (facts/django.py); None if none.
    django: "DjangoFacts | None" = None
    loops: tuple["Loop", ...] = ()  # `for` statements (facts/loops.py)
    # What each `return` answers: body, status, response class (facts/responses.py).
    responses: tuple["Response", ...] = ()
    return_annotations: tuple[tuple[str, Value], ...] = ()  # (function, `-> annotation`)
    # Except blocks and catch-all error handlers, with the expressions exposing the exception
    # (facts/exceptions.py).
    except_blocks: tuple["ExceptBlock", ...] = ()
    # Local names holding model records (facts/instances.py); whole-object serializations and the
    # serializing methods of classes (facts/serialization.py).
    instances: tuple["Instance", ...] = ()
    serializations: tuple["Serialization", ...] = ()
    serializer_methods: tuple["SerializerMethod", ...] = ()
    # The shape of each function's own body: statement count, awaits, lambdas (facts/bodies.py);
    # `with` statements (facts/with_blocks.py); import statements with positions (facts/imports.py).
    bodies: tuple["Body", ...] = ()
    with_blocks: tuple["WithBlock", ...] = ()
    import_statements: tuple["Import", ...] = ()
    # Database queries with their model, chain, eager loading, lookups and how they run; loops over
    # their rows with the attributes read from each row (facts/queries.py).
    queries: tuple["Query", ...] = ()
    query_loops: tuple["QueryLoop", ...] = ()

    def body_of(self, function: str) -> "Body | None":
        return self._bodies_by_function.get(function)

    def calls_in(self, function: str, *, nested: bool = False) -> list[Call]:
        """Calls made by a function's own body (not by the functions nested in it, unless asked)."""
        own = self._calls_by_function.get(function, [])
        if not nested:
            return list(own)
        prefix = function + "."
        return [c for c in self.calls if c.function == function or (c.function or "").startswith(prefix)]

    def call_at(self, span: Span) -> Call | None:
        """The call whose expression covers exactly `span`."""
        return self._calls_by_span.get(span)

    # Indexes for the questions checks ask per handler; built on first use. Checks run on every
    # keystroke, so a scan of every call per route would cost the module's size times its routes.
    @cached_property
    def _calls_by_function(self) -> dict[str | None, list[Call]]:
        index: dict[str | None, list[Call]] = {}
        for call in self.calls:
            index.setdefault(call.function, []).append(call)
        return index

    @cached_property
    def _calls_by_span(self) -> dict[Span, Call]:
        return {call.span: call for call in self.calls}

    @cached_property
    def _bodies_by_function(self) -> dict:
        index = {}
        for body in self.bodies:
            index.setdefault(body.function, body)
        return index


@dataclass(frozen=True, slots=True)
class Loop(Fact):
    """A `for` statement: `for key, value in data.items():`."""

    targets: tuple[str, ...]  # the names it binds
    iterable: Value
    span: Span  # the whole statement, body included
    function: str | None  # qualified name of the enclosing function


@dataclass(frozen=True, slots=True)
class RouterDef(Fact):
    """An application, blueprint or router object created in a module: `bp = Blueprint(...)`."""

    name: str  # the variable it is bound to
    framework: str
    is_app: bool
    prefix: PathPart | None  # set where it is made (`url_prefix=`, `prefix=`)
    dependencies: tuple[Value, ...]  # FastAPI `dependencies=[...]` entries
    span: Span


@dataclass(frozen=True, slots=True)
class Registration(Fact):
    """`parent.register_blueprint(child, url_prefix=...)` / `parent.include_router(child, prefix=...)`."""

    parent: str  # as written: "app"
    child: str  # as written: "users.bp", "bp"
    # Where parent and child come from when their first name is imported: the import path plus
    # the rest of the dotted name (".users.bp"); None when it is a variable of this module.
    parent_symbol: str | None
    child_symbol: str | None
    framework: str
    prefix: PathPart | None
    replaces_prefix: bool  # Flask: a url_prefix at registration replaces the blueprint's own
    dependencies: tuple[Value, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class RequestHook(Fact):
    """A function run before every request of an app or blueprint (`@app.before_request`)."""

    owner: str  # the app or blueprint variable, as written
    owner_symbol: str | None
    function: str  # qualified name of the hook function in this module
    framework: str
    span: Span
    # On a route's `hooks`: the file the hook is in, when it is another module than the route's.
    module: str | None = None


# --- Models (facts/models.py): what each class declares itself; a field that cannot be decided
# statically is None. Names of ORM types and flags follow the ORM's own spelling.


@dataclass(frozen=True, slots=True)
class ModelBase(Fact):
    """One entry of a model class's base list."""

    text: str  # as written: "Base", "db.Model", "TimestampMixin"
    qualname: str | None  # a class of this module: its qualname; else resolved through imports
    span: Span
    local: bool  # a class defined in this module
    # "declarative" (the ORM's root: declarative_base(), a DeclarativeBase subclass, db.Model,
    # SQLModel, models.Model), "model" (a mapped model), "abstract" (an abstract model), "mixin" (an
    # unmapped class with ORM attributes), "plain" (object, a class with no ORM meaning), or None when
    # it cannot be told here (a class from another module: the workspace index settles it).
    kind: str | None


@dataclass(frozen=True, slots=True)
class Column(Fact):
    """A column a model declares: SQLAlchemy Column / mapped_column / Mapped[...], a SQLModel field,
    a Django field that holds a value (ForeignKey and OneToOneField included)."""

    name: str  # the attribute
    name_span: Span
    column_name: str | None  # in the table: the explicit name or db_column; Django FK: "<name>_id"
    # The explicit type, canonical: "Integer", "String", "Float", "Numeric", "CharField", "ForeignKey";
    # None when the ORM derives it from python_type or the type is not a known ORM type.
    type_name: str | None
    type_text: str | None  # the type as written: "String(80)", "db.Float", "models.CharField"
    type_span: Span | None
    python_type: str | None  # from Mapped[...] or a SQLModel annotation, Optional removed: "float"
    primary_key: bool | None
    index: bool | None  # its own declaration asks for an index (Django: db_index or the field's default)
    unique: bool | None
    nullable: bool | None  # as the ORM will create it (explicit, else the ORM's default)
    foreign_key: str | None  # "users.id", "User.id"; Django: the target model, "self" as the model's name
    db_index_explicit_false: bool  # `db_index=False` (Django) / `index=False` written out
    call_close_paren: Point | None  # where a keyword argument goes; None without a call
    keywords: tuple[str, ...]  # the keyword arguments written in the call
    # Each argument of the call, whole (`null=True`), with its keyword (None for a positional one),
    # in source order, for edits that change, drop or add arguments; the python type inside the
    # annotation (`float` of `Mapped[Optional[float]]`), None when there is none or it is in a string.
    argument_spans: tuple[tuple[str | None, Span], ...] = ()
    python_type_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Relationship(Fact):
    """A relationship attribute: SQLAlchemy relationship(), SQLModel Relationship(), Django
    ForeignKey / OneToOneField / ManyToManyField."""

    name: str
    name_span: Span
    target: str | None  # the model name as written: "Address", "auth.User"
    kind: str | None  # "many-to-one", "one-to-many", "one-to-one", "many-to-many"
    collection: bool | None  # the attribute holds a collection (SQLAlchemy's uselist)
    # SQLAlchemy's loading strategy ("select" by default, "joined", "selectin", "subquery", "dynamic",
    # "write_only", "raise", "noload", ...); Django relations always load lazily: "select".
    lazy: str | None
    back_populates: str | None
    backref: str | None  # the name of the reverse attribute a backref= creates
    backref_lazy: str | None
    related_name: str | None  # Django
    secondary: str | None  # association table / SQLModel link_model / Django through, as written
    call_close_paren: Point | None
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TableIndex(Fact):
    """An index or constraint declared for the table: `__table_args__` (or a module-level
    `Index(..., Model.col)`), Django `Meta.indexes` / `constraints` / `unique_together` / `index_together`."""

    kind: str  # "index", "unique", "primary_key"
    # In order; SQLAlchemy strings are column names, Django strings field names; None for an expression.
    columns: tuple[str | None, ...]
    unique: bool | None
    name: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class Model(Fact):
    """A class that maps a table, or an abstract model or mixin that gives columns to one."""

    name: str
    qualname: str
    name_span: Span
    orm: str  # "sqlalchemy", "flask_sqlalchemy", "sqlmodel", "django"
    table_name: str | None
    bases: tuple[ModelBase, ...]
    abstract: bool
    is_mixin: bool | None  # not mapped itself, gives its attributes to the classes that inherit it
    columns: tuple[Column, ...]
    relationships: tuple[Relationship, ...]
    indexes: tuple[TableIndex, ...]
    indexes_known: bool  # False when part of the table's index definitions could not be read
    inherits_mapped: bool | None  # derives from another mapped model

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None
