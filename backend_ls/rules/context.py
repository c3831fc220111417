"""What a rule may see: the module's facts, its text, the settings and the workspace index."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Callable

from backend_ls.facts.model import ModuleFacts, Route
from backend_ls.options import Settings

if TYPE_CHECKING:
    from backend_ls.index import WorkspaceIndex


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a fold is defined once
class ModuleFold:
    """A module-wide value that is a combination of the same value over any split of the module
    into consecutive statements: `combine([of_part(facts) for each part, in order])`. The editor
    computes it statement by statement, once for each statement's facts, instead of over the whole
    module on every keystroke; the whole module is one part."""

    of_part: Callable
    combine: Callable

    def __call__(self, facts: ModuleFacts):
        return self.combine([self.of_part(facts)])


@dataclass(frozen=True)
class RuleContext:
    facts: ModuleFacts
    lines: list[str]  # the source, line ends kept
    settings: Settings
    index: "WorkspaceIndex | None" = field(default=None, compare=False)
    # Set when a statement check sees a group of top-level statements (backend_ls/statement_checks.py):
    # the routes whose handlers and registrations the group holds.
    statement_routes: tuple[Route, ...] | None = field(default=None, compare=False)
    reads: object = field(default=None, compare=False)  # what such a check read beyond its statements
    # The editor's, per open document: what `across_edits` keeps from one analysis to the next.
    memory: dict | None = field(default=None, compare=False)

    @cached_property
    def _derived(self) -> dict:
        return {}

    def derived(self, compute):
        """`compute(self)`, once per analysis: for what several checks derive from the same facts."""
        if compute not in self._derived:
            self._derived[compute] = compute(self)
        return self._derived[compute]

    @property
    def index_stamp(self) -> tuple | None:
        """The workspace index's version of what modules export to each other (None: no index)."""
        return self.index.stamp() if self.index is not None else None

    def route_inputs(self) -> tuple:
        """What checks of route paths read (`Rule.inputs`): the routes through this module, the
        settings, and the workspace's version of what modules export to each other."""
        return (tuple(self.routes_through_module), self.settings, self.index.route_stamp() if self.index is not None else None)

    @property
    def models(self) -> tuple:
        """The models to report on: the module's, or a statement check's statements' own (its
        `facts.models` are every model of the module, to look bases and targets up in)."""
        own = getattr(self.facts, "own_models", None)
        return self.facts.models if own is None else own

    @cached_property
    def assignments_outside_functions(self) -> tuple:
        """The module's assignments at its top level and in class bodies, what names and models
        resolve by: several checks' inputs read them on every keystroke."""
        return tuple(a for a in self.facts.assignments if a.function is None)

    def across_edits(self, compute, inputs: tuple):
        """`compute()`, or what it gave in the last analysis of the same document when `inputs`
        are equal to the last ones: for what a check derives from facts an edit rarely changes
        (the columns of the models) when it runs again for facts that change with most edits (the
        queries). Computed every time outside the editor."""
        if self.memory is None:
            return compute()
        kept = self.memory.get(compute)
        if kept is None or kept[0] != inputs:
            kept = self.memory[compute] = (inputs, compute())
        return kept[1]

    def module_wide(self, compute):
        """`compute(facts)` over the facts of the whole module, for what a statement check must
        know from every statement (a rate limiter configured anywhere). A statement check's
        findings are kept while these values stay equal, so `compute` should return a small
        value that compares cheaply. Make it a `ModuleFold` when it can be one: it then costs
        the statements that changed."""
        if self.reads is not None:
            return self.reads.module_wide(compute)
        return compute(self.facts)

    @property
    def path(self) -> str:
        return self.facts.path

    @cached_property
    def routes(self) -> list[Route]:
        """The module's routes with their full paths, prefixes set in other modules included."""
        if self.statement_routes is not None:
            return list(self.statement_routes)
        if self.index is None:
            return list(self.facts.routes)
        return self.index.routes_of(self.facts.path, self.facts)

    @cached_property
    def routes_through_module(self) -> list[Route]:
        """The module's routes, plus the routes of other modules that carry a prefix string written
        in this one; in each, a part whose `module` is None is in this module."""
        if self.statement_routes is not None:
            raise TypeError("a statement check cannot read the routes of other modules through this one")
        if self.index is None:
            return self.routes
        return self.routes + self.index.routes_through(self.facts.path)

    def routes_of(self, handler: str) -> list[Route]:
        return [route for route in self.routes if route.handler == handler]

    def handlers(self) -> dict[str, list[Route]]:
        """Route handlers by qualified name, with every route that reaches each."""
        result: dict[str, list[Route]] = {}
        for route in self.routes:
            result.setdefault(route.handler, []).append(route)
        return result
