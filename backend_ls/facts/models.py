"""Models: the tables a module maps, for every ORM the catalog names.

SQLAlchemy (classic `Column`, 2.0 `Mapped[...]` / `mapped_column`, bases from `declarative_base()`,
`registry().generate_base()`, `DeclarativeBase` subclasses, `@as_declarative()` and
`@registry.mapped`), Flask-SQLAlchemy (`db.Model`, `db.Column`, `db.relationship` where
`db = SQLAlchemy()`), SQLModel (`class X(SQLModel, table=True)` with `Field(...)` and
`Relationship(...)`) and Django (`models.Model`, its fields and `Meta`).

Which classes are models. A class is mapped when its bases lead, through classes of this module, to
a known ORM base. A base imported from another module (`from .db import Base`) cannot be settled
before the workspace index exists, so such a class is still reported when its body declares ORM
attributes (Column / mapped_column / relationship / db.Column / a Django model field) or it says
`table=True`; what depends on the unknown base (`is_mixin`, `inherits_mapped`) is None and the base
is listed in `Model.bases` with kind None, for the index to settle. The index can also run this
again with `aliases`, the qualified names it has resolved (".extensions.db" ->
"flask_sqlalchemy.SQLAlchemy()"), so `db.Column` of an imported `db` is understood.

Also reported: mixins (plain classes with ORM attributes, which copy them into the models that
inherit them), abstract models (`__abstract__ = True`, Django `Meta.abstract`), a declarative base
class that declares columns (as a mixin), and SQLModel classes without `table=True` that a table
model of this module inherits (as mixins). A SQLModel class that no table here inherits is a data
schema and is left out.

Facts hold what each class declares itself; inherited columns are found through `bases`. Where a
value cannot be decided (a non-literal flag, an unknown type) it is None, never guessed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import parso

from backend_ls.facts.model import Column, Model, ModelBase, Relationship, TableIndex
from backend_ls.facts.names import Arguments, Scope, bindings_of_import, trailers_of
from backend_ls.facts.walk import Walk, code_of, code_of_siblings, span_of, value_of
from backend_ls.positions import Span

FSA = "flask_sqlalchemy.SQLAlchemy()."
# Names a Flask-SQLAlchemy `db` forwards from `sqlalchemy.orm`; everything else comes from `sqlalchemy`.
FSA_ORM_NAMES = frozenset(
    {"relationship", "relation", "backref", "mapped_column", "Mapped", "WriteOnlyMapped", "DynamicMapped",
     "deferred", "declared_attr", "column_property", "dynamic_loader"}
)
# Where a name is defined -> where this module knows it from.
MODULE_ALIASES = (
    ("sqlalchemy.sql.schema.", "sqlalchemy."),
    ("sqlalchemy.schema.", "sqlalchemy."),
    ("sqlalchemy.sql.sqltypes.", "sqlalchemy."),
    ("sqlalchemy.types.", "sqlalchemy."),
    ("sqlalchemy.orm.decl_api.", "sqlalchemy.orm."),
    ("sqlalchemy.ext.declarative.", "sqlalchemy.orm."),
    ("sqlmodel.main.", "sqlmodel."),
    ("django.db.models.fields.related.", "django.db.models."),
    ("django.db.models.fields.files.", "django.db.models."),
    ("django.db.models.fields.json.", "django.db.models."),
    ("django.db.models.fields.", "django.db.models."),
    ("django.db.models.base.", "django.db.models."),
    ("django.db.models.indexes.", "django.db.models."),
    ("django.db.models.constraints.", "django.db.models."),
    ("django.contrib.auth.base_user.", "django.contrib.auth.models."),
    ("flask_login.mixins.", "flask_login."),
)

SA_COLUMNS = frozenset({"sqlalchemy.Column", "sqlalchemy.orm.mapped_column"})
SA_DEFERRED = frozenset({"sqlalchemy.orm.deferred"})
SA_RELATIONSHIPS = frozenset({"sqlalchemy.orm.relationship", "sqlalchemy.orm.relation"})
SA_BACKREF = "sqlalchemy.orm.backref"
SA_FOREIGN_KEY = "sqlalchemy.ForeignKey"
# Positional Column arguments that are schema items, not the column's type.
SA_SCHEMA_ITEMS = frozenset(
    {"sqlalchemy.ForeignKey", "sqlalchemy.Sequence", "sqlalchemy.Identity", "sqlalchemy.Computed",
     "sqlalchemy.CheckConstraint", "sqlalchemy.FetchedValue", "sqlalchemy.DefaultClause",
     "sqlalchemy.DefaultGenerator"}
)
SA_TABLE = "sqlalchemy.Table"
TABLE_ITEMS = {  # qualified name -> TableIndex kind
    "sqlalchemy.Index": "index",
    "sqlalchemy.UniqueConstraint": "unique",
    "sqlalchemy.PrimaryKeyConstraint": "primary_key",
}
TABLE_ITEMS_IGNORED = frozenset({"sqlalchemy.ForeignKeyConstraint", "sqlalchemy.CheckConstraint"})
MAPPED_WRAPPERS = {  # annotation -> the loading strategy it implies for a relationship
    "sqlalchemy.orm.Mapped": None,
    "sqlalchemy.orm.WriteOnlyMapped": "write_only",
    "sqlalchemy.orm.DynamicMapped": "dynamic",
}
DECLARED_ATTR = frozenset(
    {"sqlalchemy.orm.declared_attr", "sqlalchemy.orm.declared_attr.directive", "sqlalchemy.orm.declared_attr.cascading"}
)
SQLMODEL_FIELD = "sqlmodel.Field"
SQLMODEL_OWN = frozenset({"SQLModel", "Field", "Relationship", "Session"})
SQLMODEL_RELATIONSHIP = "sqlmodel.Relationship"
DJANGO_FIELD_MODULES = (
    "django.db.models.",
    "django.contrib.postgres.fields.",
    "django.contrib.gis.db.models.",
    "django.contrib.contenttypes.fields.",
)
DJANGO_RELATIONS = {"ForeignKey": "many-to-one", "OneToOneField": "one-to-one", "ManyToManyField": "many-to-many"}
DJANGO_INDEXED_BY_DEFAULT = frozenset({"ForeignKey", "OneToOneField", "SlugField"})
DJANGO_TABLE_ITEMS = {"django.db.models.Index": "index", "django.db.models.UniqueConstraint": "unique"}
DJANGO_CONSTRAINTS_IGNORED = frozenset(
    {"django.db.models.CheckConstraint", "django.contrib.postgres.constraints.ExclusionConstraint"}
)
# Lazy values SQLAlchemy accepts besides the strategy names.
LAZY_SYNONYMS = {True: "select", False: "joined", None: "noload"}

# Bases whose meaning is known without reading them. "root": a class deriving from it is a
# declarative base; "declarative": a class deriving from it is mapped.
LIBRARY_BASES: dict[str, tuple[str, str | None]] = {
    "sqlalchemy.orm.DeclarativeBase": ("root", "sqlalchemy"),
    "sqlalchemy.orm.DeclarativeBaseNoMeta": ("root", "sqlalchemy"),
    "sqlalchemy.orm.declarative_base()": ("declarative", "sqlalchemy"),
    "sqlalchemy.orm.registry().generate_base()": ("declarative", "sqlalchemy"),
    "flask_sqlalchemy.SQLAlchemy().Model": ("declarative", "flask_sqlalchemy"),
    "sqlmodel.SQLModel": ("declarative", "sqlmodel"),
    "django.db.models.Model": ("declarative", "django"),
    "django.contrib.auth.models.AbstractUser": ("abstract", "django"),
    "django.contrib.auth.models.AbstractBaseUser": ("abstract", "django"),
    "django.contrib.auth.models.PermissionsMixin": ("abstract", "django"),
    "django.contrib.auth.models.User": ("model", "django"),
    "django.contrib.auth.models.Group": ("model", "django"),
    "django.contrib.auth.models.Permission": ("model", "django"),
    "sqlalchemy.orm.MappedAsDataclass": ("plain", None),
    "sqlalchemy.ext.asyncio.AsyncAttrs": ("plain", None),
    "flask_login.UserMixin": ("plain", None),
    "sqlalchemy_serializer.SerializerMixin": ("plain", None),
}
PLAIN_MODULES = ("typing.", "typing_extensions.", "abc.", "enum.", "collections.abc.")
BUILTIN_BASES = frozenset({"object"})
MAPPING_DECORATORS = frozenset({"sqlalchemy.orm.registry().mapped", "sqlalchemy.orm.registry().mapped_as_dataclass"})
DECLARATIVE_DECORATORS = frozenset({"sqlalchemy.orm.as_declarative()", "sqlalchemy.orm.as_declarative"})

OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
UNION = frozenset({"typing.Union", "typing_extensions.Union"})
CLASSVAR = frozenset({"typing.ClassVar", "typing_extensions.ClassVar"})
COLLECTIONS = frozenset(
    {"typing." + name for name in ("List", "Set", "FrozenSet", "Sequence", "MutableSequence", "Collection",
                                   "Dict", "Mapping", "MutableMapping", "MutableSet", "AbstractSet")}
    | {"collections.abc." + name for name in ("Sequence", "MutableSequence", "Collection", "Set", "MutableSet",
                                                "Mapping", "MutableMapping")}
)
BUILTIN_COLLECTIONS = frozenset({"list", "set", "frozenset", "dict"})
# Body attributes that only an ORM gives meaning to (a plain annotation is not one).
ORM_ATTRIBUTES = frozenset({"column", "relationship", "field", "sqlmodel_relationship", "django"})


def models_in_module(walk: Walk, module, aliases: dict[str, str] | None = None) -> tuple[Model, ...]:
    """The models, mixins and abstract models the classes of a module declare, in source order."""
    if not walk.classes:
        return ()
    return _Reader(walk, module, aliases or {}).models()


# --- names -------------------------------------------------------------------------------------


def canonical(qualname: str | None) -> str | None:
    """The short, public spelling of an ORM name; Flask-SQLAlchemy's `db.X` as the SQLAlchemy X."""
    return None if qualname is None else _canonical(qualname)


@lru_cache(maxsize=4096)  # a module resolves the same few names over and over
def _canonical(qualname: str) -> str:
    if qualname.startswith(FSA):
        rest = qualname[len(FSA):]
        head = rest.split(".", 1)[0].split("(", 1)[0]
        if head == "Model":
            return qualname
        qualname = ("sqlalchemy.orm." if head in FSA_ORM_NAMES else "sqlalchemy.") + rest
    if qualname.startswith("sqlmodel."):
        head = qualname[len("sqlmodel."):].split(".", 1)[0].split("(", 1)[0]
        if head[:1].isupper() and head not in SQLMODEL_OWN:
            return "sqlalchemy." + qualname[len("sqlmodel."):]  # SQLModel re-exports SQLAlchemy's names
    for long, short in MODULE_ALIASES:
        if qualname.startswith(long):
            return short + qualname[len(long):]
    return qualname


def _strip_call(qualname: str | None) -> str | None:
    if qualname is not None and qualname.endswith("()"):
        return qualname[:-2]
    return qualname


def _snake_v3(name: str) -> str:
    """Flask-SQLAlchemy 3: an underscore before a capital that follows a lower-case letter or digit,
    or that starts a capitalised word."""
    out = []
    for index, char in enumerate(name):
        if char.isupper() and index > 0:
            before = name[index - 1]
            after = name[index + 1] if index + 1 < len(name) else ""
            if before.islower() or before.isdigit() or after.islower():
                out.append("_")
        out.append(char.lower())
    return "".join(out).lstrip("_")


def _snake_v2(name: str) -> str:
    """Flask-SQLAlchemy 2: each run of capitals followed by a lower-case letter or digit becomes a word."""

    def join(match):
        word = match.group()
        return f"_{word[:-1]}_{word[-1]}".lower() if len(word) > 1 else "_" + word.lower()

    return re.sub(r"[A-Z]+(?=[a-z0-9])", join, name).lstrip("_")


def flask_sqlalchemy_table_name(class_name: str) -> str | None:
    """The table name Flask-SQLAlchemy gives a model; None where its versions disagree."""
    newer, older = _snake_v3(class_name), _snake_v2(class_name)
    return newer if newer == older else None


# --- parso helpers ----------------------------------------------------------------------------


@dataclass
class _CallNode:
    qualname: str | None  # canonical, without the trailing "()"
    raw: str | None  # as resolved, before canonical spelling (tells Flask-SQLAlchemy apart)
    node: object  # the call expression; its spans and callee text are read from it when asked
    args: list
    keywords: dict
    star: bool
    close_paren: tuple[int, int]

    @property
    def span(self) -> Span:
        return span_of(self.node)

    @property
    def callee_span(self) -> Span:
        children = self.node.children
        return Span(children[0].start_pos, children[-2].end_pos)

    @property
    def callee_text(self) -> str:
        return code_of_siblings(self.node.children[:-1])


def _is_call(node) -> bool:
    if node is None or node.type not in ("power", "atom_expr"):
        return False
    last = node.children[-1]
    return last.type == "trailer" and last.children[0] == "("


def _arguments(trailer):
    arguments = Arguments(trailer)
    return arguments.positional, arguments.keywords, bool(arguments.star or arguments.double_star)


def _unquote(node):
    """A string annotation (`"Address"`, `"Mapped[int]"`) parsed as the expression it holds."""
    if node is None or node.type != "string":
        return node
    try:
        inner = ast.literal_eval(node.value)
    except (ValueError, SyntaxError):
        return None
    if not isinstance(inner, str) or not inner.strip():
        return None
    parsed = parso.parse(inner.strip())
    first = parsed.children[0]
    if first.type == "simple_stmt":
        first = first.children[0]
    if first.type in ("endmarker", "error_node", "error_leaf"):
        return None
    return first


def _subscript(node):
    """(the subscripted expression's last trailer index, its items) for `X[...]`, else None."""
    if node is None or node.type not in ("power", "atom_expr"):
        return None
    last = node.children[-1]
    if last.type != "trailer" or last.children[0] != "[":
        return None
    inner = last.children[1]
    items = [child for child in inner.children if child != ","] if inner.type == "subscriptlist" else [inner]
    return items


def _string(node) -> str | None:
    if node is not None and node.type in ("string", "strings"):
        value = value_of(node, Scope({}))
        if value.kind == "str" and isinstance(value.literal, str):
            return value.literal
    return None


def _dotted(node) -> str | None:
    if node is None:
        return None
    if node.type == "name":
        return node.value
    base, trailers = trailers_of(node)
    if base.type != "name" or not trailers:
        return None
    parts = [base.value]
    for trailer in trailers:
        if trailer.children[0] != "." or trailer.children[1].type != "name":
            return None
        parts.append(trailer.children[1].value)
    return ".".join(parts)


_UNSET = object()  # no literal value
_UNDECIDED = object()  # not computed yet / no explicit value
_IGNORED = object()  # a table item that is neither an index nor a constraint we track


def _literal(node):
    """The Python value of a literal True/False/None/number/string node; _UNSET otherwise."""
    if node is None:
        return _UNSET
    value = value_of(node, Scope({}))
    if value.is_literal and value.kind not in ("list", "tuple"):
        return value.literal
    return _UNSET


def _flag(keywords: dict, name: str, default, star: bool = False):
    """A boolean keyword: its literal value, the default when absent (or None), else None. With
    `**options` in the call an absent keyword may be among them: None."""
    if name not in keywords:
        return None if star else default
    value = _literal(keywords[name])
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return None


def _statements(body):
    """The small statements and compound statements directly in a class or function body."""
    children = getattr(body, "children", [body])
    for child in children:
        if child.type == "simple_stmt":
            for small in child.children:
                if small.type not in ("newline", "operator"):
                    yield small
        elif child.type not in ("newline", "operator", "keyword", "endmarker") and child != ":":
            yield child


# --- facts ------------------------------------------------------------------------------------


@dataclass
class _Annotation:
    wrapper: str | None = None  # "sqlalchemy.orm.Mapped", ... when wrapped
    python_type: str | None = None
    optional: bool | None = None
    collection: bool | None = None
    element: str | None = None  # the type itself, or the element type of a collection
    classvar: bool = False
    python_type_span: Span | None = None  # None when the type is written in a string


@dataclass
class _Class:
    qualname: str
    name: str
    node: object
    scope: Scope
    status: str | None = None  # "model", "abstract", "mixin", "schema", "declarative", "plain", None
    orm: str | None = None
    bases: list = field(default_factory=list)  # (ModelBase, the local _Class or None, internal kind)
    decided: bool = False
    table_keyword: bool | None = False
    attributes: list = field(default_factory=list)  # raw body facts
    families: set = field(default_factory=set)
    listed: bool = False
    inherits: object = _UNDECIDED
    model: Model | None = None

    @property
    def orm_attributes(self) -> list:
        return [item for item in self.attributes if item[0] in ORM_ATTRIBUTES]


class _Reader:
    def __init__(self, walk: Walk, module, aliases: dict[str, str]):
        self.walk = walk
        self.module = module
        self.aliases = aliases
        self.classes: dict[str, _Class] = {}
        self.function_scopes: dict[int, Scope] = {}
        self._no_autonaming: bool | None = None
        module_scope = walk.module_scope or Scope(dict(walk.imports))
        self.module_scope = Scope({**self._annotated_bindings(module_scope), **module_scope.names})
        for qualname, node in walk.classes.items():
            self.classes[qualname] = _Class(qualname, node.name.value, node, self._scope_for(node))

    # names

    def _annotated_bindings(self, scope: Scope) -> dict[str, str]:
        """Module-level `Base: T = declarative_base()`: the walker binds plain assignments only."""
        table = {}
        for stmt in _statements(self.module):
            if stmt.type == "expr_stmt" and len(stmt.children) == 2 and stmt.children[1].type == "annassign":
                target, annassign = stmt.children[0], stmt.children[1]
                if target.type == "name" and len(annassign.children) >= 4:
                    qualname = scope.resolve(annassign.children[-1])
                    if qualname is not None:
                        table[target.value] = qualname
        return table

    def _scope_for(self, node) -> Scope:
        """The module scope, or for a class inside functions, their parameters and bindings on top."""
        functions = []
        parent = node.parent
        while parent is not None:
            if parent.type == "funcdef":
                functions.append(parent)
            parent = parent.parent
        scope = self.module_scope
        for function in reversed(functions):
            key = id(function)
            if key not in self.function_scopes:
                inner = scope.child()
                for param in function.get_params():
                    inner.names[param.name.value] = None
                for stmt in _statements(function.children[-1]):
                    if stmt.type == "expr_stmt":
                        inner.bind_assignment(stmt)
                    elif stmt.type in ("import_name", "import_from"):
                        inner.names.update(bindings_of_import(stmt))
                self.function_scopes[key] = inner
            scope = self.function_scopes[key]
        return scope

    def resolve(self, node, scope: Scope) -> str | None:
        if node is None:
            return None
        qualname = scope.resolve(node)
        if qualname is None:
            return None
        for unresolved, target in self.aliases.items():
            if qualname == unresolved or qualname.startswith((unresolved + ".", unresolved + "(", unresolved + "[")):
                qualname = target + qualname[len(unresolved):]
                break
        return qualname

    def call(self, node, scope: Scope) -> _CallNode | None:
        if not _is_call(node):
            return None
        raw = _strip_call(self.resolve(node, scope))
        trailer = node.children[-1]
        args, keywords, star = _arguments(trailer)
        return _CallNode(
            qualname=canonical(raw),
            raw=raw,
            node=node,
            args=args,
            keywords=keywords,
            star=star,
            close_paren=trailer.children[-1].start_pos,
        )

    def annotation(self, node, scope: Scope) -> _Annotation:
        info = _Annotation()
        root = node.get_root_node() if node is not None else None
        node = _unquote(node)
        items = _subscript(node)
        if items is not None:
            base = _strip_subscript(self.resolve(node, scope))
            base = canonical(base)
            if base in CLASSVAR:
                info.classvar = True
                return info
            if base in MAPPED_WRAPPERS and len(items) == 1:
                info.wrapper = base
                node = _unquote(items[0])
                if MAPPED_WRAPPERS[base] is not None:  # WriteOnlyMapped["Address"]: always a collection
                    info.collection = True
                    info.element = code_of(node) if node is not None else None
                    info.python_type = info.element
                    return info
        if node is None:
            return info
        info.optional, node = self._without_none(node, scope)
        node = _unquote(node)
        if node is None:
            return info
        items = _subscript(node)
        info.collection = False
        info.element = code_of(node)
        info.python_type = info.element
        if node.get_root_node() is root:  # not re-parsed from a string annotation
            info.python_type_span = span_of(node)
        if items is not None:
            base = _strip_subscript(self.resolve(node, scope))
            written = node.children[0].value if node.children[0].type == "name" and len(node.children) == 2 else None
            if base in COLLECTIONS or (base is None and written in BUILTIN_COLLECTIONS and scope.lookup(written) is None):
                info.collection = True
                element = _unquote(items[-1])
                info.element = code_of(element) if element is not None else None
        elif node.type == "name" and node.value in BUILTIN_COLLECTIONS and scope.lookup(node.value) is None:
            info.collection = True
            info.element = None
        return info

    def _without_none(self, node, scope):
        """(optional, the annotation without None) for Optional[X], Union[X, None], X | None."""
        node = _unquote(node)
        if node is None:
            return None, None
        items = _subscript(node)
        if items is not None:
            base = _strip_subscript(self.resolve(node, scope))
            if base in OPTIONAL and len(items) == 1:
                return True, items[0]
            if base in UNION:
                rest = [item for item in items if not _is_none(item)]
                if len(rest) == 1:
                    return len(rest) < len(items), rest[0]
                return len(rest) < len(items), None
            return False, node
        if node.type == "expr" and all(child == "|" for child in node.children[1::2]):
            members = node.children[0::2]
            rest = [member for member in members if not _is_none(member)]
            if len(rest) == 1:
                return len(rest) < len(members), rest[0]
            return len(rest) < len(members), None
        return _is_none(node), node

    # classes

    def models(self) -> tuple[Model, ...]:
        for info in self.classes.values():
            self.decide(info)
        for info in self.classes.values():
            if info.status == "model" and info.orm == "sqlmodel":
                self._list_schema_bases(info)
        facts = {}
        for info in self.classes.values():
            if self._is_listed(info):
                facts[info.qualname] = info
        built = {qualname: self.built(info) for qualname, info in facts.items()}
        self._attach_module_indexes(built)
        by_name = {model.name: model for model in built.values()}
        return tuple(_with_relationship_kinds(model, by_name, built) for model in built.values())

    def _is_listed(self, info: _Class) -> bool:
        if info.status in ("model", "abstract", "mixin"):
            return True
        if info.status == "schema":
            return info.listed
        if info.status == "declarative":
            return bool(info.orm_attributes)
        if info.status is None:
            evidence = {kind for kind, _ in info.orm_attributes} & {"column", "relationship", "django"}
            return bool(evidence) or info.table_keyword is True
        return False

    def _list_schema_bases(self, info: _Class):
        for _, local, _ in info.bases:
            if local is not None and local.status == "schema" and not local.listed:
                local.listed = True
                self._list_schema_bases(local)

    def _local_class(self, info: _Class, base_node) -> _Class | None:
        """The class of this module a base name refers to, looked up from the innermost scope out."""
        if base_node.type != "name":
            return None
        parts = info.qualname.split(".")[:-1]
        for end in range(len(parts), -1, -1):
            candidate = self.classes.get(".".join(parts[:end] + [base_node.value]))
            if candidate is not None and candidate.node.start_pos < info.node.start_pos:
                if end == 0 and _bound_in_function(info.scope, base_node.value):
                    return None  # a parameter or local of an enclosing function hides it
                return candidate
        return None

    def decide(self, info: _Class):
        if info.decided:
            return
        info.decided = True  # a cycle (invalid code) sees the class as undecided
        node, scope = info.node, info.scope
        arglist = node.get_super_arglist()
        items = [] if arglist is None else (arglist.children if arglist.type == "arglist" else [arglist])
        kinds = []
        for item in items:
            if item == ",":
                continue
            if item.type == "argument":
                first = item.children[0]
                if first.type == "name" and first.value == "table" and len(item.children) == 3:
                    value = _literal(item.children[2])
                    info.table_keyword = value if isinstance(value, bool) else None
                elif first in ("*", "**"):
                    kinds.append((None, None))
                continue
            local = self._local_class(info, item)
            text = code_of(item)
            if local is not None:
                self.decide(local)
                kind, orm = local.status, local.orm
                reported = {"schema": "mixin"}.get(kind, kind)
                base = ModelBase(text=text, qualname=local.qualname, span=span_of(item), local=True, kind=reported)
            else:
                qualname = canonical(self.resolve(item, scope))
                kind, orm = _library_base(qualname, item, scope)
                reported = {"root": "declarative"}.get(kind, kind)
                base = ModelBase(text=text, qualname=qualname, span=span_of(item), local=False, kind=reported)
            info.bases.append((base, local, kind))
            kinds.append((kind, orm))
        decorators = self._class_decorators(node, scope)
        body_attributes, families = self.read_body(info)
        info.attributes, info.families = body_attributes, families
        info.status, info.orm = self._status(info, kinds, decorators)

    def _class_decorators(self, node, scope) -> set[str]:
        parent = node.parent
        if parent is None or parent.type != "decorated":
            return set()
        first = parent.children[0]
        decorators = first.children if first.type == "decorators" else [first]
        return {canonical(self.resolve(decorator.children[1], scope)) or "" for decorator in decorators}

    def _status(self, info: _Class, kinds, decorators) -> tuple[str | None, str | None]:
        abstract = self._abstract(info)
        if decorators & DECLARATIVE_DECORATORS or any(kind == "root" for kind, _ in kinds):
            return "declarative", "sqlalchemy"
        orms = [orm for kind, orm in kinds if kind in ("declarative", "model", "abstract", "schema") and orm]
        if decorators & MAPPING_DECORATORS:
            orms.insert(0, "sqlalchemy")
        if orms:
            orm = orms[0]
            if orm == "sqlmodel":
                return ("model" if info.table_keyword is True else "schema"), orm
            return ("abstract" if abstract else "model"), orm
        if info.table_keyword is True:
            return "model", "sqlmodel"
        orm = _orm_of_families(info.families)
        if all(kind is not None for kind, _ in kinds):
            if info.orm_attributes and orm not in (None, "django", "sqlmodel"):
                return "mixin", orm
            return "plain", None
        return None, orm

    def _abstract(self, info: _Class) -> bool:
        for stmt in _statements(info.node.children[-1]):
            if stmt.type == "expr_stmt" and stmt.children[0].type == "name" and stmt.children[0].value == "__abstract__":
                return _literal(stmt.children[-1]) is True
            if stmt.type == "classdef" and stmt.name.value == "Meta":
                for inner in _statements(stmt.children[-1]):
                    if inner.type == "expr_stmt" and inner.children[0].type == "name" and inner.children[0].value == "abstract":
                        return _literal(inner.children[-1]) is True
        return False

    # the body

    def read_body(self, info: _Class):
        """The ORM attributes a class body declares, each as (kind, payload), and the ORM families seen."""
        attributes, families = [], set()
        scope = info.scope
        for stmt in _statements(info.node.children[-1]):
            if stmt.type == "expr_stmt":
                target, annotation, value = _assignment_parts(stmt)
                if target is None:
                    continue
                self._read_attribute(target, annotation, value, scope, attributes, families)
            elif stmt.type in ("decorated",):
                function = stmt.children[1]
                if function.type != "funcdef":
                    continue
                first = stmt.children[0]
                decorators = first.children if first.type == "decorators" else [first]
                names = {canonical(self.resolve(d.children[1], scope)) for d in decorators}
                if not names & DECLARED_ATTR:
                    continue
                value = _returned(function)
                attributes.append(("declared_attr", function.name.value))
                if value is not None:
                    self._read_attribute(function.name, function.annotation, value, scope, attributes, families)
        return attributes, families

    def _read_attribute(self, target, annotation, value, scope, attributes, families):
        call = self.call(value, scope) if value is not None else None
        if call is not None and call.qualname in SA_DEFERRED and call.args:
            call = self.call(call.args[0], scope) or call
        if call is not None:
            family = "flask_sqlalchemy" if (call.raw or "").startswith(FSA) else None
            if call.qualname in SA_COLUMNS:
                families.add(family or "sqlalchemy")
                attributes.append(("column", (target, annotation, call)))
                return
            if call.qualname in SA_RELATIONSHIPS:
                families.add(family or "sqlalchemy")
                attributes.append(("relationship", (target, annotation, call)))
                return
            if call.qualname == SQLMODEL_FIELD:
                families.add("sqlmodel")
                attributes.append(("field", (target, annotation, call)))
                return
            if call.qualname == SQLMODEL_RELATIONSHIP:
                families.add("sqlmodel")
                attributes.append(("sqlmodel_relationship", (target, annotation, call)))
                return
            if _is_django_field(call.qualname):
                families.add("django")
                attributes.append(("django", (target, annotation, call)))
                return
        if annotation is not None:
            info = self.annotation(annotation, scope)
            if info.classvar:
                return
            if info.wrapper == "sqlalchemy.orm.Mapped" and value is None:  # `name: Mapped[str]`
                families.add("sqlalchemy")
                attributes.append(("column", (target, annotation, None)))
            elif info.wrapper is None:
                attributes.append(("annotated", (target, annotation, call)))

    def build(self, info: _Class) -> Model:
        scope = info.scope
        sqlmodel = info.orm == "sqlmodel" or info.table_keyword is True
        columns, relationships, indexes = [], [], []
        indexes_known = True
        table_name = None
        explicit_table = False
        for kind, payload in info.attributes:
            if kind == "declared_attr":
                if payload == "__tablename__":
                    explicit_table = True
                elif payload == "__table_args__":
                    indexes_known = False
                continue
            target, annotation, call = payload
            name = target.value
            if name.startswith("__"):
                continue
            if kind == "column":
                columns.append(self.sa_column(name, span_of(target), annotation, call, scope))
            elif kind == "relationship":
                relationships.append(self.sa_relationship(name, span_of(target), annotation, call, scope))
            elif kind in ("field", "annotated") and sqlmodel and not name.startswith("_") and name != "model_config":
                if annotation is not None:
                    columns.append(self.sqlmodel_column(name, span_of(target), annotation, call, scope))
            elif kind == "sqlmodel_relationship":
                relationships.append(self.sqlmodel_relationship(name, span_of(target), annotation, call, scope))
            elif kind == "django":
                column, relationship = self.django_field(info.name, name, span_of(target), call, scope)
                if column is not None:
                    columns.append(column)
                if relationship is not None:
                    relationships.append(relationship)
        for stmt in _statements(info.node.children[-1]):
            if stmt.type == "classdef" and stmt.name.value == "Meta" and info.orm == "django":
                meta_table, meta_indexes, known = self.django_meta(stmt, scope)
                table_name = meta_table if meta_table is not None else table_name
                explicit_table = explicit_table or meta_table is not None
                indexes.extend(meta_indexes)
                indexes_known = indexes_known and known
                continue
            if stmt.type != "expr_stmt":
                continue
            target, _, value = _assignment_parts(stmt)
            if target is None or value is None:
                continue
            if target.value == "__tablename__":
                explicit_table = True
                table_name = _string(value)
            elif target.value == "__table_args__":
                found, known = self.table_args(value, scope)
                indexes.extend(found)
                indexes_known = indexes_known and known
            elif target.value == "__table__":
                explicit_table = True
                table_name, table_columns = self.table_object(value, scope)
                columns.extend(table_columns)
        status = info.status
        known_bases = [base for base, _, _ in info.bases]
        inherits = self._inherits_mapped(info)
        abstract = status == "abstract" or (status is None and self._abstract(info))
        if status in ("model", "abstract"):
            is_mixin: bool | None = False
        elif status in ("mixin", "schema", "declarative"):
            is_mixin = True
        elif info.orm == "django" or info.table_keyword is True:
            is_mixin = False
        else:
            is_mixin = None
        orm = info.orm or _orm_of_families(info.families) or ("sqlmodel" if sqlmodel else "sqlalchemy")
        if not explicit_table and status == "model":
            table_name = self._default_table_name(info, orm, inherits, columns)
        return Model(
            name=info.name,
            qualname=info.qualname,
            name_span=span_of(info.node.name),
            orm=orm,
            table_name=table_name,
            bases=tuple(known_bases),
            abstract=abstract,
            is_mixin=is_mixin,
            columns=tuple(columns),
            relationships=tuple(relationships),
            indexes=tuple(indexes),
            indexes_known=indexes_known,
            inherits_mapped=inherits,
        )

    def _inherits_mapped(self, info: _Class) -> bool | None:
        """True with a mapped parent; False when no base can be one. A base listed after the ORM's
        root itself (`class User(db.Model, Unknown)`) cannot derive from it: Python could not order
        the classes, so only unknown bases before the root leave the answer open."""
        if info.inherits is not _UNDECIDED:
            return info.inherits
        info.inherits = None  # a cycle (invalid code) stays undecided
        root_seen = undecided = False
        answer: bool | None = False
        for _, local, kind in info.bases:
            if kind == "model":
                answer = True
                break
            if kind in ("declarative", "root"):
                root_seen = True
            elif kind is None and not root_seen:
                undecided = True
            elif local is not None and kind in ("abstract", "mixin", "schema"):
                inherited = self._inherits_mapped(local)
                if inherited is True:
                    answer = True
                    break
                undecided = undecided or inherited is None
        if answer is not True and undecided:
            answer = None
        info.inherits = answer
        return answer

    def _default_table_name(self, info: _Class, orm: str, inherits, columns) -> str | None:
        """The table a mapped model gets without `__tablename__`."""
        parent = next((local for _, local, kind in info.bases if kind == "model" and local is not None), None)
        own_key = any(column.primary_key for column in columns)
        if orm == "sqlmodel":
            return info.name.lower()
        if orm == "django":
            return None  # "<app label>_<model>": the app label is not known from one module
        if inherits is True and not own_key:
            # Single-table inheritance: the parent's table (from another module: not known here).
            return self._parent_table(parent) if parent is not None else None
        if orm == "flask_sqlalchemy" and inherits is False and not self._autonaming_disabled():
            return flask_sqlalchemy_table_name(info.name)
        return None

    def _autonaming_disabled(self) -> bool:
        """Asked once per model; the module's calls are the same for all of them."""
        if self._no_autonaming is None:
            self._no_autonaming = any(
                call.qualname == "flask_sqlalchemy.SQLAlchemy" and call.keyword("disable_autonaming") is not None
                for call in self.walk.calls
            )
        return self._no_autonaming

    def _parent_table(self, parent: _Class) -> str | None:
        return self.built(parent).table_name

    def built(self, info: _Class) -> Model:
        if info.model is None:
            info.model = self.build(info)
        return info.model

    # SQLAlchemy

    def sa_column(self, name, name_span, annotation, call: _CallNode | None, scope, from_table=False) -> Column:
        ann = self.annotation(annotation, scope) if annotation is not None else _Annotation()
        keywords = call.keywords if call is not None else {}
        args = list(call.args) if call is not None else []
        column_name: str | None = None if from_table else name
        if args and args[0].type in ("string", "strings", "fstring"):
            column_name = _string(args[0])
            args = args[1:]
        elif "name" in keywords:
            column_name = _string(keywords["name"])
        type_node = keywords.get("type_")
        foreign_key = None
        for index, arg in enumerate(args):
            inner = self.call(arg, scope)
            qualname = inner.qualname if inner is not None else canonical(self.resolve(arg, scope))
            if qualname in SA_SCHEMA_ITEMS:
                if qualname == SA_FOREIGN_KEY and inner is not None and foreign_key is None and inner.args:
                    foreign_key = _string(inner.args[0]) or _dotted(inner.args[0])
                continue
            if index == 0 and type_node is None:
                type_node = arg
        star = call is not None and call.star
        primary_key = _flag(keywords, "primary_key", False, star)
        nullable = _flag(keywords, "nullable", _UNDECIDED, star)
        if nullable is _UNDECIDED:
            nullable = self._default_nullable(primary_key, ann, call)
        type_name, type_text, type_span = self._sa_type(type_node, scope)
        return Column(
            name=name,
            name_span=name_span,
            column_name=column_name,
            type_name=type_name,
            type_text=type_text,
            type_span=type_span,
            python_type=ann.python_type,
            primary_key=primary_key,
            index=_flag(keywords, "index", False, star),
            unique=_flag(keywords, "unique", False, star),
            nullable=nullable,
            foreign_key=foreign_key,
            db_index_explicit_false=_literal(keywords.get("index")) is False,
            call_close_paren=call.close_paren if call is not None else None,
            keywords=tuple(keywords),
            argument_spans=_argument_spans(call),
            python_type_span=ann.python_type_span,
        )

    def _default_nullable(self, primary_key, ann: _Annotation, call: _CallNode | None) -> bool | None:
        if primary_key is None:
            return None
        if primary_key:
            return False
        if call is not None and call.qualname == "sqlalchemy.Column":
            return True  # a Column is nullable unless told otherwise, whatever the annotation says
        if ann.wrapper is not None:
            return ann.optional  # mapped_column reads NOT NULL from Mapped[X] vs Mapped[Optional[X]]
        return True

    def _sa_type(self, node, scope):
        if node is None:
            return None, None, None
        qualname = canonical(_strip_call(self.resolve(node, scope)))
        type_name = None
        if qualname is not None and qualname.startswith("sqlalchemy."):
            last = qualname.rsplit(".", 1)[-1]
            if last[:1].isupper():
                type_name = last
        return type_name, code_of(node), span_of(node)

    def sa_relationship(self, name, name_span, annotation, call: _CallNode, scope) -> Relationship:
        ann = self.annotation(annotation, scope) if annotation is not None else _Annotation()
        keywords = call.keywords
        target_node = call.args[0] if call.args else keywords.get("argument")
        target = _target(target_node)
        if target is None and target_node is None:
            target = _bare(ann.element)
        lazy = _lazy(keywords, MAPPED_WRAPPERS.get(ann.wrapper) if ann.wrapper else None)
        backref, backref_lazy = self._backref(keywords.get("backref"), scope)
        secondary_node = keywords.get("secondary")
        secondary = None
        if secondary_node is not None:
            secondary = _string(secondary_node) or code_of(secondary_node)
        uselist = _flag(keywords, "uselist", None) if "uselist" in keywords else None
        collection = uselist
        if collection is None:
            if ann.wrapper is not None and ann.collection is not None:
                collection = ann.collection
            elif "collection_class" in keywords or lazy in ("dynamic", "write_only"):
                collection = True
            elif secondary_node is not None:
                collection = True
        return Relationship(
            name=name,
            name_span=name_span,
            target=target,
            kind="many-to-many" if secondary_node is not None else None,
            collection=collection,
            lazy=lazy,
            back_populates=_string(keywords.get("back_populates")),
            backref=backref,
            backref_lazy=backref_lazy,
            related_name=None,
            secondary=secondary,
            call_close_paren=call.close_paren,
            keywords=tuple(keywords),
        )

    def _backref(self, node, scope):
        if node is None:
            return None, None
        name = _string(node)
        if name is not None:
            return name, "select"
        call = self.call(node, scope)
        if call is not None and call.qualname == SA_BACKREF and call.args:
            return _string(call.args[0]), _lazy(call.keywords, None)
        return None, None

    def table_args(self, node, scope):
        """Indexes and constraints of `__table_args__`, and whether all of it could be read."""
        if node.type == "atom" and node.children[0] == "{":
            return [], True
        if node.type != "atom" or node.children[0] not in ("(", "["):
            return [], False
        inner = node.children[1] if len(node.children) == 3 else None
        if inner is None:
            return [], True
        elements = [child for child in inner.children if child != ","] if inner.type in ("testlist_comp",) else [inner]
        found, known = [], True
        for element in elements:
            if element.type == "atom" and element.children[0] == "{":
                continue
            item = self.table_item(element, scope)
            if item is _IGNORED:
                continue
            if item is None:
                known = False
            else:
                found.append(item)
        return found, known

    def table_item(self, node, scope):
        call = self.call(node, scope)
        if call is None:
            return None
        if call.qualname in TABLE_ITEMS_IGNORED:
            return _IGNORED
        kind = TABLE_ITEMS.get(call.qualname)
        if kind is None:
            return None
        args = call.args
        name = None
        if kind == "index":
            name = _string(args[0]) if args else None
            args = args[1:]
        else:
            name = _string(call.keywords.get("name"))
        unique = True if kind != "index" else _flag(call.keywords, "unique", False)
        return TableIndex(kind=kind, columns=tuple(_column_ref(arg) for arg in args), unique=unique, name=name, span=call.span)

    def table_object(self, node, scope):
        """`__table__ = Table("users", metadata, Column("id", ...), ...)`: the name and the columns."""
        call = self.call(node, scope)
        if call is None or call.qualname != SA_TABLE or not call.args:
            return None, []
        columns = []
        for arg in call.args[1:]:
            inner = self.call(arg, scope)
            if inner is not None and inner.qualname == "sqlalchemy.Column" and inner.args:
                name = _string(inner.args[0])
                if name is not None:
                    columns.append(self.sa_column(name, span_of(inner.args[0]), None, inner, scope, from_table=True))
        return _string(call.args[0]), columns

    def _attach_module_indexes(self, built: dict[str, Model]):
        """`Index("ix_user_email", User.email)` after the class: an index of that model's table."""
        top = {model.name: qualname for qualname, model in built.items() if "." not in qualname}
        scope = self.module_scope
        if not top:
            return
        for stmt in _statements(self.module):
            node = stmt
            if stmt.type == "expr_stmt":
                node = stmt.children[-1]
            call = self.call(node, scope)
            if call is None or call.qualname not in TABLE_ITEMS:
                continue
            args = call.args[1:] if call.qualname == "sqlalchemy.Index" else call.args
            owners = {(_dotted(arg) or "").split(".", 1)[0] for arg in args}
            if len(owners) != 1:
                continue
            owner = top.get(owners.pop())
            if owner is None:
                continue
            item = self.table_item(node, scope)
            if isinstance(item, TableIndex):
                model = built[owner]
                built[owner] = replace(model, indexes=model.indexes + (item,))

    # SQLModel

    def sqlmodel_column(self, name, name_span, annotation, call: _CallNode | None, scope) -> Column:
        ann = self.annotation(annotation, scope)
        field_call = call if call is not None and call.qualname == SQLMODEL_FIELD else None
        keywords = field_call.keywords if field_call is not None else {}
        if "sa_column" in keywords:
            # SQLModel then ignores the Field's own flags: the Column says everything.
            sa_column = self.call(keywords["sa_column"], scope)
            if sa_column is not None and sa_column.qualname == "sqlalchemy.Column":
                column = self.sa_column(name, name_span, None, sa_column, scope)
                return replace(column, python_type=ann.python_type, python_type_span=ann.python_type_span)
            return Column(
                name=name, name_span=name_span, column_name=None, type_name=None, type_text=None,
                type_span=None, python_type=ann.python_type, primary_key=None, index=None, unique=None,
                nullable=None, foreign_key=None, db_index_explicit_false=False, call_close_paren=None,
                keywords=tuple(keywords),
            )
        flags = dict(keywords)
        column_flags = ("primary_key", "index", "unique", "nullable")
        if "sa_column_kwargs" in keywords:
            extra = _dict_items(keywords["sa_column_kwargs"])
            if extra is None:  # built elsewhere: any flag may be in it
                flags.update({key: keywords["sa_column_kwargs"] for key in column_flags})
            else:
                flags.update({key: value for key, value in extra if key in column_flags})
        star = field_call is not None and field_call.star
        primary_key = _flag(flags, "primary_key", False, star)
        nullable = _flag(flags, "nullable", _UNDECIDED, star)
        if nullable is _UNDECIDED:
            nullable = None if primary_key is None else (False if primary_key else ann.optional)
        type_name, type_text, type_span = self._sa_type(keywords.get("sa_type"), scope)
        foreign_key = keywords.get("foreign_key")
        return Column(
            name=name,
            name_span=name_span,
            column_name=name,
            type_name=type_name,
            type_text=type_text,
            type_span=type_span,
            python_type=ann.python_type,
            primary_key=primary_key,
            index=_flag(flags, "index", False, star),
            unique=_flag(flags, "unique", False, star),
            nullable=nullable,
            foreign_key=(_string(foreign_key) or _dotted(foreign_key)) if foreign_key is not None else None,
            db_index_explicit_false=_literal(flags.get("index")) is False,
            call_close_paren=field_call.close_paren if field_call is not None else None,
            keywords=tuple(keywords),
            argument_spans=_argument_spans(field_call),
            python_type_span=ann.python_type_span,
        )

    def sqlmodel_relationship(self, name, name_span, annotation, call: _CallNode, scope) -> Relationship:
        ann = self.annotation(annotation, scope) if annotation is not None else _Annotation()
        keywords = call.keywords
        inner = self.call(keywords["sa_relationship"], scope) if "sa_relationship" in keywords else None
        if inner is not None and inner.qualname in SA_RELATIONSHIPS:
            relationship = self.sa_relationship(name, name_span, None, inner, scope)
            return replace(
                relationship,
                target=relationship.target or _bare(ann.element),
                collection=relationship.collection if relationship.collection is not None else ann.collection,
            )
        options = _dict_items(keywords["sa_relationship_kwargs"]) if "sa_relationship_kwargs" in keywords else []
        readable = options is not None and "sa_relationship" not in keywords
        options = dict(options or [])
        lazy = _lazy(options, None) if readable else None
        link = keywords.get("link_model")
        uselist = _flag(options, "uselist", None) if "uselist" in options else None
        return Relationship(
            name=name,
            name_span=name_span,
            target=_bare(ann.element),
            kind="many-to-many" if link is not None else None,
            collection=uselist if uselist is not None else (True if link is not None else ann.collection),
            lazy=lazy,
            back_populates=_string(keywords.get("back_populates")),
            backref=None,
            backref_lazy=None,
            related_name=None,
            secondary=code_of(link) if link is not None else None,
            call_close_paren=call.close_paren,
            keywords=tuple(keywords),
        )

    # Django

    def django_field(self, model_name, name, name_span, call: _CallNode, scope):
        field_type = call.qualname.rsplit(".", 1)[-1]
        keywords = call.keywords
        relation = DJANGO_RELATIONS.get(field_type)
        target = None
        if relation is not None:
            target_node = call.args[0] if call.args else keywords.get("to")
            target = _string(target_node) if target_node is not None else None
            if target is None and target_node is not None:
                target = _dotted(target_node)
            if target == "self":
                target = model_name
        relationship = None
        if relation is not None:
            related = keywords.get("related_name")
            through = keywords.get("through")
            relationship = Relationship(
                name=name,
                name_span=name_span,
                target=target,
                kind=relation,
                collection=relation == "many-to-many",
                lazy="select",
                back_populates=None,
                backref=None,
                backref_lazy=None,
                related_name=_string(related) if related is not None else None,
                secondary=(_string(through) or code_of(through)) if through is not None else None,
                call_close_paren=call.close_paren,
                keywords=tuple(keywords),
            )
        if relation == "many-to-many":
            return None, relationship
        db_column = keywords.get("db_column")
        if db_column is not None:
            column_name = _string(db_column)
        else:
            column_name = name + "_id" if relation is not None else name
        star = call.star
        unique = _flag(keywords, "unique", False, star)
        if field_type == "OneToOneField":
            unique = True
        column = Column(
            name=name,
            name_span=name_span,
            column_name=column_name,
            type_name=field_type,
            type_text=call.callee_text,
            type_span=call.callee_span,
            python_type=None,
            primary_key=_flag(keywords, "primary_key", False, star),
            index=_flag(keywords, "db_index", field_type in DJANGO_INDEXED_BY_DEFAULT, star),
            unique=unique,
            nullable=_flag(keywords, "null", False, star),
            foreign_key=target,
            db_index_explicit_false=_literal(keywords.get("db_index")) is False,
            call_close_paren=call.close_paren,
            keywords=tuple(keywords),
            argument_spans=_argument_spans(call),
        )
        return column, relationship

    def django_meta(self, meta, scope):
        """`class Meta`: db_table, and indexes from indexes / constraints / unique_together / index_together."""
        table, found, known = None, [], meta.get_super_arglist() is None
        for stmt in _statements(meta.children[-1]):
            if stmt.type != "expr_stmt":
                continue
            target, _, value = _assignment_parts(stmt)
            if target is None or value is None:
                continue
            key = target.value
            if key == "db_table":
                table = _string(value)
            elif key in ("indexes", "constraints"):
                elements = _sequence(value)
                if elements is None:
                    known = False
                    continue
                for element in elements:
                    call = self.call(element, scope)
                    kind = DJANGO_TABLE_ITEMS.get(call.qualname) if call is not None else None
                    if kind is None:
                        if call is None or call.qualname not in DJANGO_CONSTRAINTS_IGNORED:
                            known = False
                        continue
                    fields = _sequence(call.keywords.get("fields")) if "fields" in call.keywords else None
                    columns = tuple(_field_name(f) for f in fields) if fields is not None else (None,)
                    found.append(
                        TableIndex(kind=kind, columns=columns, unique=kind == "unique",
                                   name=_string(call.keywords.get("name")), span=call.span)
                    )
            elif key in ("unique_together", "index_together"):
                groups = _sequence(value)
                if groups is None:
                    known = False
                    continue
                if groups and all(group.type in ("string", "strings") for group in groups):
                    groups = [value]  # a single group: ("a", "b")
                for group in groups:
                    fields = _sequence(group)
                    if fields is None:
                        known = False
                        continue
                    unique = key == "unique_together"
                    found.append(
                        TableIndex(kind="unique" if unique else "index", columns=tuple(_field_name(f) for f in fields),
                                   unique=unique, name=None, span=span_of(group))
                    )
        return table, found, known


def _bound_in_function(scope: Scope, name: str) -> bool:
    while scope.parent is not None:
        if name in scope.names:
            return True
        scope = scope.parent
    return False


def _strip_subscript(qualname: str | None) -> str | None:
    if qualname is not None and qualname.endswith("[]"):
        return canonical(qualname[:-2])
    return None


def _is_none(node) -> bool:
    return node is not None and node.type == "keyword" and node.value == "None"


def _assignment_parts(stmt):
    """(target name, annotation, value) of `name = value`, `name: T = value` or `name: T`."""
    children = stmt.children
    target = children[0]
    if target.type != "name":
        return None, None, None
    if len(children) == 2 and children[1].type == "annassign":
        annassign = children[1].children
        value = annassign[3] if len(annassign) >= 4 else None
        return target, annassign[1], value
    if len(children) == 3 and children[1] == "=":
        return target, None, children[2]
    return None, None, None


def _returned(function):
    """The value of the first `return` directly in a function body."""
    for stmt in _statements(function.children[-1]):
        if stmt.type == "return_stmt" and len(stmt.children) == 2:
            return stmt.children[1]
    return None


def _target(node) -> str | None:
    """A relationship's target as written: "Address", Address, lambda: Address."""
    if node is None:
        return None
    if node.type == "lambdef":
        node = node.children[-1]
    text = _string(node)
    if text is not None:
        return text
    return _dotted(node)


def _bare(text: str | None) -> str | None:
    """An annotation's type without quotes, when it names a class: "Team" for `Optional["Team"]`."""
    if text is None:
        return None
    text = text.strip().strip("'\"")
    return text if re.fullmatch(r"[A-Za-z_][\w.]*", text) else None


def _lazy(keywords: dict, implied: str | None) -> str | None:
    if "lazy" not in keywords:
        return implied or "select"
    value = _literal(keywords["lazy"])
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool):
        return LAZY_SYNONYMS[value]
    return None


def _dict_items(node):
    """The entries of a dict display with string keys: [(key, value node)]; None for anything else."""
    if node is None or node.type != "atom" or node.children[0] != "{":
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if inner.type != "dictorsetmaker":
        return None
    children = inner.children
    items, index = [], 0
    while index < len(children):
        if index + 2 >= len(children) or children[index + 1] != ":":
            return None  # `**spread`, a comprehension, a set
        key = _string(children[index])
        if key is None:
            return None
        items.append((key, children[index + 2]))
        index += 4
    return items


def _sequence(node):
    """The elements of a list or tuple display, None for anything else."""
    if node is None:
        return None
    if node.type in ("testlist_star_expr", "testlist"):
        return [child for child in node.children if child != ","]
    if node.type != "atom" or node.children[0] not in ("(", "["):
        return None
    if len(node.children) == 2:
        return []
    inner = node.children[1]
    if inner.type == "testlist_comp":
        if any(child.type in ("sync_comp_for", "comp_for") for child in inner.children):
            return None
        return [child for child in inner.children if child != ","]
    if node.children[0] == "(":  # a parenthesised expression, not a tuple
        return [inner] if inner.type in ("string", "strings") else None
    return [inner]


def _argument_spans(call: "_CallNode | None") -> tuple[tuple[str | None, Span], ...]:
    """Each argument of a call, whole (`null=True`), with its keyword (None for a positional one),
    in source order: for edits that change, drop or add arguments."""
    if call is None:
        return ()
    found = [(None, span_of(arg)) for arg in call.args]
    found += [(name, span_of(value.parent)) for name, value in call.keywords.items()]
    return tuple(sorted(found, key=lambda item: item[1].start))


def _field_name(node) -> str | None:
    text = _string(node)
    if text is None:
        return None
    return text.lstrip("-")  # "-created" is a descending index on `created`


def _column_ref(node) -> str | None:
    """An index entry: a column name, a class-body column (`email`, `User.email`), or None."""
    text = _string(node)
    if text is not None:
        return text
    dotted = _dotted(node)
    if dotted is not None:
        return dotted.rsplit(".", 1)[-1]
    return None


def _is_django_field(qualname: str | None) -> bool:
    if qualname is None or not qualname.startswith(DJANGO_FIELD_MODULES):
        return False
    last = qualname.rsplit(".", 1)[-1]
    return last.endswith("Field") or last == "ForeignKey"


def _library_base(qualname: str | None, node, scope: Scope) -> tuple[str | None, str | None]:
    if qualname is None:
        if node.type == "name" and node.value in BUILTIN_BASES and scope.lookup(node.value) is None:
            return "plain", None
        return None, None
    known = LIBRARY_BASES.get(qualname)
    if known is not None:
        return known
    if qualname.startswith(PLAIN_MODULES):
        return "plain", None
    return None, None


def _orm_of_families(families: set) -> str | None:
    for orm in ("flask_sqlalchemy", "sqlalchemy", "sqlmodel", "django"):
        if orm in families:
            return orm
    return None


def _with_relationship_kinds(model: Model, by_name: dict[str, Model], built: dict[str, Model]) -> Model:
    """Settle one-to-many / many-to-one from the foreign keys, when both ends are in this module."""
    if model.orm == "django" or not model.relationships:
        return model
    changed = []
    for relationship in model.relationships:
        if relationship.kind is not None:
            changed.append(relationship)
            continue
        kind, collection = _direction(model, relationship, by_name, built)
        if kind is None and relationship.collection is True:
            kind = "one-to-many"  # a collection without a secondary table
        changed.append(replace(relationship, kind=kind,
                                collection=relationship.collection if relationship.collection is not None else collection))
    return replace(model, relationships=tuple(changed))


def _lineage_columns(model: Model, built: dict[str, Model]) -> list[Column]:
    columns = list(model.columns)
    for base in model.bases:
        if base.local and base.qualname in built:
            columns.extend(_lineage_columns(built[base.qualname], built))
    return columns


def _points_to(column: Column, model: Model) -> bool:
    target = column.foreign_key
    if target is None:
        return False
    head = target.rsplit(".", 1)[0] if "." in target else None
    return head is not None and (head == model.table_name or head == model.name)


def _direction(model: Model, relationship: Relationship, by_name, built):
    target = by_name.get(relationship.target or "")
    if target is None or target is model or "primaryjoin" in relationship.keywords:
        return None, None
    local_fk = any(_points_to(column, target) for column in _lineage_columns(model, built))
    remote_fk = any(_points_to(column, model) for column in _lineage_columns(target, built))
    if local_fk and not remote_fk:
        return "many-to-one", False
    if remote_fk and not local_fk:
        if relationship.collection is False:
            return "one-to-one", False
        return "one-to-many", True
    return None, None

