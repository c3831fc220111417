"""Django and DRF routes across the workspace: from the root URLconf through every `include`,
`router.urls` and list of patterns, to the views they reach, with their full paths and methods.

Two steps. The URL table (which view each composed path reaches) depends only on what URL modules
export, so it is built once per state of the index's router graph. The routes of one module are
then made from that module's current facts: its view functions and classes, whose bases may sit in
other modules. A route belongs to the module of its handler, like a Flask route to its function.

Paths are written as Django matches them: the pieces concatenated, a `re_path` regex with its ^ and
$ anchors stripped, a DRF router's lookup as `<pk>` (or the viewset's lookup_url_kwarg /
lookup_field). Routes whose view lives outside the workspace (the admin, django.contrib views),
DefaultRouter's API root view and its `.json`-style format suffix variants are left out.
"""

from __future__ import annotations

import dataclasses
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable
from weakref import WeakKeyDictionary

from backend_ls.facts import django as dj
from backend_ls.facts import drf
from backend_ls.facts.model import Function, ModuleFacts, PathPart, Route, Value
from backend_ls.positions import Span

if TYPE_CHECKING:
    from backend_ls.index import WorkspaceIndex

Key = tuple[str, str]  # (module path, name in it)
MAX_DEPTH = 16
ROOT_LIST = "urlpatterns"


@dataclass(frozen=True)
class Endpoint:
    """A composed path that reaches a view of `module` (or a viewset registered on a router)."""

    module: str
    name: str
    parts: tuple[PathPart, ...]  # the pieces above the view's own route included
    source: str  # the module the pattern (or registration) is written in
    path_value: Value | None
    view: dj.ViewRef | None = None
    router: drf.DrfRouter | None = None


@dataclass
class UrlTable:
    endpoints: dict[str, list[Endpoint]] = field(default_factory=dict)
    roots: list[str] = field(default_factory=list)


_TABLES: "WeakKeyDictionary[object, UrlTable]" = WeakKeyDictionary()
_TABLES_LOCK = threading.Lock()


def django_exported(facts: ModuleFacts) -> tuple:
    """What other modules' Django routes depend on in a module (for change detection)."""
    django = getattr(facts, "django", None)
    return django.url_part if django is not None else ()


def url_table(index: "WorkspaceIndex") -> UrlTable:
    """The URL table of the index's current state (rebuilt when the router graph is)."""
    graph = index.graph()
    with _TABLES_LOCK:
        table = _TABLES.get(graph)
    if table is None:
        table = _TableBuilder(index).build()
        with _TABLES_LOCK:
            _TABLES[graph] = table
    return table


def django_routes(index: "WorkspaceIndex", path: str, facts: ModuleFacts) -> list[Route]:
    """The Django / DRF routes whose handlers are in the module at `path` (its facts as given)."""
    endpoints = url_table(index).endpoints.get(path)
    if not endpoints:
        return []

    def facts_of(module: str) -> ModuleFacts | None:
        if module == path:
            return facts
        indexed = index.modules.get(module)
        return indexed.facts if indexed is not None else None

    builder = _RouteBuilder(index, path, facts_of)
    routes: list[Route] = []
    seen = set()
    for endpoint in endpoints:
        for route in builder.routes(endpoint):
            key = (route.path, route.handler, route.methods, route.anchor)
            if key not in seen:
                seen.add(key)
                routes.append(route)
    return routes


def rest_framework_settings(index: "WorkspaceIndex") -> list[tuple[str, dict[str, Value]]]:
    """Every module assigning `REST_FRAMEWORK`, with its entries (the defaults DRF views fall
    back on: DEFAULT_PERMISSION_CLASSES, DEFAULT_THROTTLE_CLASSES, DEFAULT_THROTTLE_RATES,
    DEFAULT_PAGINATION_CLASS, ...)."""
    found = []
    with index._lock:
        for path, module in sorted(index.modules.items()):
            defaults = drf.rest_framework_defaults(module.facts)
            if defaults is not None:
                found.append((path, defaults))
    return found


# --- the URL table ---------------------------------------------------------------------------------


class _TableBuilder:
    def __init__(self, index: "WorkspaceIndex"):
        self.index = index
        self.registrations: dict[Key, list[tuple[str, drf.RouterRegistration]]] = {}
        for path, module in sorted(index.modules.items()):
            django = getattr(module.facts, "django", None)
            for registration in django.registrations if django is not None else ():
                router = self.router_key(path, registration.router)
                if router is not None:
                    self.registrations.setdefault(router, []).append((path, registration))

    def build(self) -> UrlTable:
        table = UrlTable()
        roots = self.configured_roots()
        if roots:
            for root in roots:
                self.expand_module(root, table, set())
        else:  # no settings: every URLconf that no other one includes
            candidates = [path for path in sorted(self.index.modules) if self.patterns((path, ROOT_LIST)) is not None]
            reached_by_others: set[str] = set()
            results = {}
            for candidate in candidates:
                partial = UrlTable()
                reached = self.expand_module(candidate, partial, set())
                reached_by_others |= reached - {candidate}
                results[candidate] = partial
            roots = [c for c in candidates if c not in reached_by_others]
            for root in roots:
                for module, endpoints in results[root].endpoints.items():
                    table.endpoints.setdefault(module, []).extend(endpoints)
        table.roots = roots
        return table

    def configured_roots(self) -> list[str]:
        roots = []
        for path, module in sorted(self.index.modules.items()):
            django = getattr(module.facts, "django", None)
            value = django.root_urlconf if django is not None else None
            if value is not None and isinstance(value.literal, str):
                root = self.index.by_name.get(value.literal)
                if root is not None and root not in roots:
                    roots.append(root)
        return roots

    def expand_module(self, root: str, table: UrlTable, reached: set[str]) -> set[str]:
        entries = self.patterns((root, ROOT_LIST))
        if entries is not None:
            reached.add(root)
            self.expand(root, entries, (), table, frozenset({(root, ROOT_LIST)}), reached)
        return reached

    # -- lookups ----------------------------------------------------------------------------------
    def django_of(self, path: str) -> dj.DjangoFacts | None:
        module = self.index.modules.get(path)
        return getattr(module.facts, "django", None) if module is not None else None

    def patterns(self, key: Key) -> tuple | None:
        django = self.django_of(key[0])
        return django.patterns(key[1]) if django is not None else None

    def router(self, key: Key) -> drf.DrfRouter | None:
        django = self.django_of(key[0])
        for router in django.routers if django is not None else ():
            if router.name == key[1]:
                return router
        return None

    def module_named(self, path: str, symbol: str) -> str | None:
        module = self.index.modules.get(path)
        if module is None:
            return None
        return self.index.by_name.get(self.index.absolute(module, symbol))

    def name_key(self, path: str, ref: dj.Ref) -> Key | None:
        """The (module, name) a reference to a module-level name stands for."""
        if ref.symbol is not None:
            return self.index.resolve(path, ref.symbol)
        return (path, ref.dotted) if "." not in ref.dotted else None

    def router_key(self, path: str, ref: dj.Ref) -> Key | None:
        key = self.name_key(path, ref)
        return key if key is not None and self.router(key) is not None else None

    def target(self, path: str, ref: dj.Ref) -> tuple[str, Key] | None:
        """What an include or a splice names: a URLconf module, a list of patterns, a router."""
        if ref.symbol is not None:
            module = self.module_named(path, ref.symbol)
            if module is not None:
                return ("list", (module, ROOT_LIST))
        key = self.name_key(path, ref)
        if key is not None and self.patterns(key) is not None:
            return ("list", key)
        if ref.dotted.endswith(".urls"):
            owner = dj.Ref(ref.dotted[: -len(".urls")], ref.symbol[: -len(".urls")] if ref.symbol else None)
            router = self.router_key(path, owner)
            if router is not None:
                return ("router", router)
        return None

    # -- expansion --------------------------------------------------------------------------------
    def expand(self, path, entries, parts, table: UrlTable, stack: frozenset, reached: set[str]) -> None:
        if len(stack) > MAX_DEPTH:
            return
        for entry in entries:
            if isinstance(entry, dj.Splice):
                self.follow(self.target(path, entry.ref), parts, table, stack, reached)
                continue
            here = (*parts, dataclasses.replace(entry.route, module=path))
            include = entry.include
            if include is not None:
                if include.module is not None:
                    module = self.index.by_name.get(include.module)
                    target = ("list", (module, ROOT_LIST)) if module is not None else None
                    self.follow(target, here, table, stack, reached)
                elif include.ref is not None:
                    self.follow(self.target(path, include.ref), here, table, stack, reached)
                else:
                    self.expand(path, include.patterns, here, table, stack, reached)
            elif entry.view is not None:
                key = self.name_key(path, entry.view.ref)
                if key is not None:
                    endpoint = Endpoint(key[0], key[1], here, path, entry.route_value, view=entry.view)
                    table.endpoints.setdefault(key[0], []).append(endpoint)

    def follow(self, target, parts, table: UrlTable, stack: frozenset, reached: set[str]) -> None:
        if target is None:
            return
        kind, key = target
        if kind == "list":
            entries = self.patterns(key)
            if entries is None or key in stack:
                return
            reached.add(key[0])
            self.expand(key[0], entries, parts, table, stack | {key}, reached)
            return
        router = self.router(key)
        for source, registration in self.registrations.get(key, ()):
            viewset = self.name_key(source, registration.viewset)
            if viewset is None or router is None:
                continue
            prefix = registration.prefix
            text = prefix.literal if prefix.kind == "str" and isinstance(prefix.literal, str) else None
            here = (*parts, PathPart(text, prefix.span, "register", module=source))
            endpoint = Endpoint(viewset[0], viewset[1], here, source, prefix, router=router)
            table.endpoints.setdefault(viewset[0], []).append(endpoint)


# --- classes and their bases ----------------------------------------------------------------------


@dataclass(frozen=True)
class Ancestor:
    """A class in a view's method resolution order: one of the workspace, or a framework class."""

    name: str  # qualname in its module, or the framework class's import path
    path: str | None = None  # the workspace module; None for a framework (or unknown) class
    facts: ModuleFacts | None = None
    django: tuple[str, ...] | None = None  # a known Django view: the methods it defines
    drf: drf.KnownView | None = None  # a known DRF class
    unknown: bool = False  # a class outside the workspace we know nothing about

    @property
    def key(self) -> tuple:
        return (self.path, self.name)

    def defines(self, name: str) -> Function | None:
        if self.facts is None:
            return None
        function = self.facts.functions.get(f"{self.name}.{name}")
        return function if function is not None and function.class_name == self.name else None

    @property
    def is_drf(self) -> bool:
        return self.drf is not None or (self.unknown and self.name.startswith("rest_framework."))


class _RouteBuilder:
    def __init__(self, index: "WorkspaceIndex", path: str, facts_of: Callable[[str], ModuleFacts | None]):
        self.index = index
        self.path = path
        self.facts_of = facts_of

    # -- class hierarchy ----------------------------------------------------------------------
    def base(self, path: str, facts: ModuleFacts, value: Value) -> Ancestor:
        qualname = value.qualname
        if qualname is None:
            if value.kind == "name" and value.text in facts.classes:
                return Ancestor(value.text, path, facts)
            return Ancestor(value.text, unknown=True)
        if "(" in qualname or "[" in qualname:
            return Ancestor(qualname, unknown=True)
        name = drf.known_view_name(dj.known_view_name(qualname))
        if name in drf.KNOWN_VIEWS:
            return Ancestor(name, drf=drf.KNOWN_VIEWS[name])
        if name in dj.KNOWN_VIEWS:
            return Ancestor(name, django=dj.KNOWN_VIEWS[name])
        key = self.index.resolve(path, qualname)
        if key is not None:
            other = self.facts_of(key[0])
            if other is not None and key[1] in other.classes:
                return Ancestor(key[1], key[0], other)
        return Ancestor(qualname, unknown=True)

    def mro(self, ancestor: Ancestor, depth: int = 0) -> list[Ancestor]:
        """C3 linearisation over the classes we can see; framework classes are leaves."""
        if ancestor.facts is None or depth > MAX_DEPTH:
            return [ancestor]
        definition = ancestor.facts.classes.get(ancestor.name)
        if definition is None:
            return [ancestor]
        bases = [
            self.base(ancestor.path, ancestor.facts, value)  # type: ignore[arg-type]
            for value in definition.bases
            if not (value.qualname is None and value.text == "object")
        ]
        sequences = [self.mro(base, depth + 1) for base in bases] + [bases]
        merged = _c3_merge([list(s) for s in sequences])
        if merged is None:  # an inconsistent hierarchy: Python refuses it; keep a usable order
            merged = list({a.key: a for s in sequences for a in s}.values())
        return [ancestor, *merged]

    def locate(self, lineage: list[Ancestor], name: str) -> tuple[Ancestor, Function | None] | None:
        """The first class in the MRO that has `name` (a workspace def, or a known framework one)."""
        for ancestor in lineage:
            function = ancestor.defines(name)
            if function is not None:
                return ancestor, function
            if ancestor.django is not None and name in ancestor.django:
                return ancestor, None
            if ancestor.drf is not None and (
                name in ancestor.drf.actions or any(verb == name for verb, _ in ancestor.drf.methods)
            ):
                return ancestor, None
        return None

    def options(self, lineage: list[Ancestor]) -> dict[str, drf.ViewOption]:
        found: dict[str, drf.ViewOption] = {}
        for ancestor in reversed(lineage):  # nearer classes override
            if ancestor.facts is not None:
                found.update(drf.class_options(ancestor.facts, ancestor.name))
        return found

    def attribute(self, lineage: list[Ancestor], name: str) -> tuple[bool, Value | None]:
        """(found, value) of a class attribute set in the workspace part of the MRO."""
        for ancestor in lineage:
            if ancestor.facts is not None:
                value = drf.class_attribute(ancestor.facts, ancestor.name, name)
                if value is not None:
                    return True, value
        return False, None

    # -- routes -------------------------------------------------------------------------------
    def routes(self, endpoint: Endpoint) -> list[Route]:
        facts = self.facts_of(endpoint.module)
        if facts is None:
            return []
        if endpoint.router is not None:
            return self.viewset_routes(endpoint, facts)
        view = endpoint.view
        assert view is not None
        function = facts.functions.get(endpoint.name)
        if function is not None and not view.as_view and function.class_name is None and "." not in endpoint.name:
            return self.function_routes(endpoint, facts, function)
        if view.as_view and endpoint.name in facts.classes:
            return self.class_routes(endpoint, facts)
        return []

    def route(self, endpoint, framework, methods, explicit, parts, handler, anchor, **extra) -> Route:
        # A part's `module` names the file its string is in when that is not the handler's.
        parts = tuple(dataclasses.replace(part, module=None) if part.module == self.path else part for part in parts)
        return Route(
            framework=framework,
            methods=methods,
            methods_explicit=explicit,
            parts=parts,
            handler=handler,
            anchor=anchor,
            path_value=endpoint.path_value if endpoint.source == self.path else None,
            methods_value=None,
            verb_span=None,
            decorator_close_paren=None,
            owner="",
            **extra,
        )

    def function_routes(self, endpoint: Endpoint, facts: ModuleFacts, function: Function) -> list[Route]:
        wrapper = endpoint.view.methods if endpoint.view is not None else None
        api_view = drf.api_view_methods(facts, function)
        if api_view is not None:
            framework, (methods, explicit) = "drf", api_view
            options = drf.function_options(facts, function)
        else:
            framework, options = "django", ()
            allowed = dj.function_view_methods(facts, function)
            methods, explicit = (allowed, True) if allowed is not None else (("ANY",), False)
        if wrapper is not None:
            methods = wrapper if methods == ("ANY",) else tuple(m for m in methods if m in wrapper)
            explicit = True
        if not methods:
            return []
        return [
            self.route(
                endpoint, framework, methods, explicit, endpoint.parts, function.qualname, function.def_span,
                view_options=options,
            )
        ]

    def handler(self, class_name: str, class_facts: ModuleFacts, found, name: str) -> tuple[str, Span]:
        """The handler to name and where to anchor it: the def when it is in this module, else the
        routed class itself (the code that runs is elsewhere: another module, or the framework)."""
        ancestor, function = found
        if function is not None and ancestor.path == self.path:
            return function.qualname, function.def_span
        return f"{class_name}.{name}", class_facts.classes[class_name].name_span

    def class_routes(self, endpoint: Endpoint, facts: ModuleFacts) -> list[Route]:
        view = endpoint.view
        assert view is not None
        root = Ancestor(endpoint.name, endpoint.module, facts)
        lineage = self.mro(root)
        if not any(a.facts is None for a in lineage):
            return []  # no framework class anywhere above it: not a view
        framework = "drf" if any(a.is_drf for a in lineage) else "django"
        options = tuple(self.options(lineage).values()) if framework == "drf" else ()
        if view.actions is not None:  # a viewset given its method -> action mapping in place
            if not any(a.unknown or (a.drf is not None and a.drf.viewset) for a in lineage):
                return []  # only viewsets take a mapping
            mapping = [(method, action) for method, action in view.actions]
        else:
            if any(a.drf is not None and a.drf.viewset for a in lineage):
                return []  # DRF refuses a viewset's `as_view()` without actions
            mapping = [(method, method) for method in dj.HTTP_METHODS]
        allowed = self.allowed_methods(lineage, view)
        routes = []
        for method, name in mapping:
            if allowed is not None and method.upper() not in allowed:
                continue
            found = self.locate(lineage, name)
            if found is None:
                continue
            found = self.delegate(lineage, found, method)
            handler, anchor = self.handler(endpoint.name, facts, found, found[1].name if found[1] else name)
            routes.append(
                self.route(
                    endpoint, framework, (method.upper(),), True, endpoint.parts, handler, anchor,
                    view_class=endpoint.name, action=name if view.actions is not None else None,
                    view_options=options,
                )
            )
        return routes

    def delegate(self, lineage, found, method: str):
        """A DRF generic view's `get` runs `list` / `retrieve` ...: a workspace override of that
        action is the code that answers."""
        ancestor, function = found
        if function is None and ancestor.drf is not None:
            action = dict(ancestor.drf.methods).get(method)
            if action is not None:
                inner = self.locate(lineage, action)
                if inner is not None and inner[1] is not None:
                    return inner
        return found

    def allowed_methods(self, lineage, view: dj.ViewRef) -> set[str] | None:
        allowed: set[str] | None = None
        found, value = self.attribute(lineage, "http_method_names")
        if found and value is not None and isinstance(value.literal, (list, tuple)):
            allowed = {str(m).upper() for m in value.literal}
        if view.methods is not None:
            allowed = set(view.methods) if allowed is None else allowed & set(view.methods)
        return allowed

    def viewset_routes(self, endpoint: Endpoint, facts: ModuleFacts) -> list[Route]:
        router = endpoint.router
        assert router is not None
        if endpoint.name not in facts.classes:
            return []
        lineage = self.mro(Ancestor(endpoint.name, endpoint.module, facts))
        if not any(a.unknown or (a.drf is not None and a.drf.viewset) for a in lineage):
            return []  # not a viewset: the router would refuse it
        options = self.options(lineage)
        lookup = self.lookup(lineage)
        slash = router.trailing_slash
        prefix = endpoint.parts[-1].text
        extras = self.extra_actions(lineage)

        def suffix(*pieces: str | None) -> PathPart:
            if slash is None or any(piece is None for piece in pieces):
                return PathPart(None, None, "router")
            text = "".join(f"/{piece}" for piece in pieces) + slash  # type: ignore[misc]
            if prefix == "":  # DRF drops the slash a missing prefix would leave in front
                text = text[1:]
            return PathPart(text, None, "router")

        routes: list[Route] = []

        def add(part: PathPart, mapping, action_of, extra_options=()):
            by_handler: dict[str, list] = {}
            for method, name in mapping:
                found = self.locate(lineage, name)
                if found is None:
                    continue
                handler, anchor = self.handler(endpoint.name, facts, found, name)
                entry = by_handler.setdefault(handler, [anchor, [], action_of(name)])
                entry[1].append(method.upper())
            merged = {**options, **{o.name: o for o in extra_options}}
            for handler, (anchor, methods, action) in by_handler.items():
                routes.append(
                    self.route(
                        endpoint, "drf", tuple(methods), True, (*endpoint.parts, part), handler, anchor,
                        view_class=endpoint.name, action=action, view_options=tuple(merged.values()),
                    )
                )

        add(suffix(), drf.LIST_ROUTE, lambda name: name)
        for extra in extras:
            if not extra.detail:
                add(suffix(extra.url_path), extra.mapping, lambda name, e=extra: e.name, extra.options)
        add(suffix(lookup), drf.DETAIL_ROUTE, lambda name: name)
        for extra in extras:
            if extra.detail:
                add(suffix(lookup, extra.url_path), extra.mapping, lambda name, e=extra: e.name, extra.options)
        return routes

    def lookup(self, lineage) -> str | None:
        """`<lookup_url_kwarg>`, else `<lookup_field>`, else `<pk>`; None when set but not literal."""
        for name in ("lookup_url_kwarg", "lookup_field"):
            found, value = self.attribute(lineage, name)
            if not found:
                continue
            if value is not None and value.kind == "none":
                continue  # `lookup_url_kwarg = None` falls back to lookup_field
            if value is None or not isinstance(value.literal, str):
                return None
            return f"<{value.literal}>"
        return "<pk>"

    def extra_actions(self, lineage) -> list[drf.ExtraAction]:
        """`@action`s of the class and its workspace bases; a subclass's one of a name wins."""
        found: dict[str, drf.ExtraAction] = {}
        for ancestor in lineage:
            if ancestor.facts is None:
                continue
            for action in drf.extra_actions(ancestor.facts, ancestor.name) or ():
                found.setdefault(action.name, action)
        return sorted(found.values(), key=lambda action: action.name)  # DRF lists them by name


def _c3_merge(sequences: list[list[Ancestor]]) -> list[Ancestor] | None:
    result: list[Ancestor] = []
    sequences = [s for s in sequences if s]
    while sequences:
        for sequence in sequences:
            head = sequence[0]
            if not any(head.key in [a.key for a in other[1:]] for other in sequences):
                break
        else:
            return None
        result.append(head)
        sequences = [[a for a in s if a.key != head.key] for s in sequences]
        sequences = [s for s in sequences if s]
    return result
