"""PERF006: an unbounded memoizing cache keyed on objects that are new on every request."""

from __future__ import annotations

from backend_ls.facts.model import Function, ModuleFacts, Parameter, Value
from backend_ls.rules.base import Rule

CACHE = "functools.cache"
LRU_CACHE_CALL = "functools.lru_cache()"
# Parameters that hold a per-request object (or an instance: the cache keeps `self` alive).
NAMES = frozenset({"self", "request", "req", "session", "db", "db_session", "user", "current_user"})
SUFFIXES = ("_request", "_session")
# Annotations naming such an object, by their last segment, whatever module they come from
# (flask / fastapi / starlette / django / DRF requests, SQLAlchemy / SQLModel / requests sessions).
TYPES = frozenset({"Request", "HttpRequest", "WSGIRequest", "ASGIRequest", "Session", "AsyncSession", "User"})


class UnboundedCache(Rule):
    code = "PERF006"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        for function in facts.functions.values():
            for decorator in function.decorators:
                spelled = _unbounded(decorator, facts)
                if spelled is None:
                    continue
                parameter = _per_request_parameter(function)
                if parameter is None:
                    continue
                yield self.finding(
                    decorator.span,
                    f"`@{spelled}` on `{function.name}` keeps every `{parameter.name}` it is called with alive "
                    "and never evicts them; cache on a stable key, with a bounded cache, or per request.",
                )


def _unbounded(decorator: Value, facts: ModuleFacts) -> str | None:
    """How the decorator is written, when it memoizes without a bound."""
    if decorator.kind in ("name", "attribute") and decorator.qualname == CACHE:
        return decorator.text
    if decorator.kind == "call" and decorator.qualname == LRU_CACHE_CALL:
        call = facts.call_at(decorator.span)
        if call is None or call.star_args or call.star_kwargs:
            return None
        maxsize = call.keyword("maxsize") or (call.args[0] if call.args else None)
        if maxsize is not None and maxsize.kind == "none":
            return decorator.text
    return None


def _per_request_parameter(function: Function) -> Parameter | None:
    for parameter in function.parameters:
        name = parameter.name
        if name in NAMES or name.endswith(SUFFIXES):
            return parameter
        annotation = parameter.annotation
        if annotation is not None and annotation.kind in ("name", "attribute"):
            if (annotation.qualname or annotation.text).rsplit(".", 1)[-1] in TYPES:
                return parameter
    return None
