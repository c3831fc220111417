"""The workspace index: the facts of every Python file, so checks can answer cross-file questions.

It holds facts, never parse trees (a large live heap of trees slows everything through the garbage
collector), keeps them on disk between runs keyed by content hash and engine fingerprint, and
lets open buffers override what is on disk. Questions it answers: which module a dotted name
lives in (through relative imports and re-exports), and the full paths of routes whose prefixes are
set in other modules.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import logging
import operator
import os
import pickle
import threading
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from backend_ls import __version__
from backend_ls.collection import collection_paused
from backend_ls.django_routes import django_exported, django_routes
from backend_ls.facts.model import ModuleFacts, PathPart, Route, Value, field_names
from backend_ls.facts.queries import exported_queries
from backend_ls.facts.router_graph import OWN_ORIGINS, Key, RouterGraph
from backend_ls.positions import Span

log = logging.getLogger(__name__)
MAX_RESOLUTION_DEPTH = 10
MAX_FILE_CHARACTERS = 5_000_000
POOLED_FROM_FILES = 64  # fewer files are parsed in the process that asks: starting workers costs more


# Bumped when the form facts are stored in changes without their meaning changing (`shared`).
CACHE_FORMAT = "2"


def engine_fingerprint() -> str:
    """Changes whenever the code that computes facts changes, so stale cached facts are not used."""
    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode() + b"\0" + CACHE_FORMAT.encode())
    for path in [*sorted((package / "facts").glob("*.py")), package / "positions.py"]:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def default_cache_dir() -> Path:
    from backend_ls.run_cache import cache_root

    return cache_root() / "facts"


class FactsCache:
    """Facts on disk, one pickle per (engine, path, content)."""

    def __init__(self, directory: Path | None, fingerprint: str):
        self.directory = directory
        self.fingerprint = fingerprint

    def key(self, path: str, data: bytes, external: dict[str, str] | None = None) -> str:
        known = repr(sorted((external or {}).items())).encode()
        return hashlib.sha256(self.fingerprint.encode() + b"\0" + path.encode() + b"\0" + known + b"\0" + data).hexdigest()

    def load(self, key: str) -> ModuleFacts | None:
        if self.directory is None:
            return None
        try:
            with open(self.directory / key[:2] / key, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None

    def store(self, key: str, facts: ModuleFacts) -> None:
        self.store_pickled(key, pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL))

    def store_pickled(self, key: str, data: bytes) -> None:
        """Store facts already pickled (a worker sends the parent the same bytes)."""
        if self.directory is None:
            return
        folder = self.directory / key[:2]
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".{key}.{os.getpid()}.{threading.get_ident()}"
            with open(temporary, "wb") as handle:
                handle.write(data)
            os.replace(temporary, folder / key)
        except OSError as error:  # a cache that cannot be written only costs time
            log.debug("cannot write the facts cache: %s", error)


def read_source(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def facts_of_text(text: str, path: str, external: dict[str, str] | None = None) -> ModuleFacts:
    from backend_ls.analysis import grammar
    from backend_ls.facts import module_facts

    tree = grammar().parse(text, error_recovery=True)
    facts = module_facts(tree, path, external=external)
    if not gc.isenabled():
        # An index build holds the collector off (WorkspaceIndex.build): the tree's cycles (parent
        # <-> children) would outlive it, and be frozen with the index, unless collected now.
        del tree
        gc.collect(0)
    return facts


# Fact classes whose equal instances may be one object: nothing asks them `is` or `id()`.
_MERGEABLE = frozenset((Span, Value, PathPart))
# Per class: a getter of its fields' values at once, when it is a frozen dataclass; None otherwise.
_FIELDS: dict[type, Callable | None] = {}
_NO_PARTS = frozenset((type(None), bool, int, float))  # kept as they are, no call made for them


def _fields_getter(cls: type) -> Callable | None:
    """All field values of a frozen dataclass in one call (a tuple); None for any other type (left as it is)."""
    if cls not in _FIELDS:
        params = getattr(cls, "__dataclass_params__", None)
        names = field_names(cls) if params is not None and params.frozen else None
        if not names:
            _FIELDS[cls] = None
        elif len(names) == 1:
            getter = operator.attrgetter(names[0])
            _FIELDS[cls] = lambda value: (getter(value),)
        else:
            _FIELDS[cls] = operator.attrgetter(*names)
    return _FIELDS[cls]


def shared(facts: ModuleFacts) -> ModuleFacts:
    """The same facts with their equal strings, points, spans and values made one object each.

    The adapters make a new string, point and span wherever they read one, so a module's facts
    hold the same callee, qualname and position many times over; the index keeps a thousand
    modules' facts for as long as it lives (about 40% less memory shared, and smaller pickles,
    whose memo keeps the sharing on disk and through the workers' pipes). Facts are immutable
    values, fresh from `facts_of_text`: fields are replaced in place by equal objects, so every
    comparison answers as before. Points and spans, made of plain ints, are merged by value; other
    tuples and objects only when their parts are the same objects, never by equality alone
    (`(True, 1) == (1, 1)`).

    It runs once per file of every index build: the common parts (strings, numbers, spans, empty
    tuples) are settled where they are met instead of by a call each."""
    strings: dict[str, str] = {}
    points: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int, int, int], Span] = {}
    composites: dict[tuple, object] = {}
    done: dict[int, tuple[object, object]] = {}  # id -> (the object, kept alive; what it became)
    assign = object.__setattr__
    intern = strings.setdefault
    fields_of = _FIELDS.get
    no_parts = _NO_PARTS

    def span(value: Span) -> Span:
        """A span of plain ints merged with an equal one; any other span is shared as an object."""
        numbers = (value.start_line, value.start_column, value.end_line, value.end_column)
        if type(numbers[0]) is int and type(numbers[1]) is int and type(numbers[2]) is int and type(numbers[3]) is int:
            return spans.setdefault(numbers, value)
        return shared_object(value)

    def share(value):
        kind = type(value)
        if kind is str:
            return intern(value, value)
        if kind is tuple:
            if not value:
                return value  # the one empty tuple
            if len(value) == 2 and type(value[0]) is int and type(value[1]) is int:
                return points.setdefault(value, value)
            items = []
            for item in value:
                each = type(item)
                if each is str:
                    item = intern(item, item)
                elif each is Span:
                    item = span(item)
                elif each not in no_parts:
                    item = share(item)
                items.append(item)
            items = tuple(items)
            return composites.setdefault((tuple, *map(id, items)), items)
        if kind is Span:
            return span(value)
        return shared_object(value)

    def shared_object(value):
        """A dict or a frozen dataclass with its parts shared (merged by its parts' identity when
        its class allows); anything else as it is."""
        kind = type(value)
        seen = done.get(id(value))
        if seen is not None:
            return seen[1]
        if kind is dict:
            result = {share(key): share(item) for key, item in value.items()}
        else:
            getter = fields_of(kind, False)
            if getter is False:
                getter = _fields_getter(kind)
            if getter is None:
                return value  # numbers, lists, sets, anything else: kept as they are
            parts = getter(value)
            mergeable = kind in _MERGEABLE
            changed = None
            for position, item in enumerate(parts):
                each = type(item)
                if each is str:
                    new = intern(item, item)
                elif each is Span:
                    new = span(item)
                elif each in no_parts or (each is tuple and not item):
                    continue
                else:
                    new = share(item)
                if new is not item:
                    if changed is None:
                        changed = list(parts)
                        names = field_names(kind)
                    changed[position] = new
                    assign(value, names[position], new)
            if mergeable:
                result = composites.setdefault((kind, *map(id, changed if changed is not None else parts)), value)
            else:
                result = value
        done[id(value)] = (value, result)
        return result

    try:
        return share(facts)
    except RecursionError:  # absurdly nested literals: what was shared so far is still equal
        return facts


@dataclass
class FileResult:
    path: str
    text: str | None
    facts: ModuleFacts | None
    error: str | None = None
    # From a worker process: the facts as pickled for the cache, sent as they are instead of being
    # pickled a second time for the pipe; `unpickled()` makes them `facts` again in the parent.
    pickled: bytes | None = None

    def unpickled(self) -> FileResult:
        if self.pickled is not None:
            self.facts, self.pickled = pickle.loads(self.pickled), None
        return self


def _cached_result(path: str, cache: FactsCache) -> FileResult | None:
    """The file's facts when the cache has them for its current content, else None."""
    if cache.directory is None:
        return None
    try:
        data = Path(path).read_bytes()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None  # load_file reports it
    facts = cache.load(cache.key(path, data))
    return FileResult(path, text, facts) if facts is not None else None


def load_file(
    path: str, cache_dir: str | None, fingerprint: str, external: dict[str, str] | None = None, pickled: bool = False
) -> FileResult:
    """Facts of one file, from the cache or by parsing it. Top-level so process pools can run it;
    `pickled` (in a worker): facts computed here are returned pickled, as they were cached."""
    cache = FactsCache(Path(cache_dir) if cache_dir else None, fingerprint)
    try:
        data = Path(path).read_bytes()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        return FileResult(path, None, None, f"{path}: cannot be read: {error}")
    if len(text) > MAX_FILE_CHARACTERS:
        return FileResult(path, text, None, f"{path} is not analysed: it has more than {MAX_FILE_CHARACTERS:,} characters")
    key = cache.key(path, data, external)
    facts = cache.load(key)
    if facts is None:
        try:
            facts = shared(facts_of_text(text, path, external))
        except Exception as error:  # one unreadable file must not stop the index
            return FileResult(path, text, None, f"{path}: cannot be analysed: {error!r}")
        if pickled or cache.directory is not None:
            facts_pickle = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
            cache.store_pickled(key, facts_pickle)
            if pickled:
                return FileResult(path, text, None, pickled=facts_pickle)
    return FileResult(path, text, facts)


def _load_in_worker(path: str, cache_dir: str | None, fingerprint: str, external: dict[str, str] | None = None) -> FileResult:
    return load_file(path, cache_dir, fingerprint, external, pickled=True)


def _start_worker() -> None:
    # Parse trees are cycles (parent <-> children): with the collector held off, facts_of_text
    # collects each tree's young objects once it is done with it, instead of the collector's
    # repeated passes while the tree is built (about 7% of a worker's time).
    gc.disable()


@contextmanager
def index_executor(files: int, fork: bool = False):
    """Worker processes for a big build (parsing holds the GIL); none for a small one. `fork`: the
    caller runs no other thread (the CLI), so workers may be forked copies of it, which start
    without a new interpreter and its imports."""
    from backend_ls.forked import can_fork

    workers = os.cpu_count() or 1
    if files < POOLED_FROM_FILES or workers < 2:
        yield None
        return
    # "spawn" otherwise: the server has threads running, and forking a threaded process is unsafe.
    context = multiprocessing.get_context("fork" if fork and can_fork() else "spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker) as executor:
        yield executor


def module_names(path: Path, roots: Iterable[Path]) -> list[str]:
    """The dotted names a file can be imported by: from its package chain, and from each root."""
    path = path.resolve()
    names = []
    parts = [path.stem] if path.stem != "__init__" else []
    folder = path.parent
    while (folder / "__init__.py").is_file() and folder != folder.parent:
        parts.insert(0, folder.name)
        folder = folder.parent
    if parts:
        names.append(".".join(parts))
    for root in roots:
        for base in (root.resolve(), root.resolve() / "src"):
            try:
                relative = path.relative_to(base).with_suffix("")
            except ValueError:
                continue
            pieces = list(relative.parts)
            if pieces and pieces[-1] == "__init__":
                pieces.pop()
            if pieces and all(piece.isidentifier() for piece in pieces):
                name = ".".join(pieces)
                if name not in names:
                    names.append(name)
    return names


@dataclass
class IndexedModule:
    path: str
    names: list[str]
    is_package: bool
    facts: ModuleFacts


# Library objects other modules import by name: the app, blueprints and routers, the ORM handle.
SHARED_OBJECTS = ("flask.", "fastapi.", "starlette.", "flask_sqlalchemy.", "sqlalchemy.", "sqlmodel.", "requests.", "httpx.")


def shared_objects(facts: ModuleFacts) -> dict[str, str]:
    """Module-level names bound to instances of library classes: `db = SQLAlchemy()` -> db."""
    found = {}
    for assignment in facts.assignments:
        if assignment.function is not None or assignment.class_name is not None:
            continue
        qualname = assignment.value.qualname if assignment.value.kind == "call" else None
        if qualname and qualname.endswith("()") and qualname.startswith(SHARED_OBJECTS) and "." not in assignment.target:
            found[assignment.target] = qualname
    return found


def exported(facts: ModuleFacts, last: tuple | None = None) -> tuple:
    """The parts of a module's facts that checks in other modules read. `last`: the same module's
    facts before an edit and what they exported; what comes from the very same routes or queries
    is taken from it (an open document's keep theirs from one keystroke to the next, and going
    over 600 routes again cost 0.6 ms a keystroke at 10,000 lines)."""
    before, told = last if last is not None else (None, None)
    if before is not None and facts.routes is before.routes:
        elsewhere, paths = told[3][0], told[8]
    else:
        elsewhere = tuple(route for route in facts.routes if route.handler_symbol is not None)
        # Methods and paths, not positions: another module's duplicate-route check reads them,
        # and typing elsewhere in this module must not re-check every open file.
        paths = tuple((route.methods, tuple(part.text for part in route.parts)) for route in facts.routes)
    queries = told[7] if before is not None and getattr(facts, "queries", ()) is getattr(before, "queries", ()) else exported_queries(facts)
    registered_elsewhere = (elsewhere, tuple(sorted(shared_objects(facts).items())))
    return (facts.routers, facts.registrations, facts.hooks, registered_elsewhere, getattr(facts, "models", ()), facts.imports, django_exported(facts),
            queries, paths)


def _route_parts(exported_facts: tuple) -> tuple:
    """What of `exported` routes are composed of: all but the models and the queries."""
    return exported_facts[:4] + exported_facts[5:7] + exported_facts[8:]


def _model_parts(exported_facts: tuple) -> tuple:
    """What of `exported` models are settled from (their columns, bases, indexes): all but the queries."""
    return exported_facts[:7] + exported_facts[8:]


class WorkspaceIndex:
    def __init__(self, roots: Iterable[Path], cache_dir: Path | None = None):
        self.roots = [Path(root) for root in roots]
        self.cache_dir = cache_dir
        self.fingerprint = engine_fingerprint()
        self.modules: dict[str, IndexedModule] = {}
        self.by_name: dict[str, str] = {}
        self.errors: list[str] = []
        self._lock = threading.RLock()
        self._graph: RouterGraph | None = None
        self._foreign: dict[str, list[Route]] | None = None
        self._foreign_modules: set[str] = set()  # modules the routes registered elsewhere involve
        self._foreign_generation = 0
        self._generation = 0  # bumped whenever what modules export to each other changes
        self._route_generation = 0  # bumped when what routes are composed of changes
        self._model_generation = 0  # bumped when what models are settled from changes
        self._exported: dict[str, tuple] = {}  # open document -> (its facts, what they export)
        self._routes: dict[str, tuple] = {}  # path -> (facts, stamp, routes, modules of their parts)
        self._through: dict[str, set[str]] = {}  # module -> modules with routes through its prefixes
        self._through_stamp: tuple | None = None
        self._memos: dict[str, tuple[int, object]] = {}
        self.pinned: set[str] = set()
        # Bumped whenever a module's facts are added, replaced or removed: what is kept per module
        # for every module (a check's workspace table) is up to date while it is unchanged.
        self.changes = 0

    def set_roots(self, roots: Iterable[Path]) -> None:
        """Take the workspace folders; names of files indexed before (open buffers) are redone."""
        with self._lock:
            self.roots = [Path(root) for root in roots]
            self.by_name.clear()
            for key, module in self.modules.items():
                module.names = module_names(Path(key), self.roots)
                for name in module.names:
                    self.by_name.setdefault(name, key)
            self._forget_graph()

    def pin(self, path: str) -> None:
        """An editor opened the file: its facts come from the buffer, so the build skips it."""
        self.pinned.add(self._key(path))

    def unpin(self, path: str) -> None:
        self.pinned.discard(self._key(path))
        self._exported.pop(self._key(path), None)

    # -- building -------------------------------------------------------------------------------
    def files(self) -> list[Path]:
        from backend_ls.files import python_files

        return python_files([root for root in self.roots if root.is_dir()])

    def build(
        self,
        paths: list[Path] | None = None,
        executor: Executor | None = None,
        progress: Callable[[int, int], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> list[FileResult]:
        """Index files (all of the workspace by default); returns what each file gave."""
        # Facts are many small objects that live as long as the index: the collector's passes over
        # the growing heap would cost more than the loading itself (15 ms -> 2 ms a file, warm).
        with collection_paused():
            try:
                return self._build(paths, executor, progress, cancelled)
            finally:
                gc.freeze()  # what is indexed now is not scanned again by later collections

    def _build(self, paths, executor, progress, cancelled) -> list[FileResult]:
        paths = self.files() if paths is None else paths
        cache_dir = str(self.cache_dir) if self.cache_dir else None
        # Open files are analysed from their buffers; parsing them here too would only compete.
        jobs = [str(path) for path in paths if self._key(str(path)) not in self.pinned]
        if executor is None:
            results = (load_file(job, cache_dir, self.fingerprint) for job in jobs)
        else:
            results = self._cached_here_rest_in(executor, jobs, cache_dir)
        collected = []
        for done, result in enumerate(results, 1):
            if cancelled():
                break
            collected.append(result)
            if result.facts is not None:
                self.update(result.path, result.facts)
            elif result.error:
                self.errors.append(result.error)
            if progress is not None:
                progress(done, len(jobs))
        return self._with_imported_objects(collected, executor, cache_dir)

    def _cached_here_rest_in(self, executor, jobs: list[str], cache_dir):
        """Files whose facts are cached load here (sending them through a worker would pickle them
        twice more); the others are parsed by the workers."""
        cache = FactsCache(Path(cache_dir) if cache_dir else None, self.fingerprint)
        misses = []
        for job in jobs:
            result = _cached_result(job, cache)
            if result is None:
                misses.append(job)
            else:
                yield result
        # Chunks of a few files: fewer hand-offs than one at a time, and a short tail at the end,
        # where a worker that has no chunk left waits for the others (31 files, about a second,
        # before; the workers idled half of that on average).
        chunk = max(1, min(16, len(misses) // 64))
        for result in executor.map(_load_in_worker, misses, [cache_dir] * len(misses), [self.fingerprint] * len(misses), chunksize=chunk):
            yield result.unpickled()

    def _with_imported_objects(self, collected: list[FileResult], executor, cache_dir) -> list[FileResult]:
        """Second pass: modules that import an app, blueprint, router or ORM handle from another
        module are taken again knowing what it is (`@bp.route` with `bp` from `.blueprints`)."""
        again = {}
        for result in collected:
            if result.facts is None or str(Path(result.path).resolve()) in self.pinned:
                continue
            external = self.external_bindings(result.path, result.facts.imports)
            if external:
                again[result.path] = external
        if not again:
            return collected
        jobs = list(again)
        externals = [again[job] for job in jobs]
        if executor is None:
            redone = [load_file(job, cache_dir, self.fingerprint, known) for job, known in zip(jobs, externals)]
        else:
            redone = [result.unpickled() for result in executor.map(_load_in_worker, jobs, [cache_dir] * len(jobs), [self.fingerprint] * len(jobs), externals)]
        by_path = {result.path: result for result in redone}
        for result in redone:
            if result.facts is not None:
                self.update(result.path, result.facts)
        return [by_path.get(result.path, result) for result in collected]

    def external_bindings(self, path: str, imports: dict[str, str]) -> dict[str, str]:
        """What this module's imported names are, where the module they come from binds them to a
        library object (`from .extensions import db` with `db = SQLAlchemy()` there)."""
        with self._lock:
            found = {}
            for local, symbol in imports.items():
                target = self.resolve(path, symbol)
                if target is None or target[0] not in self.modules:
                    continue
                qualname = shared_objects(self.modules[target[0]].facts).get(target[1])
                if qualname is not None:
                    found[local] = qualname
            return found

    def update(self, path: str, facts: ModuleFacts, pinned: bool = False) -> bool:
        """Take new facts for a file; True when what other modules read from it changed.

        Facts from an open buffer are `pinned`: what is on disk does not replace them until
        `unpin` (the editor's text is newer than the file)."""
        key = self._key(path)
        with self._lock:
            if pinned:
                self.pinned.add(key)
            elif key in self.pinned:
                return False
            old = self.modules.get(key)
            if old is not None and old.facts is facts:
                return False
            names = old.names if old is not None else module_names(Path(key), self.roots)
            self.modules[key] = IndexedModule(key, names, Path(key).name == "__init__.py", facts)
            self.changes += 1
            for name in names:
                self.by_name.setdefault(name, key)
            kept = self._exported.pop(key, None)
            if old is None:
                before = None
            elif kept is not None and kept[0] is old.facts:
                before = kept[1]  # an open document's: computed by its last update
            else:
                before, kept = exported(old.facts), None
            after = exported(facts, kept)
            if pinned:  # the next keystroke compares with it: kept for open documents only
                self._exported[key] = (facts, after)
            changed = before != after
            # A query's or a model's change leaves every module's routes as they are.
            routes_changed = before is None or _route_parts(before) != _route_parts(after)
            if routes_changed or key in self._foreign_modules:
                # Routes registered elsewhere carry their handlers' positions, which move with edits.
                self._foreign = None
                self._foreign_generation += 1
            if routes_changed:
                self._forget_graph()
            elif changed:
                self._generation += 1
                if _model_parts(before) != _model_parts(after):
                    self._model_generation += 1
            return changed

    def remove(self, path: str) -> bool:
        key = self._key(path)
        with self._lock:
            old = self.modules.pop(key, None)
            self._routes.pop(key, None)
            self._exported.pop(key, None)
            if old is None:
                return False
            self.changes += 1
            for name in old.names:
                if self.by_name.get(name) == key:
                    del self.by_name[name]
            self._forget_graph()
            return True

    def __len__(self) -> int:
        return len(self.modules)

    # -- questions ------------------------------------------------------------------------------
    def module_of(self, path: str) -> IndexedModule | None:
        return self.modules.get(self._key(path))

    def absolute(self, module: IndexedModule, symbol: str) -> str:
        """A symbol as seen from `module`, with its leading dots (relative import) resolved."""
        level = len(symbol) - len(symbol.lstrip("."))
        if level == 0 or not module.names:
            return symbol
        package = module.names[0].split(".")
        if not module.is_package:
            package = package[:-1]
        if level > 1:
            package = package[: len(package) - (level - 1)]
        rest = symbol[level:]
        return ".".join([*package, rest] if rest else package)

    def resolve(self, path: str, symbol: str, depth: int = 0) -> Key | None:
        """The (module path, name) a symbol imported in `path` refers to, following re-exports."""
        with self._lock:
            if depth > MAX_RESOLUTION_DEPTH:
                return None
            module = self.modules.get(path) or self.module_of(path)
            if module is None:  # a file not indexed (yet): its names come from its path
                key = self._key(path)
                module = IndexedModule(key, module_names(Path(key), self.roots), Path(key).name == "__init__.py", None)
            name = self.absolute(module, symbol)
            parts = name.split(".")
            for cut in range(len(parts) - 1, 0, -1):
                target = self.by_name.get(".".join(parts[:cut]))
                if target is None:
                    continue
                rest = parts[cut:]
                if len(rest) != 1:
                    return None  # an attribute of an attribute: not a module-level name
                facts = self.modules[target].facts
                reexport = facts.imports.get(rest[0])
                defined = any(d.name == rest[0] for d in facts.routers)
                if reexport is not None and not defined:
                    return self.resolve(target, reexport, depth + 1)
                return (target, rest[0])
            return None

    def stamp(self) -> tuple[int, int]:
        """Changes whenever what modules export to each other changes, or the routes other modules
        register for handlers of one: what a check that reads other modules can be kept under."""
        return (self._generation, self._foreign_generation)

    def route_stamp(self) -> tuple[int, int]:
        """Changes whenever what any module's routes are composed of changes: what a check of
        routes only can be kept under (a query edited elsewhere leaves it)."""
        return (self._route_generation, self._foreign_generation)

    def model_stamp(self) -> tuple[int, int]:
        """Changes whenever what any module's models are settled from changes: what is derived from
        models only can be kept under (a query edited anywhere leaves it)."""
        return (self._model_generation, self._foreign_generation)

    def memo(self, name: str, compute):
        """`compute(index)`, kept until what modules export to each other changes: for checks that
        gather something from every module on every keystroke."""
        with self._lock:
            cached = self._memos.get(name)
            if cached is not None and cached[0] == self._generation:
                return cached[1]
            value = compute(self)
            self._memos[name] = (self._generation, value)
            return value

    def _key(self, path: str) -> str:
        """The index's name for a file: its resolved path (resolving costs a system call per part,
        so a path that is a key already is taken as it is)."""
        return path if path in self.modules else str(Path(path).resolve())

    def _forget_graph(self) -> None:
        self._graph = self._foreign = None
        self._generation += 1
        self._route_generation += 1
        self._model_generation += 1
        self._foreign_generation += 1

    def graph(self) -> RouterGraph:
        with self._lock:
            if self._graph is None:
                graph = RouterGraph(self.resolve)
                for path, module in self.modules.items():
                    graph.add_module(path, module.facts)
                self._graph = graph
            return self._graph

    def routes_of(self, path: str, facts: ModuleFacts) -> list[Route]:
        """The routes whose handlers are in this module, with the prefixes set anywhere in the
        workspace, including routes registered by other modules (`add_url_rule(view_func=...)`)."""
        key = self._key(path)
        with self._lock:
            if key not in self.modules:
                return [route for route in facts.routes if route.handler_symbol is None]
            # Checks ask on every keystroke, for every module: composed routes are kept until the
            # module's facts or what other modules export change.
            cached = self._routes.get(key)
            stamp = (self._route_generation, self._foreign_generation)
            if cached is not None and cached[1] == stamp and _same_route_inputs(cached[0], facts):
                self._routes[key] = (facts, *cached[1:])
                return cached[2]
            own = {}
            for route in facts.routes:  # recompose from each route's own parts only
                if route.handler_symbol is None:
                    own.setdefault((route.anchor, route.handler, route.methods), route)
            routes = self.graph().compose(key, [_own_only(route) for route in own.values()])
            routes += self._registered_elsewhere().get(key, [])
            routes += django_routes(self, key, facts)  # URLconfs anywhere reaching this module's views
            routes.sort(key=lambda route: route.anchor)
            touched = frozenset(part.module for route in routes for part in route.parts if part.module)
            previous = self._routes.get(key)
            for target in previous[3] if previous is not None else ():
                self._through.get(target, set()).discard(key)
            for target in touched:
                self._through.setdefault(target, set()).add(key)
            self._routes[key] = (facts, stamp, routes, touched)
            return routes

    def _registered_elsewhere(self) -> dict[str, list[Route]]:
        """Routes registered in one module for a handler imported from another, by handler module."""
        if self._foreign is None:
            foreign: dict[str, list[Route]] = {}
            sources, targets = set(), set()
            graph = self.graph()
            for path, module in self.modules.items():
                for route in module.facts.routes:
                    if route.handler_symbol is None:
                        continue
                    sources.add(path)
                    target = self.resolve(path, route.handler_symbol)
                    if target is None or target[0] not in self.modules:
                        continue
                    targets.add(target[0])
                    function = self.modules[target[0]].facts.functions.get(target[1])
                    if function is None:
                        continue
                    # The diagnostic of such a route sits on the handler's `def` line in its module.
                    moved = dataclasses.replace(
                        _own_only(route),
                        handler=function.qualname,
                        anchor=function.def_span,
                        path_value=None,
                        methods_value=None,
                        verb_span=None,
                        decorator_close_paren=None,
                    )
                    for composed in graph.compose(path, [moved]):
                        foreign.setdefault(target[0], []).append(composed)
            self._foreign = foreign
            self._foreign_modules = sources | targets
        return self._foreign

    def routes_through(self, path: str) -> list[Route]:
        """Routes of any module whose path has a prefix string written in this module."""
        key = self._key(path)
        with self._lock:
            stamp = (self._route_generation, self._foreign_generation)
            if self._through_stamp != stamp:
                # Composing every module once fills the map of which modules' prefixes each
                # module's routes carry; after that, only modules whose facts change recompose.
                for other, module in self.modules.items():
                    self.routes_of(other, module.facts)
                self._through_stamp = stamp
            found = []
            for other in sorted(self._through.get(key, ())):
                if other == key or other not in self.modules:
                    continue
                for route in self.routes_of(other, self.modules[other].facts):
                    if any(part.module == key for part in route.parts):
                        found.append(dataclasses.replace(route, parts=tuple(
                            dataclasses.replace(part, module=None) if part.module == key else
                            (part if part.module is not None else dataclasses.replace(part, module=other))
                            for part in route.parts
                        )))
            return found

    def symbols(self) -> list[tuple[str, object, str]]:
        """(path, route or model, "route" | "model") for every route and model of the workspace."""
        with self._lock:
            entries = [(path, route, "route") for path, route in self.all_routes()]
            for path, module in sorted(self.modules.items()):
                entries.extend((path, model, "model") for model in getattr(module.facts, "models", ()))
            return entries

    def all_routes(self) -> list[tuple[str, Route]]:
        with self._lock:
            return [(path, route) for path, module in sorted(self.modules.items()) for route in self.routes_of(path, module.facts)]


def _same_route_inputs(old: ModuleFacts, new: ModuleFacts) -> bool:
    """Whether two versions of a module's facts compose the same routes: the same route facts (the
    editor keeps the very tuple while they are unchanged, facts/__init__.py) and the same classes
    and functions, which Django's URL patterns route to."""
    if old is new:
        return True
    return old.routes is new.routes and old.classes == new.classes and old.functions == new.functions


def _own_only(route: Route) -> Route:
    return dataclasses.replace(route, parts=tuple(p for p in route.parts if p.origin in OWN_ORIGINS))
