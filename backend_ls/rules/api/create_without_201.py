"""API006: a POST handler that creates a record and answers 200."""

from __future__ import annotations

from backend_ls.facts.branches import reachable_by
from backend_ls.facts.model import Call, ModuleFacts, Route
from backend_ls.facts.responses import Response, handler_routes, responses_of
from backend_ls.facts.writes import Write, writes_in
from backend_ls.fixes import insert_keyword_argument
from backend_ls.rules.api.error_with_success_status import (
    decorator_call,
    error_status,
    sent_status,
    set_status,
    status_text,
)
from backend_ls.rules.base import Applicability, Fix, Rule

# Calls whose result is the record as data: `schema.dump(user)`, `user.to_dict()`.
SERIALIZING = frozenset({"dump", "to_dict", "as_dict", "to_json", "serialize", "model_dump", "dict"})
JSON_CONSTRUCTORS = frozenset(
    {f"{module}.{name}" for module in ("fastapi.responses", "starlette.responses", "fastapi")
     for name in ("JSONResponse", "ORJSONResponse", "UJSONResponse")}
)


class CreateWithout201(Rule):
    code = "API006"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        for handler, routes in handler_routes(facts, context.routes).items():
            route = next((r for r in routes if _answers_post(r)), None)
            if route is None:
                continue
            created = creations(facts, handler)
            if not created:
                continue
            after = min(write.span.start for write in created)
            answers = [
                response for response in responses_of(facts, handler)
                if response.span.end > after
                and reachable_by(facts.method_branches, response.span, "POST")
                and error_status(response) is None
            ]
            if route.framework == "fastapi":
                yield from self._fastapi(handler, route, answers, created[0], context)
                continue
            for response in answers:
                if response.status is not None or not _json(response, route, facts):
                    continue
                if sent_status(response, route, facts) != 200:
                    continue
                edits = set_status(response, 201, context)
                yield self.finding(
                    response.span,
                    _message(handler, created[0]),
                    Fix("Answer 201 Created", Applicability.SAFE, edits) if edits else None,
                )

    def _fastapi(self, handler: str, route: Route, answers: list[Response], write: Write, context):
        facts = context.facts
        call = decorator_call(route, facts)
        if call is None or call.star_kwargs or call.keyword("status_code") is not None:
            return
        if _may_set_status(facts, handler):
            return
        plain = [r for r in answers if r.shape == "value" and not _holds_response(facts, handler, r)]
        built = [r for r in answers if r.shape == "constructor" and r.constructor in JSON_CONSTRUCTORS and r.status is None]
        if not plain and not built:
            return
        if any(r.shape == "constructor" and r not in built for r in answers):
            return  # another answer sets its own status
        edits = [insert_keyword_argument(call, context.lines, f"status_code={status_text(201, None, facts)}")]
        for response in built:
            more = set_status(response, 201, context)
            if more is None:
                edits = None
                break
            edits.extend(more)
        yield self.finding(
            route.anchor,
            _message(handler, write),
            Fix("Answer 201 Created", Applicability.SAFE, tuple(edits)) if edits else None,
        )


def _message(handler: str, write: Write) -> str:
    return (
        f"`{handler}` creates a record (`{write.label}`) but answers with the default 200; "
        "answer 201 Created so clients know a new resource exists."
    )


def _answers_post(route: Route) -> bool:
    return route.methods is not None and ("POST" in route.methods or route.methods == ("ANY",))


def creations(facts: ModuleFacts, handler: str) -> list[Write]:
    """The writes of a handler, reachable by POST, that create a record: session adds, manager
    creates, INSERTs, create_* calls, and the `save()` of an object built in the handler from
    request data (a new model instance, a serializer or form given no instance)."""
    found = []
    calls = facts.calls_in(handler)
    for write in writes_in(facts, handler, "POST"):
        if write.kind == "create" or (write.call.name == "save" and _saves_new(write.call, calls)):
            found.append(write)
    # DRF's CreateModelMixin saves in `perform_create`: an overridden `create` that calls it creates.
    found += [Write("create", call, "name") for call in calls if call.chain == ("self", "perform_create")]
    return sorted(found, key=lambda write: write.span)


def _saves_new(save: Call, calls: list[Call]) -> bool:
    if len(save.chain) != 2 or save.args:
        return False
    receiver = save.chain[0]
    built = [c for c in calls if c.assigned_to == receiver and c.span.end <= save.span.start]
    if not built:
        return False
    call = built[-1]
    name = call.name or (call.chain[-1] if call.chain else "")
    if call.keyword("instance") is not None or call.star_kwargs:
        return False
    if name.endswith("Serializer") or name == "get_serializer":
        return not call.args and call.keyword("data") is not None  # Serializer(instance, data=...) updates
    if name.endswith("Form"):
        return True
    return name[:1].isupper()  # `Order(...)`: a new record


def _json(response: Response, route: Route, facts: ModuleFacts) -> bool:
    """A JSON answer (an HTML page after a form post goes elsewhere, by a redirect)."""
    if response.json:
        return True
    if response.shape == "make_response":
        body = response.body
        return body is not None and (body.kind in ("dict", "list") or body.qualname == "flask.jsonify()")
    if response.shape != "value" or route.framework != "flask":
        return False
    target = response.target
    if target.kind in ("dict", "list"):
        return True
    if target.kind == "call":
        method = target.text.split("(", 1)[0].rsplit(".", 1)[-1]
        return method in SERIALIZING
    return False


def _holds_response(facts: ModuleFacts, handler: str, response: Response) -> bool:
    """`return response` where the name holds a response object built in the handler."""
    if response.target.kind != "name":
        return False
    return any(
        call.assigned_to == response.target.text and (call.name or "").endswith("Response")
        for call in facts.calls_in(handler)
    )


def _may_set_status(facts: ModuleFacts, handler: str) -> bool:
    """A FastAPI handler given the `Response` sets its status itself (`response.status_code = 201`)."""
    function = facts.functions.get(handler)
    if function is None:
        return False
    return any(
        p.annotation is not None and (p.annotation.qualname or "").startswith(("fastapi", "starlette"))
        and (p.annotation.qualname or "").endswith("Response")
        for p in function.parameters
    )
