"""Statement checks on the keystroke path: each top-level statement checked on its own, and its
findings kept until the statement or something the checks read beyond it changes.

A check whose `scope` is "statement" promises that its findings on a module are the union of its
findings on each top-level statement seen alone: a view of the module's facts holding only that
statement's functions, calls, queries and other per-statement facts, with the module-wide facts
(imports, models, routers, registrations, hooks, Django settings) whole, and only the routes whose
handlers the statement defines. The test helpers hold every check to that promise on every source
the check tests run (tests/rules/helpers.py), so a check that reads across statements cannot carry
the scope by mistake.
"""

from __future__ import annotations

import dataclasses
import logging
from bisect import bisect_right

from backend_ls.facts import Statement, StatementCache
from backend_ls.facts.model import ModuleFacts, Route
from backend_ls.rules.base import Finding, Rule
from backend_ls.rules.context import RuleContext

log = logging.getLogger(__name__)

# The per-statement fields of ModuleFacts and the StatementFacts field each comes from.
_OWN_FIELDS = {
    "functions": "functions",
    "calls": "calls",
    "assignments": "assignments",
    "classes": "class_defs",
    "fetches": "fetches",
    "method_branches": "method_branches",
    "loops": "loops",
    "responses": "responses",
    "return_annotations": "return_annotations",
    "except_blocks": "except_blocks",
    "instances": "instances",
    "serializations": "serializations",
    "serializer_methods": "serializer_methods",
    "bodies": "bodies",
    "with_blocks": "with_blocks",
    "queries": "queries",
    "query_loops": "query_loops",
}


def statement_view(facts: ModuleFacts, statements: list[Statement], routes: list[Route]) -> ModuleFacts:
    """The module as a statement check sees it while checking some statements (none: routes
    whose handler and registration are in no statement of this module)."""
    own = {}
    for field, source in _OWN_FIELDS.items():
        values = [getattr(statement.facts, source) for statement in statements]
        if isinstance(getattr(facts, field), dict):
            own[field] = {key: value for mapping in values for key, value in mapping.items()}
        else:
            own[field] = tuple(item for items in values for item in items)
    return dataclasses.replace(facts, routes=tuple(routes), problems=(), **own)


def statement_groups(routes: list[Route], statements: list[Statement]) -> list[tuple[list[int], list[Route]]]:
    """The statements checked together, with their routes: a route joins the statement that
    defines its handler (a function, a method's class, a view class) with the one holding its
    decorator or registering call, since checks read both. A group with no statement holds the
    routes neither is in."""
    # Every statement defining a name: the module-wide facts keep the last definition of a name,
    # the route the first, so a check may read either.
    defined: dict[str, list[int]] = {}
    for number, statement in enumerate(statements):
        for name in statement.facts.functions:
            defined.setdefault(name, []).append(number)
        for name in statement.facts.class_defs:
            defined.setdefault(name, []).append(number)
    ends = [statement.end for statement in statements]
    group = list(range(len(statements) + 1))  # union-find; the last one stands for "no statement"
    nowhere = len(statements)

    def root(number: int) -> int:
        while group[number] != number:
            group[number] = group[group[number]]
            number = group[number]
        return number

    placed = []
    for route in routes:
        members = list(defined.get(route.handler, ()))
        if route.view_class is not None:
            members += defined.get(route.view_class, ())
        if not members and route.handler:
            members += defined.get(route.handler.split(".")[0], ())
        # Django and DRF routes are registered in a URLconf, another module.
        anchor = None if route.framework in ("django", "drf") else _statement_at(ends, route.anchor.start)
        if anchor is not None:
            members.append(anchor)
        members = members or [nowhere]
        for other in members[1:]:
            group[root(other)] = root(members[0])
        placed.append((members[0], route))
    groups: dict[int, tuple[list[int], list[Route]]] = {}
    for number in range(len(statements) + 1):
        groups.setdefault(root(number), ([], []))[0].append(number)
    for number, route in placed:
        groups[root(number)][1].append(route)
    return [
        ([number for number in members if number != nowhere], found)
        for members, found in groups.values()
        if members != [nowhere] or found
    ]


def _statement_at(ends: list[tuple[int, int]], point) -> int | None:
    number = bisect_right(ends, tuple(point))
    return number if number < len(ends) else None


class StatementFindings:
    """Per open document: the findings of the statement checks on each group of statements, kept
    under the statements' keys while the context every statement is checked in is the same."""

    def __init__(self):
        self._context: tuple | None = None
        self._found: dict[tuple, tuple[Finding, ...]] = {}
        self._last: tuple[frozenset, list[Finding]] | None = None

    def findings(
        self,
        context: RuleContext,
        statements: StatementCache,
        rules: list[Rule],
        problems: list[str],
    ) -> list[Finding]:
        facts, index = context.facts, context.index
        current = (
            id(statements.wide),
            statements.wide,  # kept alive, so its id is not reused while it is the key
            tuple(rule.code for rule in rules),
            context.settings,
            facts.imports,
            facts.import_end_line,
            facts.routers,
            facts.registrations,
            facts.hooks,
            facts.django,
            facts.models,
            (index._generation, index._foreign_generation) if index is not None else None,
        )
        if current != self._context:
            self._context, self._found, self._last = current, {}, None
        keys = frozenset(statement.key for statement in statements.statements)
        if self._last is not None and self._last[0] == keys:
            return list(self._last[1])  # nothing changed (a save, another module's edit)
        kept: dict[tuple, tuple[Finding, ...]] = {}
        found: list[Finding] = []
        every = statements.statements
        complete = True
        for members, routes in statement_groups(context.routes, every):
            # Routes in no statement of this module come and go with any statement's routes.
            key = tuple(every[number].key for number in members) or ("no statement", keys)
            cached = self._found.get(key)
            if cached is None:
                cached, failed = self._check(context, [every[number] for number in members], routes, rules, problems)
                if failed:  # not kept: the next analysis tries again and reports the failure again
                    found.extend(cached)
                    complete = False
                    continue
            kept[key] = cached
            found.extend(cached)
        self._found = kept
        self._last = (keys, found) if complete else None
        return list(found)

    def _check(self, context, statements, routes, rules, problems) -> tuple[tuple[Finding, ...], bool]:
        """The findings of `rules` on some statements, and whether a check failed on them."""
        view = RuleContext(
            facts=statement_view(context.facts, statements, routes),
            lines=context.lines,
            settings=context.settings,
            index=context.index,
            statement_routes=tuple(routes),
        )
        found: list[Finding] = []
        failed = False
        for rule in rules:
            try:
                severity = context.settings.severity_of(rule.code, None)
                reported = [rule.as_reported(finding, severity) for finding in rule.check(view)]
                found.extend(reported)
            except Exception as error:
                log.exception("%s failed on %s", rule.code, context.path)
                problems.append(f"{rule.code} failed on {context.path}: {error!r}")
                failed = True
        return tuple(found), failed
