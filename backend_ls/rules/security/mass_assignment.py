"""SEC009: a model built or updated from the whole request payload."""

from __future__ import annotations

import re

from backend_ls.facts.model import Call, Function, ModuleFacts, Value
from backend_ls.rules.base import Rule

# The request's whole payload, as written (after `await` and a trailing `or {}` are taken off).
PAYLOAD = re.compile(
    r"^(?:self\.)?(?P<request>request)\.(?:json|get_json\([^()]*\)|form|values|POST|data)"
    r"(?:\.(?:to_dict|dict|copy)\(\))?$"
    r"|^(?P<fastapi>request)\.(?:json|form)\(\)$"
    r"|^(?:dict|json\.loads)\(\s*(?:self\.)?(?P<wrapped>request)\.(?:POST|form|json|data|body|get_json\(\))\s*\)$"
)
FALLBACK = re.compile(r"\s+or\s+(?:\{\s*\}|dict\(\s*\))$")
FLASK_REQUEST = "flask.request"
# FastAPI parameters that take the JSON body as it is.
RAW_BODY_ANNOTATIONS = re.compile(r"^(?:typing\.)?(?:dict|Dict|Any|Mapping)(?:\[.*\])?$")
# Calls that build or update a model from a mapping (the chain starts at the model, or at a query).
CREATE_METHODS = frozenset({"create", "get_or_create", "update_or_create", "update", "bulk_update"})
VALIDATE_METHODS = frozenset({"model_validate", "parse_obj", "from_dict"})
# `update(User).where(...).values(**data)`: a statement that writes the payload's keys.
STATEMENTS = ("sqlalchemy.update()", "sqlalchemy.insert()", "sqlalchemy.sql.expression.update()",
              "sqlalchemy.sql.expression.insert()", "sqlmodel.update()", "sqlmodel.insert()")
QUERY_STEPS = frozenset({"query()", "filter()", "filter_by()", "where()", "objects", "exclude()", "all()"})


class MassAssignment(Rule):
    code = "SEC009"
    scope = "statement"

    def check(self, context):
        payloads = _Payloads(context)
        models = _Models(context)
        for call in context.facts.calls:
            source = None
            target = None
            first = call.chain[0] if call.chain else ""
            if call.callee is not None and models.is_model(call.callee) and call.star_kwargs_values:
                source, target = _any(payloads, call, call.star_kwargs_values), call.callee
            elif call.name == "values" and call.qualname is not None and call.qualname.startswith(STATEMENTS):
                source, target = _any(payloads, call, (*call.star_kwargs_values, *call.args)), None
            elif call.name in CREATE_METHODS and (models.is_model(first) or _is_query(call)):
                values = (*call.star_kwargs_values, *call.args, *(v for k, v in call.keywords if k == "defaults"))
                manager = len(call.chain) > 2 and call.chain[1] == "objects"  # Django: `Model.objects....`
                source, target = _any(payloads, call, values), first if models.is_model(first) or manager else None
            elif call.name in VALIDATE_METHODS and len(call.chain) == 2 and models.is_model(first):
                source, target = _any(payloads, call, call.args), first
            elif call.callee == "setattr" and call.in_loop and len(call.args) == 3:
                source, target = _loop_source(context.facts, payloads, call), call.args[0].text
            elif (call.callee or "").endswith(".__dict__.update") and call.args:
                source, target = _any(payloads, call, call.args), call.callee.rsplit(".", 2)[0]  # type: ignore[union-attr]
            if source is None:
                continue
            subject = f"`{target}`" if target else "This write"
            yield self.finding(
                call.span,
                f"{subject} takes every field of the request payload (`{source}`), so a client can set "
                "fields it must not, such as an owner or an admin flag; copy the allowed fields one by one "
                "or validate the payload with a schema first.",
            )


def _any(payloads: _Payloads, call: Call, values) -> str | None:
    for value in values:
        source = payloads.source(value, call.function)
        if source is not None:
            return source
    return None


def _is_query(call: Call) -> bool:
    return any(step in QUERY_STEPS for step in call.chain[:-1])


def _loop_source(facts: ModuleFacts, payloads: _Payloads, call: Call) -> str | None:
    """`for key, value in data.items(): setattr(obj, key, value)` over a payload."""
    for loop in facts.loops:
        if loop.function != call.function or not (loop.span.start <= call.span.start and call.span.end <= loop.span.end):
            continue
        if call.args[1].text not in loop.targets:
            continue
        iterable = loop.iterable
        text = re.sub(r"\.(items|keys)\(\)$", "", iterable.text)
        source = payloads.source(Value(text, iterable.span, "name" if text.isidentifier() else "other"), call.function)
        if source is not None:
            return source
    return None


class _Payloads:
    """Which expressions hold the whole request payload, directly or through a local variable."""

    def __init__(self, context):
        self.facts: ModuleFacts = context.facts
        self.context = context

    def source(self, value: Value, function: str | None, depth: int = 0) -> str | None:
        """The payload expression a value stands for, as written; None when it is not one."""
        if self.is_payload(value.text, function):
            return value.text
        if value.kind == "name" and function is not None and depth < 3:
            handler = self.facts.functions.get(function)
            if handler is not None and self.raw_body(handler, value.text):
                return value.text
            for assignment in self.facts.assignments:
                if assignment.target == value.text and assignment.function == function:
                    found = self.source(assignment.value, function, depth + 1)
                    if found is not None:
                        return found
        return None

    def is_payload(self, text: str, function: str | None) -> bool:
        text = FALLBACK.sub("", text.strip())
        text = text.removeprefix("await ").strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        match = PAYLOAD.match(text)
        if match is None:
            return False
        # `request` must be Flask's, or the request a view is given.
        if self.facts.imports.get("request") == FLASK_REQUEST:
            return True
        handler = self.facts.functions.get(function) if function else None
        return handler is not None and (text.startswith("self.") or any(p.name == "request" for p in handler.parameters))

    def raw_body(self, handler: Function, name: str) -> bool:
        """A FastAPI handler parameter that takes the JSON body as a plain dict."""
        if not any(route.handler == handler.qualname and route.framework == "fastapi" for route in self.context.routes):
            return False
        for parameter in handler.parameters:
            if parameter.name == name and parameter.annotation is not None:
                return bool(RAW_BODY_ANNOTATIONS.match(parameter.annotation.text))
        return False


class _Models:
    """Names of model classes, in this module or imported from a module of the workspace."""

    def __init__(self, context):
        self.context = context
        self.local = {model.name for model in context.facts.models}
        self.cache: dict[str, bool] = {}

    def is_model(self, name: str) -> bool:
        if not name or "." in name and not name.split(".", 1)[0] in self.context.facts.imports:
            return False
        if name in self.local:
            return True
        if name not in self.cache:
            self.cache[name] = self._imported(name)
        return self.cache[name]

    def _imported(self, name: str) -> bool:
        index = self.context.index
        facts = self.context.facts
        first, _, rest = name.partition(".")
        qualname = facts.imports.get(first)
        if index is None or qualname is None:
            return False
        key = index.resolve(facts.path, f"{qualname}.{rest}" if rest else qualname)
        module = index.module_of(key[0]) if key is not None else None
        return module is not None and any(model.name == key[1] for model in getattr(module.facts, "models", ()))
