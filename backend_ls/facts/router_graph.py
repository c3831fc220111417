"""Which prefixes sit above a router: the graph of apps, blueprints and routers and their
registrations, for one module or for the whole workspace.

A node is (module name, variable). Flask replaces a blueprint's own `url_prefix` with the one given
at `register_blueprint`; FastAPI puts `include_router`'s prefix in front of the router's own.
Along the same chains come what the routers above a route apply to it: FastAPI `dependencies=`
(of the app, each router and each `include_router`) and `before_request` hooks (of the app and
each blueprint).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from backend_ls.facts.model import ModuleFacts, PathPart, Registration, RequestHook, Route, RouterDef, Value

Key = tuple[str, str]
# (module name, symbol such as ".users.bp") -> the node it names, or None when it is not known
SymbolResolver = Callable[[str, str], "Key | None"]
MAX_DEPTH = 8
# Path parts a route carries itself (its own path, and Starlette `Mount`s written around it), as
# opposed to the prefixes of the routers above it, which the graph supplies.
OWN_ORIGINS = ("route", "mount")


@dataclass(frozen=True)
class Chain:
    """One way from the top of an application down to a router."""

    parts: tuple[PathPart, ...]  # prefixes, outermost first
    dependencies: tuple[Value, ...]  # `dependencies=` arguments along the way, outermost first
    nodes: tuple[Key, ...]  # the app, blueprints and routers passed, outermost first


class RouterGraph:
    def __init__(self, resolve: SymbolResolver | None = None):
        self.resolve: SymbolResolver = resolve or (lambda module, symbol: None)
        self.definitions: dict[Key, RouterDef] = {}
        self.registrations: dict[Key, list[tuple[Key | None, Registration, str]]] = defaultdict(list)
        self.hooks: dict[Key, list[tuple[RequestHook, str]]] = defaultdict(list)

    def add_module(self, module: str, facts: ModuleFacts) -> None:
        for definition in facts.routers:
            self.definitions[(module, definition.name)] = definition
        for registration in facts.registrations:
            child = self.key(module, registration.child, registration.child_symbol)
            parent = self.key(module, registration.parent, registration.parent_symbol)
            if child is not None:
                self.registrations[child].append((parent, registration, module))
        for hook in getattr(facts, "hooks", ()):
            owner = self.key(module, hook.owner, hook.owner_symbol)
            if owner is not None:
                self.hooks[owner].append((hook, module))

    def key(self, module: str, name: str, symbol: str | None) -> Key | None:
        if symbol is None:
            return (module, name)
        return self.resolve(module, symbol)

    def prefix_chains(self, key: Key | None, depth: int = 0) -> list[tuple[PathPart, ...]]:
        """Every chain of prefixes above the routes of a router, outermost first."""
        return [chain.parts for chain in self.chains(key, depth)]

    def chains(self, key: Key | None, depth: int = 0) -> list[Chain]:
        """Every chain above the routes of a router: its prefixes, dependencies and nodes."""
        if key is None:
            return [Chain((), (), ())]
        definition = self.definitions.get(key)
        if definition is None or definition.is_app or depth > MAX_DEPTH:
            return [Chain((), definition.dependencies if definition is not None else (), (key,))]
        own = (_located(definition.prefix, key[0]),) if definition.prefix is not None else ()
        chains = []
        for parent, registration, module in self.registrations.get(key, ()):
            prefix = _located(registration.prefix, module) if registration.prefix is not None else None
            if prefix is None:
                middle = own
            elif registration.replaces_prefix:
                middle = (prefix,)
            else:
                middle = (prefix, *own)
            for above in self.chains(parent, depth + 1):
                chains.append(
                    Chain(
                        (*above.parts, *middle),
                        (*above.dependencies, *registration.dependencies, *definition.dependencies),
                        (*above.nodes, key),
                    )
                )
        return chains or [Chain(own, definition.dependencies, (key,))]

    def compose(self, module: str, routes) -> list[Route]:
        """The routes with their full paths: one per chain of prefixes above their router.

        Prefixes from modules other than `module` say which file they are in."""
        composed: list[Route] = []
        for route in routes:
            own = tuple(part for part in route.parts if part.origin in OWN_ORIGINS)
            key = self.key(module, route.owner, route.owner_symbol)
            for chain in self.chains(key):
                parts = tuple(part if part.module != module else dataclasses.replace(part, module=None) for part in chain.parts)
                hooks = tuple(
                    dataclasses.replace(hook, module=where if where and where != module else None)
                    for node in chain.nodes
                    for hook, where in self.hooks.get(node, ())
                )
                composed.append(
                    dataclasses.replace(
                        route, parts=(*parts, *own), inherited_dependencies=chain.dependencies, hooks=hooks
                    )
                )
        return composed


def _located(part: PathPart, module: str) -> PathPart:
    return dataclasses.replace(part, module=module or None)
