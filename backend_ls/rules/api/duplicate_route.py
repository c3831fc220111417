"""API009: the same method and full path registered twice for one application.

Two routes are the same when they belong to the same application (the app at the top of their
chain of blueprints and routers; a router that is registered nowhere stands for itself), answer a
common method and have the same full path once parameter names are set aside (`/users/<id>` and
`/users/<user_id>` are one route; `<int:id>` and `<id>` are not, the converter decides what
matches). Django and DRF resolve a URL before looking at the method, so there any two patterns with
the same path collide. Of two registrations the *first* is the one earlier by file path, then by
position; the later one is reported, with related information pointing at the first.

A blueprint or router registered twice on the same parent under the same prefix duplicates every
route it holds: that is reported once, on the second registration call, not on each route.
"""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass
from pathlib import Path
import weakref
from typing import Iterable
from weakref import WeakKeyDictionary

from backend_ls.facts.model import ModuleFacts, PathPart, Route
from backend_ls.facts.router_graph import MAX_DEPTH, OWN_ORIGINS, RouterGraph
from backend_ls.positions import Span
from backend_ls.rules.base import Related, Rule

Key = tuple[str, str]
DJANGO = ("django", "drf")
ANGLE = re.compile(r"(?<!\?P)<(?:(?P<converter>[A-Za-z_]\w*(?:\([^)>]*\))?):)?[A-Za-z_]\w*>")
CURLY = re.compile(r"\{[A-Za-z_]\w*(?::(?P<converter>\w+))?\}")
REGEX_GROUP = re.compile(r"\(\?P<[A-Za-z_]\w*>")
DEFAULT_CONVERTER = {"flask": "string", "django": "str", "drf": "str"}  # FastAPI / Starlette: "str"
CONVERTER_ALIASES = {"default": "string"}  # werkzeug's two names for one converter


def normalized(path: str, framework: str) -> str:
    """The path with parameter names dropped and converters spelled out: what the router matches."""
    default = DEFAULT_CONVERTER.get(framework, "str")

    def angle(match: re.Match) -> str:
        converter = match.group("converter") or default
        return f"<{CONVERTER_ALIASES.get(converter, converter)}>"

    path = ANGLE.sub(angle, path)
    path = CURLY.sub(lambda match: "{" + (match.group("converter") or "str") + "}", path)
    return REGEX_GROUP.sub("(?P<>", path)


@dataclass(frozen=True)
class Entry:
    """One route as API009 compares them."""

    app: tuple  # the application it belongs to
    methods: tuple[str, ...]  # ("*",) for Django: any two patterns of one path collide
    path: str  # normalized
    registration: tuple  # routes made by one decorator or one URL pattern share it
    module: str
    route: Route

    @property
    def location(self) -> tuple:
        return (self.module, self.route.anchor.start, self.route.anchor.end)


class DuplicateRoute(Rule):
    code = "API009"

    def inputs(self, context):
        return (context.route_inputs(), context.facts.registrations)

    def check(self, context):
        here = _resolved(context.path)
        yield from self.double_registrations(context)
        table, own = _table(context, here)
        reported: dict[Span, tuple[Entry, Entry]] = {}
        for entry in own:
            for method in entry.methods:
                by_registration: dict[tuple, list[Entry]] = {}
                for other in table.group((entry.app, method, entry.path)):
                    by_registration.setdefault(other.registration, []).append(other)
                if len(by_registration) < 2:
                    continue
                # A registration is where its earliest route is; the earliest registration is the first.
                heads = {key: min(entries, key=lambda e: e.location) for key, entries in by_registration.items()}
                first = min(heads.values(), key=lambda e: e.location)
                mine = heads[entry.registration]
                if mine is not first:
                    reported.setdefault(mine.route.anchor, (mine, first))
        for later, first in reported.values():
            yield self.finding(
                later.route.anchor,
                _message(later, first),
                related=(Related(context.path if first.module == here else first.module, first.route.anchor, f"the first registration of `{_shown(first)}`"),),
            )

    def double_registrations(self, context):
        """The same blueprint or router registered twice on one parent, under the same prefix, in one scope."""
        functions = _call_functions(context.facts)
        seen: dict[tuple, Span] = {}
        for registration in sorted(context.facts.registrations, key=lambda r: r.span):
            prefix = registration.prefix
            if prefix is not None and prefix.text is None:
                continue  # built at run time: cannot tell
            scope = functions.get(registration.span)
            key = (registration.framework, scope, registration.parent, registration.child, prefix.text if prefix else None)
            first = seen.setdefault(key, registration.span)
            if first != registration.span:
                where = f"under the prefix `{prefix.text}`" if prefix is not None else "with the same prefix"
                yield self.finding(
                    registration.span,
                    f"`{registration.child}` is registered on `{registration.parent}` a second time {where}, so every "
                    "route it holds is registered twice; remove this registration or give it another prefix.",
                    related=(Related(context.path, first, f"the first registration of `{registration.child}`"),),
                )


def _message(later: Entry, first: Entry) -> str:
    where = f"{Path(first.module).name}, line {first.route.anchor.start[0]}"
    handler = first.route.view_class or first.route.handler.rsplit(".", 1)[-1] or "another handler"
    if later.route.framework in DJANGO:
        return (
            f"The path `{later.route.path}` is routed already to `{handler}` ({where}), and Django answers with the "
            "first pattern that matches, so one of the two views never runs; remove one or change its path."
        )
    return (
        f"`{_shown(later, first)}` is registered already for `{handler}` ({where}), so one of the two handlers never "
        "runs; remove one or give it another path or method."
    )


def _shown(entry: Entry, other: Entry | None = None) -> str:
    methods = [m for m in entry.methods if other is None or m in other.methods or "*" in other.methods]
    if "*" in methods or not methods:
        return entry.route.path or ""
    return f"{'|'.join(methods)} {entry.route.path}"


def _resolved(path: str) -> str:
    return str(Path(path).resolve())


def _call_functions(facts: ModuleFacts) -> dict[Span, str]:
    """The enclosing function ("" at module level) of each call, by its span."""
    return {call.span: call.function or "" for call in facts.calls}


# --- the routes of the workspace -------------------------------------------------------------------


class _Table:
    """Entries by (application, method, normalized path), kept per module so that one module's new
    entries replace its old ones without touching the rest."""

    def __init__(self):
        self.by_key: dict[tuple, dict[str, list[Entry]]] = {}
        self.of_module: dict[str, list[Entry]] = {}

    def replace(self, module: str, entries: list[Entry]) -> None:
        for entry in self.of_module.pop(module, ()):
            for method in entry.methods:
                key = (entry.app, method, entry.path)
                group = self.by_key.get(key)
                if group is not None and group.pop(module, None) is not None and not group:
                    del self.by_key[key]
        self.of_module[module] = entries
        for entry in entries:
            for method in entry.methods:
                self.by_key.setdefault((entry.app, method, entry.path), {}).setdefault(module, []).append(entry)

    def group(self, key: tuple) -> list[Entry]:
        return [entry for entries in self.by_key.get(key, {}).values() for entry in entries]


def _table(context, here: str) -> tuple[_Table, list[Entry]]:
    """The table of the workspace (of this module alone without an index), and this module's entries."""
    index = context.index
    if index is None:
        graph = RouterGraph()
        graph.add_module(here, context.facts)
        table = _Table()
        table.replace(here, _module_entries(graph, here, context.facts))
        return table, table.of_module[here]
    return _WorkspaceTable.of(index).refresh(index, here, context.facts)


class _WorkspaceTable:
    """The table of an index, brought up to date on each check: only modules whose facts (or the
    router graph, or the Django URL table) changed since the last check are recomputed."""

    _by_index: "WeakKeyDictionary[object, _WorkspaceTable]" = WeakKeyDictionary()
    _lock = threading.Lock()

    def __init__(self):
        # No reference to the index: it is this object's weak key.
        self.table = _Table()
        # module -> (facts, graph, URL table) its entries were made from; weakly, since the graph
        # refers to the index.
        self.seen: dict[str, tuple[object, object, object]] = {}
        # (the index's count of changes, graph, URL table, module checked) at the last check.
        self.last: tuple | None = None

    @classmethod
    def of(cls, index) -> "_WorkspaceTable":
        with cls._lock:
            found = cls._by_index.get(index)
            if found is None:
                found = cls._by_index[index] = cls()
            return found

    def refresh(self, index, here: str, facts: ModuleFacts) -> tuple[_Table, list[Entry]]:
        from backend_ls.django_routes import url_table

        # The index's lock gives a consistent view of the modules (and guards this table) while the
        # server updates them from other threads.
        with index._lock:
            graph = index.graph()
            urls = url_table(index)
            last, changes = self.last, getattr(index, "changes", None)
            if last is not None and changes is not None and last[0] == changes and last[1]() is graph and last[2]() is urls:
                # No module changed since the last check: only the module checked then (its facts
                # were taken in place of the index's) and the one checked now can differ. Going
                # over every module on every check made a workspace's checks quadratic.
                paths = [path for path in dict.fromkeys((last[3], here)) if path is not None]
            else:
                paths = None
            self._bring_up_to_date(index, here, facts, graph, urls, paths)
            self.last = (changes, weakref.ref(graph), weakref.ref(urls), here)
            return self.table, list(self.table.of_module.get(here, ()))

    def _bring_up_to_date(self, index, here: str, facts: ModuleFacts, graph, urls, paths: list[str] | None) -> None:
        """Recompute the entries of the modules (of `paths` only, when given) whose facts, graph or
        URL table are not those they were made from; `here` with `facts` instead of the index's."""
        one_project = len(urls.roots) <= 1  # several Django projects: their routes cannot be told apart
        if paths is None:
            modules = {path: module.facts for path, module in index.modules.items()}
            modules[here] = facts
            for path in [path for path in self.seen if path not in modules]:
                del self.seen[path]
                self.table.replace(path, [])
        else:
            modules = {}
            for path in paths:
                module = index.modules.get(path)
                if path == here:
                    modules[path] = facts
                elif module is not None:
                    modules[path] = module.facts
                elif path in self.seen:
                    del self.seen[path]
                    self.table.replace(path, [])
        for path, module_facts in modules.items():
            state = self.seen.get(path)
            if state is not None and state[0]() is module_facts and state[1]() is graph and state[2]() is urls:
                continue
            entries = _module_entries(graph, path, module_facts)
            if one_project:
                entries += _django_entries(index, path, module_facts)
            self.table.replace(path, entries)
            self.seen[path] = (weakref.ref(module_facts), weakref.ref(graph), weakref.ref(urls))


def _module_entries(graph: RouterGraph, module: str, facts: ModuleFacts) -> list[Entry]:
    """Flask, FastAPI and Starlette routes registered in this module (decorators and calls), one
    per chain of prefixes above them."""
    functions = _call_functions(facts)
    local_names = {(call.function, call.assigned_to) for call in facts.calls if call.function and call.assigned_to}
    entries = []
    for route in facts.routes:
        if route.methods is None:
            continue
        own = tuple(part for part in route.parts if part.origin in OWN_ORIGINS)
        scope = functions.get(route.anchor) if route.anchor in functions else _enclosing_function(route.handler, facts)
        binding = _binding(scope, route.owner.split(".", 1)[0], local_names)
        if binding:  # an app or router made inside a function: that function's own
            chains: Iterable = [((module, f"{binding}.{route.owner}"), ())]
        else:
            chains = _rooted_chains(graph, graph.key(module, route.owner, route.owner_symbol))
        for root, chain in chains:
            if root is None:
                continue  # registered on something outside the workspace
            parts = tuple(part if part.module != module else dataclasses.replace(part, module=None) for part in chain)
            composed = dataclasses.replace(route, parts=(*parts, *own))
            if composed.path is None:
                continue
            entries.append(
                Entry(("app", root), route.methods, normalized(composed.path, route.framework), (module, route.anchor), module, composed)
            )
    return entries


def _django_entries(index, module: str, facts: ModuleFacts) -> list[Entry]:
    from backend_ls.django_routes import django_routes

    entries = []
    for route in django_routes(index, module, facts):
        if route.path is None:
            continue
        # The routes one URL pattern makes (a class view's methods, a viewset's actions) share its parts.
        pattern = (module, *((part.module, part.span, part.text) for part in route.parts))
        entries.append(Entry(("django",), ("*",), normalized(route.path, route.framework), pattern, module, route))
    return entries


def _binding(scope: str, name: str, local_names: set) -> str:
    """The innermost function, from `scope` outwards, that assigns `name` itself; "" for none."""
    pieces = scope.split(".") if scope else []
    while pieces:
        function = ".".join(pieces)
        if (function, name) in local_names:
            return function
        pieces.pop()
    return ""


def _enclosing_function(handler: str, facts: ModuleFacts) -> str:
    pieces = handler.split(".")[:-1]
    while pieces:
        name = ".".join(pieces)
        if name in facts.functions:
            return name
        pieces.pop()
    return ""


def _rooted_chains(graph: RouterGraph, key: Key | None, depth: int = 0) -> list[tuple[Key | None, tuple[PathPart, ...]]]:
    """The chains of prefixes above a router (as `RouterGraph.prefix_chains`), each with the node at
    its top: an app, a router registered nowhere, or a name no module defines as a router."""
    definition = graph.definitions.get(key) if key is not None else None
    if definition is None or definition.is_app or depth > MAX_DEPTH:
        return [(key, ())]
    own = (dataclasses.replace(definition.prefix, module=key[0] or None),) if definition.prefix is not None else ()
    chains = []
    for parent, registration, module in graph.registrations.get(key, ()):
        prefix = dataclasses.replace(registration.prefix, module=module or None) if registration.prefix is not None else None
        if prefix is None:
            middle = own
        elif registration.replaces_prefix:
            middle = (prefix,)
        else:
            middle = (prefix, *own)
        for root, above in _rooted_chains(graph, parent, depth + 1):
            chains.append((root, (*above, *middle)))
    return chains or [(key, own)]

