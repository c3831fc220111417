"""Findings kept from one analysis of an open document to the next, so that a keystroke re-runs
the checks on what it changed only.

A check whose `scope` is "statement" promises that its findings on a module are the union of its
findings on groups of top-level statements. A group is one statement, joined with the statements
that define a route's handler and hold its registration. Each group is checked through a
`StatementView`: its own functions, calls, queries and other per-statement facts to go through; the
module-wide facts (imports, models, routers, registrations, hooks, Django settings) whole; the
routes of its handlers; and the rest of the module to look things up in. Looking up a function or
a class by name, another function's calls or body, or a module-wide value
(`RuleContext.module_wide`) is recorded, and the group's findings are kept until one of its
statements, something it read, the module's outline, the settings or another module changes.
A module-wide value that is a `ModuleFold` is folded again only over the statements that changed.

Module checks that name their inputs (`Rule.inputs`) are kept while those are equal; what a check
keeps across edits of its own (`RuleContext.across_edits`) lives here too (`memory`).

The test helpers hold every statement check to its promise on every source the check tests run
(tests/rules/helpers.py), and tests/test_incremental.py edits at random and compares the kept
findings with a fresh analysis.
"""

from __future__ import annotations

import dataclasses
import logging
from bisect import bisect_left, bisect_right
from itertools import chain

from backend_ls.facts import Statement, StatementCache, positions_replaced
from backend_ls.facts.model import ModuleFacts, Route
from backend_ls.reading_order import ReadingOrder
from backend_ls.rules.base import Finding, Rule
from backend_ls.rules.context import ModuleFold, RuleContext

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


class Reads:
    """What a statement check read beyond its own statements while checking them: the keys of the
    statements holding it, and the module-wide values it asked for (`RuleContext.module_wide`).
    Everything outside top-level function bodies is the module's outline, which the context of
    every check is keyed on already; this records what lies in other functions' bodies."""

    def __init__(self, analysis: "_Analysis"):
        self.analysis = analysis
        self.keys: set[tuple] = set()
        self.values: dict[object, object] = {}

    def name(self, qualname: str | None) -> None:
        self.statements_defining(qualname)

    def statements_defining(self, qualname: str | None) -> list[Statement] | None:
        """The statements that hold a function (those defining its top-level name), recorded as
        read; None when no statement defines it (module-level code: read it from the whole)."""
        if not qualname:
            return None
        holders = self.analysis.definers(qualname.split(".", 1)[0])
        self.keys.update(statement.key for statement in holders)
        return holders or None

    def position(self, point) -> Statement | None:
        """The statement holding a position, recorded as read."""
        statement = self.analysis.statement_at(point)
        if statement is not None:
            self.keys.add(statement.key)
        return statement

    def module_wide(self, compute):
        value = self.analysis.module_wide(compute)
        self.values[compute] = value
        return value


def whole_module(facts: ModuleFacts) -> ModuleFacts:
    """The facts of the whole module, for what lies outside function bodies (module-level and
    class-level names, models): a statement check's view holds its own statements' facts only,
    and the rest of the outline is in the key of its kept findings already."""
    return facts.whole if isinstance(facts, StatementView) else facts


class _Lookup(dict):
    """The functions or classes of some statements; a name defined elsewhere in the module is
    found too, and read from there."""

    def __init__(self, own: dict, whole: dict, reads: Reads):
        super().__init__(own)
        self._whole, self._reads = whole, reads

    def __missing__(self, key):
        self._reads.name(key)
        return self._whole[key]

    def get(self, key, default=None):
        if dict.__contains__(self, key):
            return dict.__getitem__(self, key)
        self._reads.name(key)
        return self._whole.get(key, default)

    def __contains__(self, key) -> bool:
        if dict.__contains__(self, key):
            return True
        self._reads.name(key)
        return key in self._whole


class StatementView(ModuleFacts):
    """The module as a statement check sees it while checking some statements: their own facts
    to go through, the rest of the module to look things up in (recorded in `reads`). Models are
    the module's, to look up; `own_models` are the statements' own (`RuleContext.models`)."""

    whole: ModuleFacts
    reads: Reads
    own_models: tuple

    # Read from the statements that hold them, not from indexes of the whole module's facts, which
    # are new on every keystroke and cost the module's size to build.
    def calls_in(self, function: str, *, nested: bool = False):
        holders = self.reads.statements_defining(function)
        if holders is None:
            return self.whole.calls_in(function, nested=nested)
        prefix = function + "."
        return [
            call for statement in holders for call in statement.facts.calls
            if call.function == function or (nested and (call.function or "").startswith(prefix))
        ]

    def body_of(self, function: str):
        holders = self.reads.statements_defining(function)
        if holders is None:
            return self.whole.body_of(function)
        return next((body for statement in holders for body in statement.facts.bodies if body.function == function), None)

    def call_at(self, span):
        statement = self.reads.position(span.start)
        if statement is None:
            return self.whole.call_at(span)
        return next((call for call in statement.facts.calls if call.span == span), None)


def statement_view(facts: ModuleFacts, statements: list[Statement], routes: list[Route], reads: Reads) -> StatementView:
    """The view of `statements` (none: routes whose handler and registration are in no statement
    of this module)."""
    own = {}
    for field, source in _OWN_FIELDS.items():
        values = [getattr(statement.facts, source) for statement in statements]
        if isinstance(getattr(facts, field), dict):
            own[field] = _Lookup({key: value for mapping in values for key, value in mapping.items()}, getattr(facts, field), reads)
        else:
            own[field] = tuple(item for items in values for item in items)
    fields = {field.name: getattr(facts, field.name) for field in dataclasses.fields(facts)}
    fields.update(own, routes=tuple(routes), problems=())
    view = StatementView(**fields)
    own_models = reads.analysis.models_in(statements)
    object.__setattr__(view, "whole", facts)
    object.__setattr__(view, "reads", reads)
    object.__setattr__(view, "own_models", own_models)
    return view


class _Analysis:
    """What the groups of one analysis share: who defines a name, which statement holds a
    position, and the module-wide values checks ask for."""

    def __init__(
        self,
        facts: ModuleFacts,
        statements: list[Statement],
        folds: dict | None = None,
        definers: dict | None = None,
        model_starts: tuple | None = None,
    ):
        self.facts, self.statements = facts, statements
        # fold -> (the statements, the fold's part over each, their combination): the last
        # analysis's, then this one's (`folds_now`), so only the statements that changed are
        # folded again, and an unchanged combination is the same object (compared in no time).
        self._folds_before = folds or {}
        self.folds_now: dict[ModuleFold, tuple] = {}
        self._changed: dict[int, list[int]] = {}  # id of earlier statements -> positions that differ
        # Top-level name -> positions of the statements defining it; given when they are known
        # to be those of the last analysis (the statements define the same names where they did).
        self.definer_positions: dict[str, list[int]] | None = definers
        self._ends = [statement.end for statement in statements]
        self._values: dict[object, object] = {}
        self._still: dict[int, bool] = {}  # id of a kept tuple of values -> whether they still hold
        self._objects: dict[tuple, tuple] = {}
        # (where a model's name starts, its number), sorted; the last analysis's when its models
        # are these (compared item by item, which for the same objects costs nothing).
        self._model_starts: list | None = model_starts[1] if model_starts is not None and model_starts[0] == facts.models else None

    def definers(self, name: str) -> list[Statement]:
        """The statements defining a top-level name (a function or a class), in order."""
        if self.definer_positions is None:
            self.definer_positions = {}
            for position, statement in enumerate(self.statements):
                for qualname in (*statement.facts.functions, *statement.facts.class_defs):
                    holders = self.definer_positions.setdefault(qualname, []) if "." not in qualname else None
                    if holders is not None and (not holders or holders[-1] != position):
                        holders.append(position)
        statements = self.statements
        return [statements[position] for position in self.definer_positions.get(name, ())]

    def statement_at(self, point) -> Statement | None:
        number = _statement_at(self._ends, point)
        return self.statements[number] if number is not None else None

    def models_in(self, statements: list[Statement]) -> tuple:
        """The module's models whose name is in one of `statements` (where `statement_at` puts
        it), in the module's order: found by bisection, since a keystroke's group has a few and
        the module hundreds."""
        if self._model_starts is None:
            self._model_starts = sorted((model.name_span.start, number) for number, model in enumerate(self.facts.models))
        starts, ends, chosen = self._model_starts, self._ends, []
        for statement in statements:
            position = bisect_left(ends, statement.end)
            # statement_at(point) is `position` for ends[position - 1] <= point < ends[position].
            low = bisect_left(starts, (ends[position - 1], -1)) if position else 0
            high = bisect_left(starts, (ends[position], -1))
            chosen.extend(number for _, number in starts[low:high])
        models = self.facts.models
        return tuple(models[number] for number in sorted(chosen))

    def still_all(self, values: tuple) -> bool:
        """Whether the module-wide values an earlier analysis read are all still the same. Groups
        checked in one analysis read the same values: they share one tuple (`one_object`), and
        it is compared once per analysis, not once per group."""
        if not values:
            return True
        answer = self._still.get(id(values))
        if answer is None:
            answer = all(self.module_wide(compute) == value for compute, value in values)
            self._still[id(values)] = answer
        return answer

    def one_object(self, values: tuple) -> tuple:
        """The same tuple object for equal (computation, value) pairs read in this analysis."""
        key = tuple((compute, id(value)) for compute, value in values)
        kept = self._objects.setdefault(key, values)
        return kept

    def module_wide(self, compute):
        if compute not in self._values:
            if isinstance(compute, ModuleFold):
                self._values[compute] = self._folded(compute)
            else:
                self._values[compute] = compute(self.facts)
        return self._values[compute]

    def _folded(self, fold: ModuleFold):
        statements, last = self.statements, self._folds_before.get(fold)
        if last is None or len(last[0]) != len(statements):
            parts = [fold.of_part(statement.facts) for statement in statements]
            value = fold.combine(parts)
        else:
            before, parts, value = last
            renewed = parts
            for position in self.positions_changed_since(before):
                part = fold.of_part(statements[position].facts)
                if part != parts[position]:
                    if renewed is parts:
                        renewed = list(parts)
                    renewed[position] = part
            if renewed is not parts:
                parts, value = renewed, fold.combine(renewed)
        self.folds_now[fold] = (statements, parts, value)
        return value

    def positions_changed_since(self, before: list[Statement]) -> list[int]:
        """Where the statements differ from those of an earlier analysis (as many of them)."""
        changed = self._changed.get(id(before))
        if changed is None:
            changed = positions_replaced(before, self.statements)
            self._changed[id(before)] = changed
        return changed


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


class KeptFindings:
    """Per open document: the findings of the statement checks on each group of statements, kept
    under the statements' keys while the context every statement is checked in is the same; and
    the findings of module checks that name their inputs (`Rule.inputs`), kept while those are equal."""

    def __init__(self):
        self._context: tuple | None = None
        self._found: dict[tuple, _Kept] = {}
        self._last: tuple[frozenset, list[Finding]] | None = None
        self._index_epoch: int | None = None
        self._module: dict[str, tuple[object, list[Finding]]] = {}
        self._grouped: tuple | None = None  # (routes, statements, their groups)
        self._folds: dict = {}  # module folds, with their parts by statement (_Analysis)
        self._definers: dict | None = None  # name -> positions of the statements defining it
        self.memory: dict = {}  # what checks keep across edits (RuleContext.across_edits)
        self.order = ReadingOrder()  # sorts the document's findings (check_facts)
        self._index_after: tuple | None = None
        self._round: _Round | None = None  # the last analysis's groups, statements and entries
        self._model_starts: tuple | None = None  # (models, where their names start), _Analysis

    def module_check(self, rule: Rule, context: RuleContext, run) -> list[Finding]:
        """`run()`'s findings, or those of the last analysis when the check's inputs are equal."""
        inputs = rule.inputs(context)
        if inputs is None:
            return run()
        kept = self._module.get(rule.code)
        if kept is not None and kept[0] == inputs:
            return kept[1]
        found = run()
        self._module[rule.code] = (inputs, found)
        return found

    def index_updated(self, before: tuple | None, after: tuple | None) -> None:
        """The session updates the index with this document's facts before checking it: a change
        that update made is this document's own, which its statements' facts carry already;
        only a change made by another module since the last one drops the kept findings."""
        if self._index_epoch is None:
            self._index_epoch = 0
        if before != self._index_after:
            self._index_epoch += 1
        self._index_after = after

    def findings(
        self,
        context: RuleContext,
        statements: StatementCache,
        rules: list[Rule],
        problems: list[str],
    ) -> list[Finding]:
        facts = context.facts
        current = (
            # A new object whenever anything outside function bodies changes (not only what it
            # holds), which checks read whole (`whole_module`); kept alive, so its id is not reused.
            id(statements.wide),
            statements.wide,
            tuple(rule.code for rule in rules),
            context.settings,
            facts.imports,
            facts.import_end_line,
            facts.routers,
            facts.registrations,
            facts.hooks,
            facts.django,
            facts.models,
            self._index_epoch if self._index_epoch is not None else context.index_stamp,
        )
        if current != self._context:
            self._context, self._found, self._last, self._round = current, {}, None, None
        every = statements.statements
        statement_keys = [statement.key for statement in every]
        keys = frozenset(statement_keys)
        if self._last is not None and self._last[0] == keys:
            return list(self._last[1])  # nothing changed (a save, another module's edit)
        grouped_before = self._grouped
        groups = self._groups(context.routes, every)
        # The same groups: every statement defines the same names as before, where it was.
        definers = self._definers if grouped_before is not None and groups is grouped_before[2] else None
        analysis = _Analysis(facts, every, self._folds, definers, self._model_starts)
        last_round = self._round
        if last_round is not None and last_round.groups is groups and len(last_round.statements) == len(every):
            complete = self._again(last_round, context, analysis, every, statement_keys, keys, rules, problems)
            entries = last_round.entries
        else:
            entries, complete = self._every_group(context, analysis, groups, every, statement_keys, keys, rules, problems)
            last_round = _Round(groups, every, keys, entries)
        found = list(chain.from_iterable([entry.findings for entry in entries]))
        self._round = last_round if complete else None
        self._last = (keys, found) if complete else None
        if analysis.folds_now:
            self._folds = {**self._folds, **analysis.folds_now}
        self._definers = analysis.definer_positions
        if analysis._model_starts is not None:
            self._model_starts = (facts.models, analysis._model_starts)
        return list(found)

    def _every_group(self, context, analysis, groups, every, statement_keys, keys, rules, problems) -> tuple[list, bool]:
        """Each group's entry: kept, or checked again when a statement in it changed or what it
        read changed. Whether every check ran."""
        kept: dict[tuple, _Kept] = {}
        entries: list[_Kept] = []
        complete = True
        key_of, still_all = statement_keys.__getitem__, analysis.still_all
        for members, routes in groups:
            # Routes in no statement of this module come and go with any statement's routes.
            key = tuple(map(key_of, members)) or ("no statement", keys)
            entry = self._found.get(key)
            # Kept findings hold while the other statements and the module-wide values they read are
            # unchanged (written out inline: this loop runs over every group on every keystroke).
            if (
                entry is None
                or (entry.read_statements and not entry.read_statements <= keys)
                or (entry.read_values and not still_all(entry.read_values))
            ):
                entry, failed = self._check(context, analysis, [every[number] for number in members], routes, rules, problems)
                if failed:  # not kept: the next analysis tries again and reports the failure again
                    complete = False
                    entries.append(entry)
                    continue
            kept[key] = entry
            entries.append(entry)
        self._found = kept
        return entries, complete

    def _again(self, last: "_Round", context, analysis, every, statement_keys, keys, rules, problems) -> bool:
        """`_every_group` when the groups are those of the last analysis, which checked every one
        of them: only the groups holding a statement that changed, or whose entry read something
        that changed, are looked at (a keystroke changes one statement of a thousand). Updates
        the round; whether every check ran."""
        groups, entries = last.groups, last.entries
        again = {last.group_of[position] for position in analysis.positions_changed_since(last.statements)}
        if again:
            again.update(last.nowhere)  # their key holds every statement's
        for values, numbers in list(last.by_values.values()):
            if not analysis.still_all(values):
                again.update(numbers)
        for number in last.reading_statements:
            if not entries[number].read_statements <= keys:
                again.add(number)
        complete = True
        key_of = statement_keys.__getitem__
        for number in sorted(again):
            members, routes = groups[number]
            self._found.pop(tuple(last.statements[member].key for member in members) or ("no statement", last.keys), None)
            entry, failed = self._check(context, analysis, [every[member] for member in members], routes, rules, problems)
            if failed:
                complete = False
            else:
                self._found[tuple(map(key_of, members)) or ("no statement", keys)] = entry
            last.replace(number, entry)
        last.statements, last.keys = every, keys
        return complete

    def _groups(self, routes: list[Route], statements: list[Statement]) -> list:
        """`statement_groups`, reused when the routes are the same list (the index hands it out
        again while they are unchanged) and every statement either kept its facts or still ends
        where it did and defines the same names."""
        last = self._grouped
        if last is not None and last[0] is routes and len(last[1]) == len(statements):
            for position in positions_replaced(last[1], statements):
                before, now = last[1][position], statements[position]
                if before.facts is not now.facts and (
                    before.end != now.end
                    or before.facts.functions.keys() != now.facts.functions.keys()
                    or before.facts.class_defs.keys() != now.facts.class_defs.keys()
                    or before.facts.routes != now.facts.routes
                ):
                    break
            else:
                self._grouped = (routes, statements, last[2])
                return last[2]
        groups = statement_groups(routes, statements)
        self._grouped = (routes, statements, groups)
        return groups

    def _check(self, context, analysis, statements, routes, rules, problems) -> tuple["_Kept", bool]:
        """The findings of `rules` on some statements, what they read, and whether a check failed."""
        reads = Reads(analysis)
        view = RuleContext(
            facts=statement_view(context.facts, statements, routes, reads),
            lines=context.lines,
            settings=context.settings,
            index=context.index,
            statement_routes=tuple(routes),
            reads=reads,
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
        own = {statement.key for statement in statements}
        return _Kept(tuple(found), frozenset(reads.keys - own), analysis.one_object(tuple(reads.values.items()))), failed


class _Round:
    """One analysis's groups of statements and their entries, with what finds the entries an edit
    may have made stale without looking at every one. Built when every group was looked at, then
    updated where groups are checked again."""

    def __init__(self, groups: list, statements: list[Statement], keys: frozenset, entries: list["_Kept"]):
        self.groups, self.statements, self.keys, self.entries = groups, statements, keys, entries
        self.group_of: list[int] = [0] * len(statements)
        self.nowhere: list[int] = []  # groups of routes in no statement
        for number, (members, _) in enumerate(groups):
            for member in members:
                self.group_of[member] = number
            if not members:
                self.nowhere.append(number)
        # Groups checked in one analysis share their read values' tuple (`one_object`): each tuple
        # is compared once, for all the groups that read it.
        self.by_values: dict[int, tuple[tuple, set[int]]] = {}
        self.reading_statements: set[int] = set()
        for number, entry in enumerate(entries):
            self._note(number, entry)

    def replace(self, number: int, entry: "_Kept") -> None:
        old = self.entries[number]
        if old.read_values:
            readers = self.by_values[id(old.read_values)][1]
            readers.discard(number)
            if not readers:
                del self.by_values[id(old.read_values)]
        self.reading_statements.discard(number)
        self.entries[number] = entry
        self._note(number, entry)

    def _note(self, number: int, entry: "_Kept") -> None:
        if entry.read_values:
            self.by_values.setdefault(id(entry.read_values), (entry.read_values, set()))[1].add(number)
        if entry.read_statements:
            self.reading_statements.add(number)


@dataclasses.dataclass(frozen=True)
class _Kept:
    findings: tuple[Finding, ...]
    read_statements: frozenset  # keys of the other statements the checks read
    read_values: tuple  # (computation, value) of the module-wide values they asked for
