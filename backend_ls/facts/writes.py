"""What a function writes: calls that create, change or delete persistent records.

Built on the call facts alone, so any check that asks "does this handler change data?" (state
change on GET, unauthenticated writes, create without 201) gets the same answer. The question is
about records (a database, a document store, an object store reached through a client), not about
local data structures: `dict.update`, `list.remove` and `cache.delete(key)` are not writes here.
Where a call could be either and nothing settles it, it is not reported.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from backend_ls.facts.branches import reachable_by
from backend_ls.facts.model import Call, Function, ModuleFacts, Value
from backend_ls.positions import Span

# Kinds: "create", "update", "delete"; "commit" for a commit or flush, which persists writes made
# elsewhere; "write" for a write whose nature is unknown (`.save()`, DDL).
KINDS = ("create", "update", "delete", "commit", "write")


@dataclass(frozen=True)
class Write:
    kind: str
    call: Call
    how: str  # "session", "manager", "query", "record", "builder", "sql", "name"

    @property
    def span(self) -> Span:
        return self.call.span

    @property
    def label(self) -> str:
        """The call as a reader recognises it: `db.session.commit`, `filter_by(...).update`."""
        if self.call.callee:
            return self.call.callee
        chain = [piece.replace("()", "(...)").replace("[]", "[...]") for piece in self.call.chain]
        return ".".join(chain[-2:]) if len(chain) > 1 else "".join(chain)


SESSION_OPERATIONS = {
    "add": "create",
    "add_all": "create",
    "bulk_insert_mappings": "create",
    "bulk_save_objects": "write",
    "bulk_update_mappings": "update",
    "merge": "update",
    "delete": "delete",
    "commit": "commit",
    "flush": "commit",
}
SESSION_TYPES = frozenset(
    {
        "sqlalchemy.orm.Session",
        "sqlalchemy.orm.session.Session",
        "sqlalchemy.orm.scoped_session",
        "sqlalchemy.orm.scoping.scoped_session",
        "sqlalchemy.ext.asyncio.AsyncSession",
        "sqlalchemy.ext.asyncio.session.AsyncSession",
        "sqlalchemy.ext.asyncio.async_scoped_session",
        "sqlmodel.Session",
        "sqlmodel.orm.session.Session",
        "sqlmodel.ext.asyncio.session.AsyncSession",
    }
)
SESSION_FACTORIES = frozenset(
    {
        "sqlalchemy.orm.sessionmaker",
        "sqlalchemy.orm.session.sessionmaker",
        "sqlalchemy.ext.asyncio.async_sessionmaker",
    }
)
SESSION_INSTANCES = frozenset(
    {f"{t}()" for t in SESSION_TYPES}
    | {f"{f}()()" for f in SESSION_FACTORIES}
    | {"sqlalchemy.orm.scoped_session()()", "flask_sqlalchemy.SQLAlchemy().session"}
)

MANAGER_OPERATIONS = {
    "create": "create",
    "bulk_create": "create",
    "get_or_create": "create",
    "update_or_create": "update",
    "bulk_update": "update",
    "update": "update",
    "delete": "delete",
}
QUERY_SEGMENTS = frozenset({"query", "objects"})
SQL_BUILDER_ROOTS = ("sqlalchemy", "sqlmodel")
SQL_BUILDERS = {"insert": "create", "update": "update", "delete": "delete"}
SQL_EXECUTE = frozenset({"execute", "executemany", "executescript", "exec_driver_sql"})
SQL_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|DROP|ALTER|TRUNCATE)\b", re.I)
SQL_KINDS = {"INSERT": "create", "UPDATE": "update", "DELETE": "delete", "TRUNCATE": "delete"}

# A name that starts with a write verb as a whole word: `delete_user`, `createOrder`, `save`.
# Lower case first, so classes such as `CreateUserRequest(...)` (a constructor) do not count, and
# a word boundary, so `removeprefix` or `updated_at` do not either.
VERB_NAME = re.compile(r"^(create|update|delete|remove|insert|save)(?:$|_|[A-Z0-9])")
VERB_KINDS = {"create": "create", "insert": "create", "update": "update", "delete": "delete", "remove": "delete", "save": "write"}
# Names that start with a verb and never touch records.
NOT_WRITES = frozenset({"create_task", "delete_cookie", "update_wrapper", "update_forward_refs"})
# Libraries whose verb-named functions build objects or talk HTTP rather than change records
# (`create_engine`, `create_access_token`, `requests.delete`): only the structural patterns
# (sessions, statement builders, SQL text) count under them.
NOT_RECORD_LIBRARIES = frozenset(
    {
        "aiohttp", "django", "fastapi", "flask", "flask_jwt_extended", "flask_login", "httpx", "jwt",
        "pydantic", "requests", "sqlalchemy", "sqlmodel", "starlette", "urllib3", "werkzeug",
        "flask_caching", "cachetools", "redis", "jinja2", "itsdangerous", "marshmallow",
    }
)
ATTRIBUTE_TARGET = re.compile(r"^([a-z_]\w*)\.\w+$")
NOT_RECORD_OBJECTS = frozenset({"self", "cls", "g", "app", "current_app", "request", "response", "resp", "session"})
STDLIB = frozenset(sys.stdlib_module_names) | {"builtins"}


def writes_in(facts: ModuleFacts, function: str, method: str | None = None) -> list[Write]:
    """The writes made by a function's own body (not by the functions nested in it); with
    `method`, only those a request with that method can reach (`if request.method == "POST":`)."""
    fact = facts.functions.get(function)
    writes = []
    for call in facts.calls_in(function):
        write = write_of(call, facts, fact)
        if write is None:
            continue
        if method is not None and not reachable_by(facts.method_branches, call.span, method):
            continue
        writes.append(write)
    return writes


def sets_attributes(facts: ModuleFacts, function: str) -> bool:
    """Whether a function's own body sets attributes of a local object (`user.status = ...`): with a
    commit after it, that is how an ORM record is updated."""
    for assignment in facts.assignments:
        if assignment.function != function:
            continue
        match = ATTRIBUTE_TARGET.match(assignment.target)
        if match and match.group(1) not in NOT_RECORD_OBJECTS:
            return True
    return False


def write_of(call: Call, facts: ModuleFacts, function: Function | None = None) -> Write | None:
    """The write a call makes, if it makes one; `function` is the enclosing function's facts."""
    name = call.name
    if name is None or name in NOT_WRITES:
        return None
    receiver = tuple(_bare(piece) for piece in call.chain[:-1])
    root = _root(call.qualname)
    if "request" in receiver:
        return None  # the request's (cookie) session and data, not records
    if name in SESSION_OPERATIONS and receiver and _is_session(call, receiver, facts, function):
        return Write(SESSION_OPERATIONS[name], call, "session")
    sql = _raw_sql(call, name)
    if sql is not None:
        return Write(sql, call, "sql")
    if root in SQL_BUILDER_ROOTS:  # `update(User)`, `sa.delete(User)`, `from sqlalchemy import insert as ins`
        builder = SQL_BUILDERS.get(call.qualname.rsplit(".", 1)[-1])
        return Write(builder, call, "builder") if builder else None
    if root in STDLIB or any("cache" in piece.lower() for piece in receiver):
        return None
    if receiver and receiver[-1] == "objects":
        kind = MANAGER_OPERATIONS.get(name) or _verb_kind(name)
        return Write(kind, call, "manager") if kind else None
    # `User.query.filter_by(...).update(...)`, `Order.objects.filter(...).delete()`; a variable
    # that happens to be called `query` (often a dict of parameters) is not enough.
    if name in ("update", "delete") and QUERY_SEGMENTS & set(receiver[1:]):
        return Write(MANAGER_OPERATIONS[name], call, "query")
    kind = _verb_kind(name)
    if kind is None:
        return None
    if receiver and name == VERB_NAME.match(name).group(1):
        # A bare verb as a method is also the name of list, dict, set and cache methods: only the
        # shapes that belong to records count, whatever library the record comes from.
        if name in ("save", "delete") and not call.args and not call.star_args:
            return Write(kind, call, "record")  # `order.save()`, `comment.delete()` (a file's `save(path)` has one)
        if receiver[-1][:1].isupper():
            return Write(kind, call, "record")  # a class: `User.create(...)`, `stripe.Customer.create(...)`
        return None
    if root in NOT_RECORD_LIBRARIES:
        return None
    return Write(kind, call, "name")  # `delete_user(...)`, `repo.create_order(...)`, `save(...)`


def _verb_kind(name: str) -> str | None:
    match = VERB_NAME.match(name)
    return VERB_KINDS[match.group(1)] if match else None


def _bare(piece: str) -> str:
    while piece.endswith(("()", "[]")):
        piece = piece[:-2]
    return piece


def _root(qualname: str | None) -> str | None:
    if not qualname or qualname.startswith("."):
        return None
    return qualname.split(".", 1)[0].split("(", 1)[0]


def _receiver_qualname(call: Call) -> str | None:
    if call.qualname and call.name and call.qualname.endswith("." + call.name):
        return call.qualname[: -len(call.name) - 1]
    return None


def _is_session(call: Call, receiver: tuple[str, ...], facts: ModuleFacts, function: Function | None) -> bool:
    qualname = _receiver_qualname(call)
    if qualname is not None:
        if qualname in SESSION_INSTANCES:
            return True
        if _root(qualname) in NOT_RECORD_LIBRARIES - {"sqlalchemy", "sqlmodel"}:
            return False  # `requests.Session().delete(url)`, an aiohttp `ClientSession`
    if len(call.chain) == 2 and function is not None:
        for parameter in function.parameters:
            if parameter.name == receiver[0] and parameter.annotation is not None:
                return _is_session_annotation(parameter.annotation, facts)
    last = receiver[-1].lower()
    return last == "session" or last.endswith("_session")


def _is_session_annotation(annotation: Value, facts: ModuleFacts) -> bool:
    if annotation.qualname in SESSION_TYPES:
        return True
    # `Annotated[Session, Depends(get_db)]`: the type is the first argument.
    if annotation.qualname and annotation.qualname.endswith("Annotated[]"):
        inner = annotation.text.split("[", 1)[1].split(",", 1)[0].strip()
        head, _, rest = inner.partition(".")
        qualname = facts.imports.get(head)
        return qualname is not None and (f"{qualname}.{rest}" if rest else qualname) in SESSION_TYPES
    return False


def _raw_sql(call: Call, name: str) -> str | None:
    if name in SQL_EXECUTE:
        pass
    elif name == "text" and len(call.chain) <= 2:
        pass  # `sqlalchemy.text`, Flask-SQLAlchemy's `db.text`: the SQL literal is what decides
    else:
        return None
    if not call.args:
        return None
    match = SQL_WRITE.match(_leading_text(call.args[0]) or "")
    if match is None:
        return None
    return SQL_KINDS.get(match.group(1).upper(), "write")


def _leading_text(value: Value) -> str | None:
    """The literal beginning of a string expression: all of a literal, the head of an f-string."""
    if value.kind == "str":
        return value.literal if isinstance(value.literal, str) else None
    if value.kind == "fstring":
        match = re.match(r"[rRfFuU]*('''|\"\"\"|'|\")", value.text)
        return value.text[match.end():] if match else None
    if value.kind == "binop" and value.parts:
        return _leading_text(value.parts[0])
    return None
