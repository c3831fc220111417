"""API005: an error body sent with a success status."""

from __future__ import annotations

import re

from backend_ls.facts.model import Call, ModuleFacts, Route, Value
from backend_ls.facts.responses import (
    Response,
    handler_routes,
    responses_of,
    status_code_of,
)
from backend_ls.fixes import add_import, insert, insert_keyword_argument, replace
from backend_ls.rules.base import Applicability, Fix, Rule
from backend_ls.statement_checks import whole_module

ERROR_KEYS = frozenset({"error", "errors"})
MESSAGE_KEYS = frozenset({"message", "msg", "detail", "error_message", "error_description"})
# Keys an error body carries beside the error itself. A body with any other key also carries a
# result (`{"created": [...], "errors": [...]}`): a partial success, which 200 may rightly answer.
COMPANIONS = ERROR_KEYS | MESSAGE_KEYS | frozenset(
    {"code", "status", "status_code", "success", "ok", "details", "error_code", "description", "title",
     "type", "reason", "field", "fields", "hint", "path", "timestamp", "request_id", "trace_id", "instance"}
)
FAILED_STATES = frozenset({"error", "fail", "failed", "failure"})
# What a message says, and the status that says it (first match wins).
SAYINGS = (
    (404, re.compile(r"\b(?:not found|does not exist|doesn't exist|no such)\b", re.IGNORECASE)),
    (401, re.compile(r"\b(?:unauthori[sz]ed|unauthenticated|not authenticated|invalid (?:credentials|token|api key))\b", re.IGNORECASE)),
    (403, re.compile(r"\b(?:forbidden|permission denied|access denied)\b", re.IGNORECASE)),
    (400, re.compile(r"\b(?:invalid|failed|failure)\b", re.IGNORECASE)),
)
REASONS = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 201: "CREATED"}
STATUS_MODULE_CONSTANTS = {400: "HTTP_400_BAD_REQUEST", 401: "HTTP_401_UNAUTHORIZED", 403: "HTTP_403_FORBIDDEN",
                           404: "HTTP_404_NOT_FOUND", 201: "HTTP_201_CREATED"}
STATUS_MODULES = ("rest_framework.status.", "fastapi.status.", "starlette.status.")
JSON_RESPONSES = ("fastapi.responses.JSONResponse", "starlette.responses.JSONResponse")
EMPTY = ("none", "false")


class ErrorWithSuccessStatus(Rule):
    code = "API005"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        for handler, routes in handler_routes(facts, context.routes).items():
            route = routes[0]
            for response in responses_of(facts, handler):
                error = error_status(response)
                if error is None:
                    continue
                status = sent_status(response, route, facts)
                if status is None or not 200 <= status < 300:
                    continue
                said = f"status {status}" + (" (the default)" if response.status is None else "")
                yield self.finding(
                    response.span,
                    f"`{handler}` sends an error body with {said}; send it with {error} so clients, "
                    "caches and monitoring see the failure.",
                    _fix(response, route, error, context),
                )


def error_status(response: Response) -> int | None:
    """The status an error-shaped body calls for; None when the body is not error-shaped."""
    if response.text is not None:
        return _status_said(response.text)
    if not response.fields or not response.closed:
        return None
    keys = {key for key, _ in response.fields}
    if not keys <= COMPANIONS:
        return None
    status = None
    for key, value in response.fields:
        if key in ERROR_KEYS and not _empty(value):
            status = status or 400
            said = _status_said(_text(value)) if _text(value) is not None else None
            if said is not None:
                return said
        elif key in MESSAGE_KEYS and _text(value) is not None:
            said = _status_said(_text(value))  # type: ignore[arg-type]
            if said is not None:
                return said
        elif key == "status" and isinstance(value.literal, str) and value.literal.lower() in FAILED_STATES or key in ("success", "ok") and value.kind == "false":
            status = status or 400
    return status


def _status_said(text: str) -> int | None:
    for status, saying in SAYINGS:
        if saying.search(text):
            return status
    return None


def _text(value: Value) -> str | None:
    if value.kind == "str" and isinstance(value.literal, str):
        return value.literal
    if value.kind == "fstring":
        return value.text
    return None


def _empty(value: Value) -> bool:
    """`None`, `False`, `""`, `[]`, `{}`: a body saying there is no error."""
    if value.kind in EMPTY:
        return True
    if value.kind in ("str", "list", "tuple") and value.literal is not None and len(value.literal) == 0:
        return True
    return value.kind == "dict" and value.text.replace(" ", "") == "{}"


def sent_status(response: Response, route: Route, facts: ModuleFacts) -> int | None:
    """The status a response goes out with; None when it cannot be told."""
    if response.status is not None:
        return response.status_code
    call = _call(facts, response)
    if call is not None and (call.star_kwargs or call.star_args):
        return None  # the status may travel in them
    if response.shape in ("fixed", "constructor"):
        return response.status_code if response.status_code is not None else 200
    if response.shape in ("jsonify", "make_response"):
        return 200
    if route.framework == "flask":
        return 200
    if route.framework == "fastapi":
        return _decorator_status(route, facts)
    return None  # Django and DRF views must return a response object


def _decorator_status(route: Route, facts: ModuleFacts) -> int | None:
    function = facts.functions.get(route.handler)
    if function is not None and any(_is_response_parameter(p.annotation) for p in function.parameters):
        return None  # the handler can set `response.status_code` itself
    call = decorator_call(route, facts)
    if call is None:
        return None
    if call.star_kwargs:
        return None
    value = call.keyword("status_code")
    return 200 if value is None else status_code_of(value)


def _is_response_parameter(annotation: Value | None) -> bool:
    return annotation is not None and (annotation.qualname or "").endswith("Response") and (
        (annotation.qualname or "").startswith(("fastapi", "starlette"))
    )


_LAST_INDEX: tuple = (None, {})


def decorator_call(route: Route, facts: ModuleFacts) -> Call | None:
    """The call of a route's decorator (`app.post("/x", status_code=201)`)."""
    global _LAST_INDEX
    if route.decorator_close_paren is None:
        return None
    owner, index = _LAST_INDEX
    if owner is not facts:  # one index per module's facts, shared by the checks that ask
        index = {call.close_paren: call for call in facts.calls}
        _LAST_INDEX = (facts, index)
    return index.get(route.decorator_close_paren)


def _call(facts: ModuleFacts, response: Response) -> Call | None:
    return facts.call_at(response.target.span)


# --- the fix ----------------------------------------------------------------------------------------


def status_text(status: int, like: Value | None, facts: ModuleFacts) -> str:
    """The status as the code around it writes one: like the status it replaces
    (`status.HTTP_200_OK` -> `status.HTTP_404_NOT_FOUND`, `HTTPStatus.OK` -> `HTTPStatus.NOT_FOUND`),
    else through the status module the file imports (DRF's, FastAPI's), else the number."""
    if like is not None and like.kind == "attribute" and "." in like.text:
        prefix = like.text.rsplit(".", 1)[0]
        qualname = like.qualname or ""
        if qualname.startswith("http.HTTPStatus.") and status in REASONS:
            return f"{prefix}.{REASONS[status]}"
        if qualname.startswith(STATUS_MODULES) and status in STATUS_MODULE_CONSTANTS:
            return f"{prefix}.{STATUS_MODULE_CONSTANTS[status]}"
    if like is None and status in STATUS_MODULE_CONSTANTS:
        for local, qualname in sorted(facts.imports.items()):
            if qualname + "." in STATUS_MODULES:
                return f"{local}.{STATUS_MODULE_CONSTANTS[status]}"
    return str(status)


def set_status(response: Response, status: int, context) -> tuple | None:
    """The edits that give a response `status` in the framework's way, where it is written; None
    when they cannot be made safely."""
    facts = context.facts
    if response.status is not None:
        return (replace(response.status.span, status_text(status, response.status, facts)),)
    text = status_text(status, None, facts)
    if response.shape == "constructor":
        call = _call(facts, response)
        if call is None or call.star_kwargs or call.star_args or response.status_keyword is None:
            return None
        return (insert_keyword_argument(call, context.lines, f"{response.status_keyword}={text}"),)
    if response.shape == "make_response":
        if response.headers is not None:
            return (insert(response.headers.span.start, f"{text}, "),)
        if response.body is None:
            return None
        return (insert(response.body.span.end, f", {text}"),)
    if response.shape in ("jsonify", "value"):
        if response.headers is not None:
            return (insert(response.headers.span.start, f"{text}, "),)
        return (insert(response.target.span.end, f", {text}"),)
    return None


def _fix(response: Response, route: Route, status: int, context) -> Fix | None:
    title = f"Send status {status}"
    if route.framework == "fastapi" and response.shape == "value":
        return _json_response_fix(response, status, context)
    if route.framework in ("django", "drf") and response.shape == "value":
        return None
    edits = set_status(response, status, context)
    return Fix(title, Applicability.SAFE, edits) if edits else None


def _json_response_fix(response: Response, status: int, context) -> Fix | None:
    """FastAPI serializes a returned dict with the route's status: wrapping the body in a
    `JSONResponse` with the status keeps the body as it is (an `HTTPException` would replace it
    with `{"detail": ...}`). Only for bodies that are JSON as written, since a JSONResponse skips
    FastAPI's encoder."""
    if response.target.kind not in ("dict", "str") or not _plain_json(response.target):
        return None
    facts = context.facts
    name, import_edit = _json_response_name(facts)
    if name is None:
        return None
    edits = [replace(response.target.span, f"{name}(status_code={status_text(status, None, facts)}, content={response.target.text})")]
    if import_edit is not None:
        edits.insert(0, import_edit)
    return Fix(f"Return a `JSONResponse` with status {status}", Applicability.SAFE, tuple(edits))


def _plain_json(value: Value) -> bool:
    if value.kind in ("str", "fstring", "number", "true", "false", "none"):
        return True
    if value.kind == "dict":
        return all(key.kind == "str" and _plain_json(item) for key, item in value.items) and (
            len(value.items) > 0 or value.text.replace(" ", "") == "{}"
        )
    if value.kind in ("list", "tuple"):
        return value.literal is not None
    return False


def _json_response_name(facts: ModuleFacts) -> tuple[str | None, object]:
    for local, qualname in sorted(facts.imports.items()):
        if qualname in JSON_RESPONSES:
            return local, None
    if "JSONResponse" in facts.imports or any(a.target == "JSONResponse" and a.function is None for a in whole_module(facts).assignments):
        return None, None
    if "JSONResponse" in facts.classes or "JSONResponse" in facts.functions:
        return None, None
    edit = add_import(facts, "from fastapi.responses import JSONResponse", "JSONResponse", JSON_RESPONSES[0])
    return "JSONResponse", edit
