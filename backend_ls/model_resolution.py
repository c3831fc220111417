"""Models across modules: what a model's bases are and what it inherits from them.

The facts of a module say what each class declares itself; a base imported from another module
(`from .db import Base`, `from app.mixins import AuditMixin`, `db.Model` of an imported `db`) has
`ModelBase.kind` None. `ModelResolver` settles such bases through the workspace index: it follows the
import to the module that defines the name, reads that module's facts (its models, classes and
class-level assignments) and repeats for that class's own bases, so a check can ask whether a class
is mapped, whether it inherits a mapped model, and which columns and table indexes it gets from its
mixins and abstract bases wherever they are. Without an index only the module's own classes and the
ORMs' library bases are known; whatever cannot be settled is None and checks stay silent on it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from backend_ls.facts.model import Assignment, Column, Model, ModelBase, ModuleFacts, TableIndex, Value
from backend_ls.facts.models import (
    DECLARATIVE_DECORATORS,
    DECLARED_ATTR,
    LIBRARY_BASES,
    MAPPING_DECORATORS,
    PLAIN_MODULES,
    canonical,
)
from backend_ls.statement_checks import whole_module

if TYPE_CHECKING:
    from backend_ls.index import WorkspaceIndex

MAX_DEPTH = 12


@lru_cache(maxsize=1024)  # a resolver is made per check and per statement: one system call per path
def real_path(path: str) -> str:
    return str(Path(path).resolve())

# What deriving from a class of each kind makes of the subclass.
MAPPING_KINDS = frozenset({"declarative", "model", "abstract"})
# Calls that declare a column in a class body, in any ORM (the last name, "()" included).
COLUMN_CALLS = re.compile(r"(Column|mapped_column|deferred|column_property|composite|ForeignKey|\w*Field)\(\)$")


@dataclass(frozen=True)
class ClassRef:
    path: str  # the module's path as the index keys it (the checked module's own path without one)
    qualname: str


@dataclass(frozen=True)
class ClassInfo:
    """A class as a base or model: what it is, across modules.

    kind: "root" (the ORM's DeclarativeBase itself: a class deriving from it is a declarative base),
    "declarative" (a declarative base: db.Model, declarative_base(), SQLModel, models.Model, a
    DeclarativeBase subclass), "model" (mapped), "abstract", "mixin" (unmapped, gives ORM attributes;
    SQLModel data schemas included), "plain", or None when it cannot be settled."""

    ref: ClassRef | None  # None for a library class
    kind: str | None
    orm: str | None
    model: Model | None  # its model facts, when its module lists it
    bases: tuple["ClassInfo", ...] = ()
    # False when the class may declare columns its facts do not show (an unlisted class with
    # call-valued attributes or declared_attr methods, a SQLModel schema its module does not list).
    body_known: bool = True


UNKNOWN = ClassInfo(ref=None, kind=None, orm=None, model=None, body_known=False)
PLAIN = ClassInfo(ref=None, kind="plain", orm=None, model=None)
UNDECIDED = object()


class ModelResolver:
    """Answers for one checked module (its current facts) over the workspace index, if any."""

    def __init__(self, facts: ModuleFacts, index: "WorkspaceIndex | None" = None):
        self.facts = facts
        self.index = index
        self.path = real_path(facts.path) if index is not None else facts.path
        self._infos: dict[tuple[str, str], ClassInfo] = {}
        self._busy: set[tuple[str, str]] = set()
        # Asked for every model of a module: one pass over its models and assignments, not one per model.
        self._models: dict[str, dict[str, Model]] = {}
        self._class_assignments: dict[str, dict[tuple[str, str], Assignment]] = {}

    # -- facts --------------------------------------------------------------------------------
    def facts_of(self, path: str) -> ModuleFacts | None:
        if path == self.path:  # classes are the module's outline: a statement check reads them whole
            return whole_module(self.facts)
        if self.index is None:
            return None
        module = self.index.modules.get(path)
        return module.facts if module is not None else None

    def model_at(self, ref: ClassRef) -> Model | None:
        facts = self.facts_of(ref.path)
        if facts is None:
            return None
        by_name = self._models.get(ref.path)
        if by_name is None:
            by_name = {}
            for model in facts.models:
                by_name.setdefault(model.qualname, model)
            self._models[ref.path] = by_name
        return by_name.get(ref.qualname)

    def class_assignment(self, ref: ClassRef, name: str) -> Assignment | None:
        """`name = ...` written directly in the class body."""
        facts = self.facts_of(ref.path)
        if facts is None:
            return None
        by_class = self._class_assignments.get(ref.path)
        if by_class is None:
            by_class = {}
            for assignment in facts.assignments:
                if assignment.class_name is not None:
                    by_class.setdefault((assignment.class_name, assignment.target), assignment)
            self._class_assignments[ref.path] = by_class
        return by_class.get((ref.qualname, name))

    def declares(self, ref: ClassRef, name: str) -> bool:
        """The class body sets `name`, by assignment or by a method of that name (`declared_attr`)."""
        facts = self.facts_of(ref.path)
        if facts is None:
            return False
        return self.class_assignment(ref, name) is not None or f"{ref.qualname}.{name}" in facts.functions

    # -- classes ------------------------------------------------------------------------------
    def of_model(self, model: Model) -> ClassInfo:
        """A model of the checked module."""
        return self.of_class(ClassRef(self.path, model.qualname))

    def of_class(self, ref: ClassRef, depth: int = 0) -> ClassInfo:
        key = (ref.path, ref.qualname)
        if key in self._infos:
            return self._infos[key]
        if key in self._busy or depth > MAX_DEPTH:  # a cycle (invalid code) or a chain too long
            return UNKNOWN
        self._busy.add(key)
        try:
            info = self._settle(ref, depth)
        finally:
            self._busy.discard(key)
        self._infos[key] = info
        return info

    def _settle(self, ref: ClassRef, depth: int) -> ClassInfo:
        facts = self.facts_of(ref.path)
        if facts is None or ref.qualname not in facts.classes:
            return UNKNOWN
        model = self.model_at(ref)
        classdef = facts.classes[ref.qualname]
        if model is not None:
            bases = tuple(self._of_base(ref.path, base, depth + 1) for base in model.bases)
            body_known = True
        else:
            bases = tuple(self._of_value(ref.path, facts, value, depth + 1) for value in classdef.bases)
            body_known = self._plain_body(ref, facts)
        decorators = {canonical(value.qualname) for value in classdef.decorators if value.qualname}
        abstract = model.abstract if model is not None else self._abstract(ref)
        kind, orm = self._kind(model, bases, decorators, abstract)
        if kind == "mixin" and orm == "sqlmodel" and model is None:
            body_known = False  # a data schema its module does not list: its fields are not in the facts
        return ClassInfo(ref, kind, orm, model, bases, body_known)

    @staticmethod
    def _kind(model: Model | None, bases, decorators, abstract: bool) -> tuple[str | None, str | None]:
        if decorators & DECLARATIVE_DECORATORS or any(base.kind == "root" for base in bases):
            return "declarative", next((b.orm for b in bases if b.kind == "root"), "sqlalchemy")
        mapping = [base for base in bases if base.kind in MAPPING_KINDS]
        if mapping:
            orm = mapping[0].orm
            if orm == "sqlmodel" and not (model is not None and model.is_mixin is False):
                return "mixin", orm  # no `table=True`: a data schema
            return ("abstract" if abstract else "model"), orm
        if decorators & MAPPING_DECORATORS:
            return ("abstract" if abstract else "model"), "sqlalchemy"
        if model is not None and model.is_mixin is False and all(b.kind is not None for b in bases):
            return ("abstract" if abstract else "model"), model.orm  # SQLModel `table=True`, Django
        if any(base.kind is None for base in bases):
            if model is not None and model.orm == "sqlmodel" and model.is_mixin is False:
                return "model", "sqlmodel"  # `table=True` maps it whatever its bases are
            return None, model.orm if model is not None else None
        orm = next((b.orm for b in bases if b.kind == "mixin" and b.orm), None)
        if model is not None:
            return "mixin", orm or model.orm
        return ("mixin", orm) if orm is not None else ("plain", None)

    def _of_base(self, path: str, base: ModelBase, depth: int) -> ClassInfo:
        if base.local and base.qualname:
            return self.of_class(ClassRef(path, base.qualname), depth)
        if base.qualname is None:  # `object`, or an expression
            return PLAIN if base.kind == "plain" else UNKNOWN
        return self.of_symbol(path, base.qualname, depth)

    def _of_value(self, path: str, facts: ModuleFacts, value: Value, depth: int) -> ClassInfo:
        if value.qualname is not None:
            return self.of_symbol(path, value.qualname, depth)
        if value.kind == "name":
            if value.text in facts.classes:
                return self.of_class(ClassRef(path, value.text), depth)
            if value.text == "object":
                return PLAIN
        return UNKNOWN

    def of_symbol(self, path: str, qualname: str | None, depth: int = 0) -> ClassInfo:
        """A base named through imports from module `path`: a library class or a workspace class."""
        if qualname is None or depth > MAX_DEPTH:
            return UNKNOWN
        name = canonical(qualname)
        known = LIBRARY_BASES.get(name)
        if known is not None:
            return ClassInfo(ref=None, kind=known[0], orm=known[1], model=None)
        if name.startswith(PLAIN_MODULES) or name == "object":
            return PLAIN
        if self.index is None:
            return UNKNOWN
        target = self.index.resolve(path, qualname)
        if target is not None:
            return self._of_name(target[0], target[1], "", depth)
        head, _, attribute = qualname.rpartition(".")
        if head and not head.endswith("."):  # `db.Model` where `db` is imported from another module
            target = self.index.resolve(path, head)
            if target is not None:
                return self._of_name(target[0], target[1], "." + attribute, depth)
        return UNKNOWN

    def _of_name(self, path: str, name: str, attribute: str, depth: int) -> ClassInfo:
        """`name` (plus `attribute`) at module level in `path`: a class or an assignment."""
        facts = self.facts_of(path)
        if facts is None:
            return UNKNOWN
        if not attribute and name in facts.classes:
            return self.of_class(ClassRef(path, name), depth + 1)
        for assignment in facts.assignments:
            if assignment.target == name and assignment.function is None and assignment.class_name is None:
                if assignment.value.qualname is not None:
                    return self.of_symbol(path, assignment.value.qualname + attribute, depth + 1)
                return UNKNOWN
        return UNKNOWN

    def _abstract(self, ref: ClassRef) -> bool:
        """`__abstract__ = True`, or Django's `class Meta: abstract = True`."""
        own = self.class_assignment(ref, "__abstract__")
        meta = self.class_assignment(ClassRef(ref.path, ref.qualname + ".Meta"), "abstract")
        return any(a is not None and a.value.kind == "true" for a in (own, meta))

    def _plain_body(self, ref: ClassRef, facts: ModuleFacts) -> bool:
        """An unlisted class declares no column, unless it has attributes the facts could not read:
        values built by calls (`db.Column(...)` of a `db` not known here) or declared_attr methods."""
        for assignment in facts.assignments:
            if assignment.class_name == ref.qualname and assignment.value.kind == "call":
                called = canonical(assignment.value.qualname)
                if called is None or COLUMN_CALLS.match(called.rsplit(".", 1)[-1]):
                    return False
        prefix = ref.qualname + "."
        for qualname, function in facts.functions.items():
            if qualname.startswith(prefix) and function.class_name == ref.qualname:
                for decorator in function.decorators:
                    spelled = canonical(decorator.qualname) if decorator.qualname else decorator.text
                    if spelled in DECLARED_ATTR or spelled.endswith("declared_attr"):
                        return False
        return True

    # -- what a class gets from its bases -----------------------------------------------------
    def lineage(self, info: ClassInfo) -> Iterator[ClassInfo]:
        """The class, then its bases depth-first, left to right, each once (an approximation of the
        MRO that is exact for the single and mixin inheritance models use)."""
        seen: set[tuple[str, str] | int] = set()
        stack = [info]
        while stack:
            current = stack.pop(0)
            key = (current.ref.path, current.ref.qualname) if current.ref is not None else id(current)
            if key in seen:
                continue
            seen.add(key)
            yield current
            stack[0:0] = list(current.bases)

    def settled(self, info: ClassInfo) -> bool:
        """Every class in the lineage is known, with a body whose columns the facts show."""
        return all(item.kind is not None and item.body_known for item in self.lineage(info))

    def inherits_mapped(self, info: ClassInfo) -> bool | None:
        """True when a mapped model is among the ancestors; None when some ancestor is unknown."""
        ancestors = list(self.lineage(info))[1:]
        if any(item.kind == "model" for item in ancestors):
            return True
        if any(item.kind is None for item in ancestors):
            return None
        return False

    def columns(self, info: ClassInfo) -> list[tuple[ClassInfo, Column]] | None:
        """Every column the class declares or inherits (the nearest declaration of a name wins);
        None when some ancestor cannot be settled or may hold columns the facts do not show."""
        if not self.settled(info):
            return None
        found: dict[str, tuple[ClassInfo, Column]] = {}
        for item in self.lineage(info):
            for column in item.model.columns if item.model is not None else ():
                found.setdefault(column.name, (item, column))
        return list(found.values())

    def table_args_owner(self, info: ClassInfo, strict: bool = True):
        """The class whose `__table_args__` (Django: `Meta`) the class's table gets: the class itself
        or the nearest unmapped ancestor that sets them (Django: an abstract parent's Meta, when the
        class has none); None when no class sets them. An ancestor that cannot be settled makes it
        UNDECIDED, unless not `strict`: then it is taken to set none (a base that names the columns
        of its subclasses in its table arguments is rare)."""
        for item in self.lineage(info):
            if item.ref is None or (item is not info and item.kind == "model"):
                if item.kind is None and strict:
                    return UNDECIDED
                continue
            if info.model is not None and info.model.orm == "django":
                if (item is info or item.kind == "abstract") and self._has_meta(item.ref):
                    return item
            elif self.declares(item.ref, "__table_args__"):
                return item
            if item is not info and (item.kind is None or not item.body_known) and strict:
                return UNDECIDED
        return None

    def _has_meta(self, ref: ClassRef) -> bool:
        facts = self.facts_of(ref.path)
        return facts is not None and f"{ref.qualname}.Meta" in facts.classes

    def table_indexes(self, info: ClassInfo, strict: bool = True) -> tuple[tuple[TableIndex, ...], bool] | None:
        """The indexes and constraints of the class's table: its own (`__table_args__`, Meta,
        module-level `Index(...)`) and those of the ancestor whose `__table_args__` it inherits,
        with whether all of them could be read; None when that ancestor cannot be told."""
        if info.model is None:
            return None
        own, known = info.model.indexes, info.model.indexes_known
        owner = self.table_args_owner(info, strict)
        if owner is UNDECIDED:
            return None
        if owner is None or owner is info:
            return own, known
        if owner.model is not None:
            return own + owner.model.indexes, known and owner.model.indexes_known
        assignment = self.class_assignment(owner.ref, "__table_args__")
        if assignment is not None and assignment.value.kind == "dict":  # options only: no index
            return own, known
        return None

    def subclasses(self, ref: ClassRef) -> list[ClassInfo]:
        """Every model of the workspace (the checked module included) that derives from `ref`."""
        modules = [(self.path, self.facts)]
        if self.index is not None:
            modules += [(path, module.facts) for path, module in list(self.index.modules.items()) if path != self.path]
        key = (ref.path, ref.qualname)
        found = []
        for path, facts in modules:
            for model in facts.models:
                if path == ref.path and model.qualname == ref.qualname:
                    continue
                info = self.of_class(ClassRef(path, model.qualname))
                if any(item.ref is not None and (item.ref.path, item.ref.qualname) == key for item in self.lineage(info)):
                    found.append(info)
        return found
