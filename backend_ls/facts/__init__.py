"""The facts layer: from a parso tree to plain dataclasses about routes, calls and settings."""

from __future__ import annotations

import dataclasses
import logging
from itertools import accumulate, chain, compress, count
from operator import is_not
from dataclasses import dataclass

from backend_ls.facts.bodies import bodies_in
from backend_ls.facts.branches import method_branches
from backend_ls.facts.django import django_facts
from backend_ls.facts.exceptions import except_blocks
from backend_ls.facts.fastapi import FASTAPI
from backend_ls.facts.flask import FLASK
from backend_ls.facts.imports import imports_in
from backend_ls.facts.instances import instances_in
from backend_ls.facts.loops import loops_in
from backend_ls.facts.model import ModuleFacts
from backend_ls.facts.models import models_in_module
from backend_ls.facts.queries import queries_in
from backend_ls.facts.records import record_fetches
from backend_ls.facts.responses import responses_in, return_annotations
from backend_ls.facts.router_graph import RouterGraph
from backend_ls.facts.serialization import serializations_in, serializer_methods
from backend_ls.facts.with_blocks import with_blocks
from backend_ls.facts.routes import (
    call_routes_in_module,
    hooks_in_module,
    registrations_in_module,
    routers_in_module,
    routes_in_module,
    starlette_routes_in_module,
)
from backend_ls.facts.walk import Walk, merge_walks, module_scope, walk_statements

FRAMEWORKS = (FLASK, FASTAPI)
log = logging.getLogger(__name__)


def module_facts(
    module,
    path: str,
    cache: "StatementCache | None" = None,
    lines: list[str] | None = None,
    external: dict[str, str] | None = None,
    imports: dict[str, str] | None = None,
) -> ModuleFacts:
    """The facts of a module. With a `cache` (and the module's `lines`), the facts of every
    top-level statement whose text, position and module-level names are unchanged since the last
    call are reused, so a keystroke costs the statement it touched (the editor's path).
    `external`: what imported names are, from the modules they come from (see `module_scope`);
    `imports`: the module's imports, when the caller has them already (`imports_of`)."""
    problems: list[str] = []

    def guarded(what: str, extract, *args):
        """One adapter failing on odd code (mid-keystroke) must not cost the module its other facts."""
        try:
            return extract(*args)
        except Exception as error:
            log.warning("%s: cannot take the %s facts", path, what, exc_info=True)
            problems.append(f"{path}: the {what} facts could not be taken ({type(error).__name__}: {error})")
            return []

    scope = module_scope(module, external, imports)

    def compute(nodes):
        walk = guarded("statement", walk_statements, nodes, scope, path)
        if not isinstance(walk, Walk):  # the walk itself failed: this statement has no facts
            walk = Walk(path=path, imports=scope.imports, module_scope=scope)
        return _statement_facts(walk, _Statements(nodes), guarded)

    # Statement by statement in both paths, so that the cached facts equal fresh ones by design.
    if cache is None or lines is None:
        pieces = [compute([node]) for node in module.children if node.type != "endmarker"]
    else:
        pieces = cache.pieces(module, lines, scope, path, compute)
    merged = _merge(pieces) if cache is None or lines is None else cache.merge()

    def module_wide():
        walks = [piece.walk for piece in pieces]
        walk = merge_walks(walks, scope, path) if all(walks) else walk_statements(module.children, scope, path)
        return _module_wide_facts(walk, module, guarded)

    if cache is None or lines is None:
        wide = module_wide()
    else:
        wide = cache.module_wide(module, lines, module_wide, problems)

    def composed() -> tuple:
        # Prefixes this module shows on its own; the workspace index recomposes them across modules.
        graph = RouterGraph()
        graph.add_module("", _Partial(merged.routers, merged.registrations, merged.hooks + wide.hooks))
        routes = graph.compose("", merged.routes + wide.routes)
        routes.sort(key=lambda route: route.anchor)
        return tuple(routes)

    if cache is None or lines is None:
        routes = composed()
    else:
        routes = cache.routes((merged.routes, wide.routes, merged.routers, merged.registrations, merged.hooks, wide.hooks), composed)
    return ModuleFacts(
        path=path,
        imports=dict(scope.imports),
        import_end_line=_import_end_line(module),
        functions=merged.functions,
        routes=routes,
        calls=merged.calls,
        assignments=merged.assignments,
        routers=merged.routers,
        registrations=merged.registrations,
        hooks=merged.hooks + wide.hooks,
        classes=merged.class_defs,
        models=tuple(wide.models),
        fetches=merged.fetches,
        method_branches=merged.method_branches,
        django=wide.django or None,
        loops=merged.loops,
        responses=merged.responses,
        return_annotations=merged.return_annotations,
        except_blocks=merged.except_blocks,
        instances=merged.instances,
        serializations=merged.serializations,
        serializer_methods=merged.serializer_methods,
        bodies=merged.bodies,
        with_blocks=merged.with_blocks,
        import_statements=merged.import_statements,
        queries=merged.queries,
        query_loops=merged.query_loops,
        problems=tuple(problems) + merged.problems + wide.problems,
    )


@dataclass(frozen=True)
class StatementFacts:
    """What one or more top-level statements hold, on their own (given the module-level names)."""

    functions: dict
    calls: tuple
    assignments: tuple
    class_defs: dict
    routers: tuple
    registrations: tuple
    routes: tuple
    hooks: tuple
    fetches: tuple
    method_branches: tuple
    problems: tuple
    walk: Walk | None = None  # only while the tree it came from is current
    loops: tuple = ()
    responses: tuple = ()
    return_annotations: tuple = ()
    except_blocks: tuple = ()
    instances: tuple = ()
    serializations: tuple = ()
    serializer_methods: tuple = ()
    bodies: tuple = ()
    with_blocks: tuple = ()
    import_statements: tuple = ()
    queries: tuple = ()
    query_loops: tuple = ()


def _statement_facts(walk: Walk, view: "_Statements", guarded) -> StatementFacts:
    """Facts that depend on the statements themselves only: adapters that read one definition."""
    routers, registrations, routes, hooks = [], [], [], []
    for framework in FRAMEWORKS:
        routers += guarded(f"{framework.name} router", routers_in_module, walk, framework)
        registrations += guarded(f"{framework.name} registration", registrations_in_module, walk, framework)
        routes += guarded(f"{framework.name} route", routes_in_module, walk, framework)
        hooks += guarded(f"{framework.name} hook", hooks_in_module, walk, framework)
    queries, query_loops = guarded("query", queries_in, view, walk) or ((), ())
    return StatementFacts(
        functions=walk.functions,
        calls=tuple(walk.calls),
        assignments=tuple(walk.assignments),
        class_defs=walk.class_defs,
        routers=tuple(routers),
        registrations=tuple(registrations),
        routes=tuple(routes),
        hooks=tuple(hooks),
        fetches=tuple(guarded("record fetch", record_fetches, view, walk)),
        method_branches=tuple(guarded("method branch", method_branches, view)),
        problems=(),
        walk=walk,
        loops=tuple(guarded("loop", loops_in, view, walk)),
        responses=tuple(guarded("response", responses_in, view, walk)),
        return_annotations=tuple(guarded("return annotation", return_annotations, view, walk)),
        except_blocks=tuple(guarded("except block", except_blocks, view, walk)),
        instances=tuple(guarded("instance", instances_in, view, walk)),
        serializations=tuple(guarded("serialization", serializations_in, view, walk)),
        serializer_methods=tuple(guarded("serializer method", serializer_methods, view, walk)),
        bodies=tuple(guarded("function body", bodies_in, view, walk)),
        with_blocks=tuple(guarded("with block", with_blocks, view, walk)),
        import_statements=tuple(guarded("import statement", imports_in, view, walk)),
        queries=queries,
        query_loops=query_loops,
    )


@dataclass(frozen=True)
class WideFacts:
    """Facts that read across the module's statements (a view registered by name, a model's bases)."""

    routes: tuple
    hooks: tuple
    models: tuple
    django: object
    problems: tuple = ()


def _module_wide_facts(walk: Walk, module, guarded) -> WideFacts:
    routes: list = []
    for framework in FRAMEWORKS:
        routes += guarded(f"{framework.name} route", call_routes_in_module, walk, framework)
    routes += guarded("starlette route", starlette_routes_in_module, walk)
    return WideFacts(
        routes=tuple(routes),
        hooks=(),
        models=tuple(guarded("model", models_in_module, walk, module)),
        django=guarded("django", django_facts, module, walk) or None,
    )


def positions_replaced(before: list, now: list) -> list[int]:
    """Where two lists of as many items hold other objects: what an edit replaced, in the editor's
    lists of statements, nodes and facts, which keep the objects it left alone."""
    # In C: a thousand statements are compared on every keystroke.
    return list(compress(count(), map(is_not, before, now)))


# The facts of the statements, one after the other (the rest are dictionaries by name, and the walk).
JOINED = tuple(
    f.name for f in dataclasses.fields(StatementFacts) if f.name not in ("functions", "class_defs", "walk")
)


def _merge(pieces: list[StatementFacts]) -> StatementFacts:
    functions, class_defs = _by_name(pieces)
    return StatementFacts(
        functions=functions,
        class_defs=class_defs,
        **{name: tuple(chain.from_iterable([getattr(piece, name) for piece in pieces])) for name in JOINED},
    )


def _by_name(pieces: list[StatementFacts]) -> tuple[dict, dict]:
    functions, class_defs = {}, {}
    for piece in pieces:
        functions.update(piece.functions)
        class_defs.update(piece.class_defs)
    return functions, class_defs


class _Merged:
    """The last merge of a document's statements, with where each statement's items start in each
    joined tuple, so that the next merge replaces the items of the statements that changed."""

    __slots__ = ("pieces", "facts", "starts")

    def __init__(self, pieces: list[StatementFacts], facts: StatementFacts):
        self.pieces, self.facts = pieces, facts
        self.starts = {name: list(accumulate((len(getattr(piece, name)) for piece in pieces), initial=0)) for name in JOINED}

    def again(self, pieces: list[StatementFacts]) -> "_Merged | None":
        """The merge of `pieces`, which differ from the last ones in a few statements; None when
        they differ in their number or in many statements (merging anew costs less then)."""
        if len(pieces) != len(self.pieces):
            return None
        changed = positions_replaced(self.pieces, pieces)
        if len(changed) > 8:
            return None
        fields, starts = {}, {}
        for name in JOINED:
            joined, where = getattr(self.facts, name), self.starts[name]
            for number in reversed(changed):  # from the end: the starts before stay right
                items, start, stop = getattr(pieces[number], name), where[number], where[number + 1]
                if not items and start == stop:
                    continue
                joined = joined[:start] + items + joined[stop:]
                grown = len(items) - (stop - start)
                if grown:
                    where = where[: number + 1] + [start + grown for start in where[number + 1 :]]
            fields[name], starts[name] = joined, where
        functions, class_defs = self._by_name_again(pieces, changed)
        merged = _Merged.__new__(_Merged)
        merged.pieces, merged.starts = pieces, starts
        merged.facts = StatementFacts(functions=functions, class_defs=class_defs, **fields)
        return merged

    def _by_name_again(self, pieces: list[StatementFacts], changed: list[int]) -> tuple[dict, dict]:
        """`_by_name(pieces)` from the last one, when the statements that changed define the same
        names as before: each name still comes from the last statement defining it."""
        for number in changed:
            before, now = self.pieces[number], pieces[number]
            if before.functions.keys() != now.functions.keys() or before.class_defs.keys() != now.class_defs.keys():
                return _by_name(pieces)
        functions, class_defs = dict(self.facts.functions), dict(self.facts.class_defs)
        for number in changed:
            before, now = self.pieces[number], pieces[number]
            for merged, old, new in ((functions, before.functions, now.functions), (class_defs, before.class_defs, now.class_defs)):
                for name, value in new.items():
                    if merged[name] is old[name]:
                        merged[name] = value
        return functions, class_defs


class _Statements:
    """Some top-level statements seen as a module, for adapters written against a whole module."""

    type = "file_input"

    def __init__(self, nodes):
        self.children = list(nodes)
        self._used_names = None

    def get_used_names(self) -> dict:
        if self._used_names is None:
            names: dict[str, list] = {}
            for node in self.children:
                leaf = node.get_first_leaf()
                end = node.end_pos
                while leaf is not None and leaf.start_pos < end:
                    if leaf.type == "name":
                        names.setdefault(leaf.value, []).append(leaf)
                    leaf = leaf.get_next_leaf()
            self._used_names = names
        return self._used_names


@dataclass(frozen=True)
class Statement:
    """One top-level statement of the last analysis: the key its facts are kept under, those
    facts, and where it ends. The key is a number that stands for the statement's source, position
    and the module-level names while they stay the same: the findings kept per statement are
    looked up by it on every keystroke, and a number hashes in no time."""

    key: int
    facts: StatementFacts
    end: tuple[int, int]


_KEYS = count()

# What of a statement's facts is read whole on every keystroke, and compared with the last
# analysis' (the composed routes, the module checks' inputs, the groups of statements).
_KEPT_WHEN_EQUAL = ("functions", "class_defs", "routes")


def _keeping_equal_values(statement: Statement, before: Statement) -> Statement:
    """`statement`, with `before`'s objects where its facts equal them. A function whose body
    changed has the same definition and routes as before, as other objects: what compares them
    next finds them the same objects, in C, instead of comparing field by field in Python."""
    facts, old = statement.facts, before.facts
    same = {
        name: getattr(old, name)
        for name in _KEPT_WHEN_EQUAL
        if getattr(facts, name) is not getattr(old, name) and getattr(facts, name) == getattr(old, name)
    }
    if not same:
        return statement
    return Statement(statement.key, dataclasses.replace(facts, **same), statement.end)


class StatementCache:
    """Per open document: the facts of each top-level statement, and of the module-wide adapters,
    from the last analysis, keyed by the source they were computed from."""

    def __init__(self):
        self._pieces: dict[tuple, Statement] = {}  # by source, start and the module-level names
        self._wide: tuple[tuple, WideFacts] | None = None
        self.statements: list[Statement] = []  # the last analysis's, in order (statement checks read them)
        self.wide: WideFacts | None = None  # the same object as long as the module's outline is unchanged
        self._routes: tuple[tuple, tuple] | None = None
        self._names: tuple | None = None  # the module-level names, and the number standing for them
        # Set by the editor when its parser keeps the nodes of the statements an edit did not touch,
        # with their text: their source and outline are then read once, not on every keystroke.
        self.nodes_keep_their_text = False
        self._nodes: dict[int, _Seen] = {}  # what was read of each top-level node, by id
        self._merged: _Merged | None = None
        self._outlines: tuple | None = None  # (tree, the outline of each of its statements)
        self._last: _Pieces | None = None

    def merge(self) -> StatementFacts:
        """The merge of the statements' facts, replacing in the last merge the items of the
        statements that changed. Their kept facts, which are the same objects from one analysis to
        the next (`pieces` returns those just taken with their walk, which a merge does not read)."""
        pieces = [statement.facts for statement in self.statements]
        merged = self._merged.again(pieces) if self._merged is not None else None
        if merged is None:
            merged = _Merged(pieces, _merge(pieces))
        self._merged = merged
        return merged.facts

    def pieces(self, module, lines: list[str], scope, path: str, compute) -> list[StatementFacts]:
        names = scope.signature()
        # Part of every statement's key, as a number that stands for the names while they are
        # equal: keys hash without walking them.
        if self._names is None or self._names[0] != names:
            self._names = (names, next(_KEYS))
        names_key = self._names[1]
        children = [node for node in module.children if node.type != "endmarker"]
        again = self._pieces_again(children, lines, names_key, compute)
        if again is not None:
            self._outlines = (module, tuple(self._last.outlines))
            return again
        fresh: dict[tuple, Statement] = {}
        known = self._nodes if self.nodes_keep_their_text else {}
        nodes: dict[int, _Seen] = {}
        statements, result, outlines, writtens = [], [], [], []
        for node in children:
            seen, statement, walked = self._piece(node, node.start_pos, known, lines, names_key, compute)
            nodes[id(node)] = seen
            outlines.append(seen.outline)
            written = (seen.source, seen.start, names_key)
            writtens.append(written)
            fresh[written] = statement
            statements.append(statement)
            result.append(walked)
        self._pieces = fresh  # what is not in this version of the text is gone
        self._nodes = nodes
        self.statements = statements
        self._outlines = (module, tuple(outlines))
        self._last = _Pieces(children, writtens, outlines, names_key, len(lines))
        return result

    def _piece(self, node, start, known: dict, lines: list[str], names_key: int, compute) -> tuple:
        """(what was read of a node, its statement, its facts with their walk when just taken)."""
        seen = known.get(id(node))
        if seen is None or seen.node is not node or seen.start != start:
            # Reading a statement's text costs its size: an untouched one is read once.
            seen = _Seen(node, start, _source(lines, node), node.end_pos)
        if seen.outline is None:
            seen.outline = (_outline(lines, node), start)
        statement = self._pieces.get((seen.source, start, names_key))
        if statement is not None:
            return seen, statement, statement.facts
        # Kept without its walk (the tree changes under it), but returned with it: the module-wide
        # adapters merge the walks instead of walking the module again.
        walked = compute([node])
        return seen, Statement(next(_KEYS), dataclasses.replace(walked, walk=None), seen.end), walked

    def _pieces_again(self, children: list, lines: list[str], names_key: int, compute) -> list | None:
        """The pieces when the parser kept every top-level node but a few, and those it kept did
        not move: only the new nodes are read (a keystroke in a body replaces one). None when that
        cannot be told, and every node is looked at."""
        last = self._last
        if (
            not self.nodes_keep_their_text
            or last is None
            or last.names_key != names_key
            or len(children) != len(last.children)
            # The parser re-parses one stretch of text and keeps the nodes around it, moving
            # those after it by the lines it gained or lost (the nodes it kept start lines).
            or len(lines) != last.line_count
        ):
            return None
        changed = positions_replaced(last.children, children)
        if len(changed) > 8:
            return None
        for position in changed:
            # The text after a new node is unchanged up to the next one: if the node after it is
            # where it was, so is every node up to the next new one.
            after = position + 1
            if after < len(children) and after not in changed:
                seen = self._nodes.get(id(children[after]))
                if seen is None or seen.node is not children[after] or seen.start != children[after].start_pos:
                    return None
        statements, outlines, writtens = list(self.statements), list(last.outlines), list(last.writtens)
        result = [statement.facts for statement in statements]
        for position in changed:
            old, node = last.children[position], children[position]
            seen, statement, walked = self._piece(node, node.start_pos, {}, lines, names_key, compute)
            statement = _keeping_equal_values(statement, statements[position])
            self._nodes.pop(id(old), None)
            self._nodes[id(node)] = seen
            if self._pieces.get(writtens[position]) is statements[position]:
                del self._pieces[writtens[position]]
            written = (seen.source, seen.start, names_key)
            self._pieces[written] = statement
            statements[position], outlines[position], writtens[position], result[position] = statement, seen.outline, written, walked
        self.statements = statements
        self._last = _Pieces(children, writtens, outlines, names_key, len(lines))
        return result

    def routes(self, inputs: tuple, compose) -> tuple:
        """The module's composed routes, the same tuple as last time when what they are composed of
        is the same: an edit inside a body leaves the other statements' route facts the very same
        objects, so comparing costs little, and the index and the checks keep what they built on
        the routes."""
        if self._routes is not None and self._routes[0] == inputs:
            return self._routes[1]
        self._routes = (inputs, compose())
        return self._routes[1]

    def module_wide(self, module, lines: list[str], compute, problems: list[str]) -> WideFacts:
        """Module-wide facts are recomputed only when something they can read changed: any
        statement but a function's body (its decorators and signature count)."""
        outlines, self._outlines = self._outlines, None  # the tree changes under them with the next edit
        if outlines is not None and outlines[0] is module:
            key = outlines[1]  # read by `pieces` on this tree, in this analysis
        else:
            key = tuple((_outline(lines, node), node.start_pos) for node in module.children if node.type != "endmarker")
        if self._wide is not None and self._wide[0] == key:
            self.wide = self._wide[1]
            return self.wide
        before = len(problems)
        wide = compute()
        wide = dataclasses.replace(wide, problems=tuple(problems[before:]))
        del problems[before:]
        self._wide = (key, wide)
        self.wide = wide
        return wide


class _Pieces:
    """The top-level nodes of the last analysis, with the keys and outlines of their statements."""

    __slots__ = ("children", "writtens", "outlines", "names_key", "line_count")

    def __init__(self, children: list, writtens: list, outlines: list, names_key: int, line_count: int):
        self.children, self.writtens, self.outlines = children, writtens, outlines
        self.names_key, self.line_count = names_key, line_count


class _Seen:
    """What was read of a top-level node: its text, where it ends, its outline (once asked)."""

    __slots__ = ("node", "start", "source", "end", "outline")

    def __init__(self, node, start, source: str, end):
        self.node, self.start, self.source, self.end = node, start, source, end  # node: kept, so its id is not reused
        self.outline: tuple | None = None


def _source(lines: list[str], node) -> str:
    (start_line, start_column), (end_line, end_column) = node.start_pos, node.end_pos
    if start_line == end_line:
        return lines[start_line - 1][start_column:end_column] if start_line <= len(lines) else ""
    return lines[start_line - 1][start_column:] + "".join(lines[start_line:end_line - 1]) + (
        lines[end_line - 1][:end_column] if end_line <= len(lines) else ""
    )


def _outline(lines: list[str], node) -> str:
    """A statement's source, with a function's body left out (decorators and signature kept)."""
    definition = node
    if definition.type in ("decorated", "async_stmt", "async_funcdef"):
        definition = definition.children[-1]
        if definition.type in ("async_stmt", "async_funcdef"):
            definition = definition.children[-1]
    if definition.type != "funcdef":
        return _source(lines, node)
    body = definition.children[-1]
    head_end = body.start_pos
    return _source(lines, _Span(node.start_pos, head_end))


class _Span:
    def __init__(self, start, end):
        self.start_pos, self.end_pos = start, end


def _import_end_line(module) -> int:
    """The last line of the module's leading block of imports (docstring and comments allowed)."""
    end = 0
    for child in module.children:
        if child.type != "simple_stmt":
            break
        first = child.children[0]
        if first.type in ("import_name", "import_from"):
            end = child.end_pos[0] - 1
        elif first.type == "string" and end == 0:
            end = child.end_pos[0] - 1
        else:
            break
    return end


class _Partial:
    """The fields of ModuleFacts a RouterGraph reads, before the facts exist."""

    def __init__(self, routers, registrations, hooks=()):
        self.routers = routers
        self.registrations = registrations
        self.hooks = hooks
