"""SVC003: a call to another service made while a database transaction is open."""

from __future__ import annotations

import re

from backend_ls.facts.http_calls import is_outbound_http
from backend_ls.facts.model import Call, Function, ModuleFacts, Value
from backend_ls.facts.writes import writes_in
from backend_ls.positions import Span
from backend_ls.rules.base import Related, Rule

ATOMIC = frozenset({"django.db.transaction.atomic", "django.db.transaction.atomic()"})
ORM_ROOTS = ("sqlalchemy", "sqlmodel", "flask_sqlalchemy")
BEGIN = ("begin", "begin_nested")
# Receivers of an unresolved `<x>.begin()` that name a session, an engine or a connection.
SESSION_LIKE = re.compile(r"^(session|\w+_session|db_session|engine|\w+_engine|conn|connection)$")
SESSION_TYPES = ("Session", "AsyncSession", "Engine", "AsyncEngine", "Connection", "AsyncConnection")


class NetworkCallInTransaction(Rule):
    code = "SVC003"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        http = [call for call in facts.calls if call.function is not None and is_outbound_http(call)]
        if not http:
            return
        reported: set[Span] = set()
        for call in http:
            function = facts.functions.get(call.function)
            if function is None or _deferred(call, facts):
                continue
            reason = _transaction_around(call, function, facts)
            if reason is None:
                continue
            what, related = reason
            if call.span in reported:
                continue
            reported.add(call.span)
            yield self.finding(
                call.span,
                f"`{_label(call)}` runs {what}, so the transaction holds its locks and connection while the "
                "other service answers; call it after the commit, or hand it to a background job.",
                related=tuple(Related(context.path, span, message) for span, message in related),
            )


def _transaction_around(call: Call, function: Function, facts: ModuleFacts):
    """Why the call runs inside a transaction, with the places that say so; None if it does not."""
    for block in facts.with_blocks:
        if block.function != function.qualname or not _inside(call.span, block.body):
            continue
        for item in block.items:
            if _opens_transaction(item, function, facts):
                return f"inside the transaction `{item.text}` opens", [(item.span, "the transaction opens here")]
    for decorator in function.decorators:
        if decorator.qualname in ATOMIC:
            return (
                f"inside the transaction `@{decorator.text}` wraps `{function.name}` in",
                [(decorator.span, "the transaction covers the whole function")],
            )
    return _between_write_and_commit(call, function, facts)


def _between_write_and_commit(call: Call, function: Function, facts: ModuleFacts):
    pending = None  # the first write since the last commit
    for write in sorted(writes_in(facts, function.qualname), key=lambda w: w.span.start):
        is_commit = write.call.name == "commit"
        if write.span.start < call.span.start:
            if is_commit:
                pending = None
            elif pending is None:
                pending = write
        elif is_commit and pending is not None:
            return (
                f"between the write `{pending.label}` and its `{write.label}`",
                [(pending.span, "the write that opens the transaction"), (write.span, "the commit that closes it")],
            )
    return None


def _opens_transaction(item: Value, function: Function, facts: ModuleFacts) -> bool:
    if item.kind != "call":
        return False
    if item.qualname in ATOMIC:
        return True
    call = facts.call_at(item.span)
    if call is None or call.name not in BEGIN:
        return False
    if call.qualname is not None and call.qualname.split(".", 1)[0].split("(", 1)[0] in ORM_ROOTS:
        return True
    # Otherwise (unresolved, or an engine or session imported from the project) by the receiver's name.
    receiver = call.chain[:-1]
    if not receiver or any(piece.endswith(("()", "[]")) for piece in receiver):
        return False
    if SESSION_LIKE.match(receiver[-1]):
        return True
    if len(receiver) == 1:  # `db.begin()` where `db: Session` is a parameter
        for parameter in function.parameters:
            if parameter.name == receiver[0] and parameter.annotation is not None:
                annotation = parameter.annotation.qualname or parameter.annotation.text
                return annotation.split(".", 1)[0] in ORM_ROOTS and annotation.rsplit(".", 1)[-1] in SESSION_TYPES
    return False


def _deferred(call: Call, facts: ModuleFacts) -> bool:
    """In a lambda (`transaction.on_commit(lambda: requests.post(...))`): it runs later, not here."""
    body = facts.body_of(call.function) if call.function else None
    return body is not None and any(_inside(call.span, span) for span in body.lambdas)


def _inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


def _label(call: Call) -> str:
    if call.callee:
        return call.callee
    return ".".join(piece.replace("()", "(...)").replace("[]", "[...]") for piece in call.chain)
