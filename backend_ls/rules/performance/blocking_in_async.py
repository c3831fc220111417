"""PERF004: a blocking call inside `async def`, which stalls every request the event loop serves."""

from __future__ import annotations

import re

from backend_ls.facts.http_calls import is_blocking_http
from backend_ls.facts.model import Call, Function, ModuleFacts
from backend_ls.fixes import add_import, replace
from backend_ls.positions import Span
from backend_ls.rules.base import Applicability, Fix, Rule
from backend_ls.statement_checks import whole_module

SLEEP = "time.sleep"
SUBPROCESS = frozenset({"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output"})

# Synchronous SQLAlchemy / SQLModel sessions, as names resolve (an instance gets "()").
SYNC_SESSION_TYPES = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
    }
)
SYNC_SESSION_INSTANCES = frozenset(
    {f"{t}()" for t in SYNC_SESSION_TYPES}
    | {
        "sqlalchemy.orm.sessionmaker()()",
        "sqlalchemy.orm.session.sessionmaker()()",
        "sqlalchemy.orm.sessionmaker().begin()",
        "sqlalchemy.orm.scoped_session()()",
        "flask_sqlalchemy.SQLAlchemy().session",
    }
)
# Session methods that talk to the database (`add` and `delete` only stage changes).
SESSION_IO = frozenset(
    {"query", "execute", "exec", "scalar", "scalars", "get", "get_one", "commit", "flush", "refresh", "merge", "rollback"}
)
ASYNC_DEF = re.compile(r"async\s+(?=def\b)")


class BlockingInAsync(Rule):
    code = "PERF004"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        fastapi_handlers = {
            handler for handler, routes in context.handlers().items()
            if any(route.framework == "fastapi" for route in routes)
        }
        found = []
        for call in facts.calls:
            function = facts.functions.get(call.function) if call.function else None
            if function is None or not function.is_async:
                continue
            body = facts.body_of(function.qualname)
            if body is not None and (
                call.span in body.awaited or any(_inside(call.span, lam) for lam in body.lambdas)
            ):
                continue  # awaited: not a blocking call; in a lambda: deferred, often to a thread
            kind = _blocking_kind(call, function, facts)
            if kind is not None:
                found.append((call, function, kind))
        sleep_fixed = set()
        sleep_fixes = {}
        for call, function, kind in found:
            if kind == "sleep":
                sleep_fixes[call.span] = _sleep_fix(call, facts, context.lines)
                if sleep_fixes[call.span] is not None:
                    sleep_fixed.add(function.qualname)
        for call, function, kind in found:
            if kind == "sleep":
                fix = sleep_fixes[call.span]
            elif function.qualname in fastapi_handlers and function.qualname not in sleep_fixed:
                # Not where a `time.sleep` fix adds an `await`: the handler has to stay a coroutine.
                body = facts.body_of(function.qualname)
                fix = _plain_def_fix(function, context.lines) if body is not None and not body.suspends else None
            else:
                fix = None
            yield self.finding(call.span, _message(kind, _label(call), function.name), fix)


def _blocking_kind(call: Call, function: Function, facts: ModuleFacts) -> str | None:
    if is_blocking_http(call):
        return "http"
    if call.qualname == SLEEP:
        return "sleep"
    if call.qualname in SUBPROCESS:
        return "subprocess"
    if call.name in SESSION_IO and _is_sync_session(call, function, facts):
        return "session"
    return None


def _is_sync_session(call: Call, function: Function, facts: ModuleFacts) -> bool:
    qualname = call.qualname
    if qualname is not None and call.name and qualname.endswith("." + call.name):
        return qualname[: -len(call.name) - 1] in SYNC_SESSION_INSTANCES
    if len(call.chain) != 2:
        return False
    # `db.query(...)` where `db` is a parameter annotated as a synchronous session.
    for parameter in function.parameters:
        if parameter.name == call.chain[0] and parameter.annotation is not None:
            return _is_sync_session_annotation(parameter.annotation, facts)
    return False


def _is_sync_session_annotation(annotation, facts: ModuleFacts) -> bool:
    if annotation.qualname in SYNC_SESSION_TYPES:
        return True
    # `Annotated[Session, Depends(get_db)]`: the type is the first argument.
    if annotation.qualname and annotation.qualname.endswith("Annotated[]") and "[" in annotation.text:
        inner = annotation.text.split("[", 1)[1].split(",", 1)[0].strip()
        head, _, rest = inner.partition(".")
        qualname = facts.imports.get(head)
        return qualname is not None and (f"{qualname}.{rest}" if rest else qualname) in SYNC_SESSION_TYPES
    return False


def _inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


def _label(call: Call) -> str:
    if call.callee:
        return call.callee
    return ".".join(piece.replace("()", "(...)").replace("[]", "[...]") for piece in call.chain)


def _message(kind: str, label: str, name: str) -> str:
    where = f"`{label}` inside `async def {name}`"
    if kind == "http":
        return f"{where} blocks the event loop while it waits on the network; use an async client such as `httpx.AsyncClient`, or run it in a thread."
    if kind == "sleep":
        return f"{where} blocks the event loop; use `await asyncio.sleep(...)`."
    if kind == "subprocess":
        return f"{where} blocks the event loop until the process exits; use `asyncio.create_subprocess_exec`, or run it in a thread."
    return f"{where} is a synchronous database call that blocks the event loop; use an `AsyncSession`, or run it in a thread."


def _sleep_fix(call: Call, facts: ModuleFacts, lines: list[str]) -> Fix | None:
    """`time.sleep(x)` -> `await asyncio.sleep(x)`, with `import asyncio` when it is missing."""
    if not call.callee:
        return None
    line, column = call.span.start
    text = lines[line - 1] if line - 1 < len(lines) else ""
    if not re.match(re.escape(call.callee) + r"\s*\(", text[column:]):
        return None
    name, import_edit = _asyncio_name(facts)
    if name is None:
        return None
    edits = [replace(Span(call.span.start, (line, column + len(call.callee))), f"await {name}.sleep")]
    if import_edit is not None:
        edits.insert(0, import_edit)
    return Fix("Use `await asyncio.sleep`", Applicability.SAFE, tuple(edits))


def _asyncio_name(facts: ModuleFacts):
    if facts.imports.get("asyncio") == "asyncio":
        return "asyncio", None
    for local, qualname in sorted(facts.imports.items()):
        if qualname == "asyncio":
            return local, None
    if "asyncio" in facts.imports or any(a.target == "asyncio" and a.function is None for a in whole_module(facts).assignments):
        return None, None  # the name means something else here
    return "asyncio", add_import(facts, "import asyncio", "asyncio", "asyncio")


def _plain_def_fix(function: Function, lines: list[str]) -> Fix | None:
    """FastAPI runs a plain `def` handler in its thread pool, where blocking calls are harmless."""
    line, column = function.def_span.start
    text = lines[line - 1] if line - 1 < len(lines) else ""
    match = ASYNC_DEF.match(text, column)
    if match is None:
        return None
    edit = replace(Span((line, column), (line, match.end())), "")
    return Fix(f"Make `{function.name}` a plain `def`", Applicability.UNSAFE, (edit,))
