"""Queries across modules: the model a query reads, the relationships of a model (those other
models declare towards it included), and the queries a function returns.

A query names its model as written in its own module (`Order`, `models.Order`, an alias); the
model is found through the workspace index from that module's imports, or among the module's own
classes. Without an index, only models of the checked module are known, and whatever cannot be
settled is None: checks stay silent on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from backend_ls.facts.model import Model, ModuleFacts, Relationship
from backend_ls.facts.queries import Query
from backend_ls.model_resolution import ClassRef, ModelResolver, real_path

if TYPE_CHECKING:
    from backend_ls.index import WorkspaceIndex


@dataclass(frozen=True)
class Relation:
    """A relationship attribute as a model's instances have it."""

    name: str
    relationship: Relationship  # as declared (for a reverse one: the declaration on the other side)
    path: str  # the module that declares it
    owner: Model  # the model whose class body declares it
    reverse: bool  # made by the other side: a backref, a Django reverse accessor
    lazy: str | None  # the loading strategy of this side
    kind: str | None  # "many-to-one", "one-to-many", "one-to-one", "many-to-many" (this side)


class QueryResolver:
    """Answers for one checked module (its current facts) over the workspace index, if any."""

    def __init__(self, facts: ModuleFacts, index: "WorkspaceIndex | None" = None):
        self.facts = facts
        self.index = index
        self.models = ModelResolver(facts, index)
        self.path = self.models.path
        self._relations: dict[tuple[str, str], dict[str, Relation]] = {}

    def facts_of(self, path: str) -> ModuleFacts | None:
        return self.models.facts_of(path)

    def modules(self) -> list[tuple[str, ModuleFacts]]:
        """Every module: the checked one (with its current facts) first."""
        found = [(self.path, self.facts)]
        if self.index is not None:
            with self.index._lock:  # the index is updated from other threads
                modules = list(self.index.modules.items())
            found += [(path, module.facts) for path, module in sorted(modules) if path != self.path]
        return found

    # -- models ---------------------------------------------------------------------------------
    def model(self, path: str, text: str | None, qualname: str | None) -> tuple[str, Model] | None:
        """The model a name written in module `path` refers to."""
        if text is None:
            return None
        facts = self.facts_of(path)
        if facts is None:
            return None
        # `model_at` looks models up by name in a table it builds once per module: a scan of a
        # module's models for each query cost 2 ms of DB004 on 10,000 lines.
        if qualname is None:
            if "." in text:
                return None
            found = self.models.model_at(ClassRef(path, text))
            return (path, found) if found is not None else None
        if self.index is None:
            return None
        target = self.index.resolve(path, qualname)
        if target is None:
            return None
        found = self.models.model_at(ClassRef(target[0], target[1]))
        return (target[0], found) if found is not None else None

    def model_of(self, path: str, query: Query) -> tuple[str, Model] | None:
        return self.model(path, query.model, query.model_qualname)

    def lookup_model(self, path: str, query: Query, written: str | None) -> tuple[str, Model] | None:
        """The model a lookup constrains: the class written on the column (`User` in `User.email`),
        else the queried model."""
        if written is None or written == query.model:
            return self.model_of(path, query)
        facts = self.facts_of(path)
        qualname = None
        if facts is not None:
            first, _, rest = written.partition(".")
            imported = facts.imports.get(first)
            if imported is not None:
                qualname = f"{imported}.{rest}" if rest else imported
        return self.model(path, written, qualname)

    # -- relationships ---------------------------------------------------------------------------
    def relations(self, path: str, model: Model) -> dict[str, Relation]:
        """The relationship attributes of a model's instances: its own, those of its mixins and
        abstract bases, and the reverse ones other models give it (backref, Django accessors)."""
        key = (path, model.qualname)
        if key not in self._relations:
            found: dict[str, Relation] = {}
            owners = [(path, model)]
            info = self.models.of_class(ClassRef(path, model.qualname))
            owners += [(item.ref.path, item.model) for item in list(self.models.lineage(info))[1:]
                       if item.model is not None and item.ref is not None]
            for owner_path, owner in owners:
                for relationship in owner.relationships:
                    found.setdefault(relationship.name, Relation(
                        relationship.name, relationship, owner_path, owner, False, relationship.lazy,
                        relationship.kind,
                    ))
            for relation in self._reverse(model):
                found.setdefault(relation.name, relation)
            self._relations[key] = found
        return self._relations[key]

    def _reverse(self, model: Model):
        for path, facts in self.modules():
            for other in facts.models:
                for relationship in other.relationships:
                    if _last(relationship.target) != model.name:
                        continue
                    if other.orm == "django":
                        name = _django_accessor(other, relationship)
                        if name is None:
                            continue
                        kind = {"many-to-one": "one-to-many", "one-to-one": "one-to-one"}.get(
                            relationship.kind or "", "many-to-many")
                        yield Relation(name, relationship, path, other, True, "select", kind)
                    elif relationship.backref:
                        kind = {"many-to-one": "one-to-many", "one-to-many": "many-to-one"}.get(
                            relationship.kind or "", relationship.kind)
                        yield Relation(relationship.backref, relationship, path, other, True,
                                       relationship.backref_lazy, kind)

    # -- functions ---------------------------------------------------------------------------------
    def function(self, path: str, callee_text: str, callee_qualname: str | None,
                 within: str | None = None) -> tuple[str, ModuleFacts, str] | None:
        """The function a call names: (module path, its facts, qualified name in it). `self.name`
        is looked for in the class of the calling method `within`."""
        facts = self.facts_of(path)
        if facts is None:
            return None
        if callee_text.startswith("self.") and callee_text.count(".") == 1 and within and "." in within:
            qualname = within.rsplit(".", 1)[0] + "." + callee_text[len("self."):]
            return (path, facts, qualname) if qualname in facts.functions else None
        if callee_qualname is None:
            return (path, facts, callee_text) if callee_text in facts.functions else None
        if self.index is None:
            return None
        target = self.index.resolve(path, callee_qualname)
        if target is None:
            return None
        other = self.facts_of(target[0])
        if other is None or target[1] not in other.functions:
            return None
        return target[0], other, target[1]

    def returned(self, facts: ModuleFacts, function: str) -> list[Query]:
        return [query for query in facts.queries if query.function == function and query.returned]


def built_by(query: Query, queries) -> Query:
    """For a name iterated or indexed (`for post in posts`), the expression that built what it holds
    (among `queries`, the facts of one query); else the query itself."""
    name = query.from_variable
    start, end = query.span.start, query.span.end
    if name is None or query.wrapped is not None or end != (start[0], start[1] + len(name)):
        return query
    bound = [q for q in queries if q.variable == name and q.span < query.span]
    return max(bound, key=lambda q: q.span) if bound else query


def _last(text: str | None) -> str | None:
    return text.rsplit(".", 1)[-1] if text else None


def _django_accessor(owner: Model, relationship: Relationship) -> str | None:
    """The name Django gives the reverse side of a relation: `related_name`, else `<model>_set`
    (`<model>` for a one-to-one); None when it has none (`related_name="+"`) or it is templated."""
    name = relationship.related_name
    if name is not None:
        if name.endswith("+") or "%(" in name:
            return None
        return name
    if "related_name" in relationship.keywords:
        return None  # given, but not as a literal
    if relationship.kind == "one-to-one":
        return owner.name.lower()
    return owner.name.lower() + "_set"


def resolved_path(path: str, index) -> str:
    return real_path(path) if index is not None else path
