"""What each `return` of a function answers: the response expression, its body and its status.

Flask reads a returned tuple as `(body, status)`, `(body, headers)` or `(body, status, headers)`;
every framework has response classes that take a status (`JSONResponse(..., status_code=)`,
Django's `JsonResponse(..., status=)`, DRF's `Response(data, status)`) or fix one
(`HttpResponseNotFound`). These facts say which of those a return statement uses, what the body
holds (its string keys, or its text) and the status when it can be read, so checks about error
bodies, created records and leaked details ask plain questions. Nothing here knows whether the
function is a route handler: the checks combine these facts with the routes.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from http import HTTPStatus

from backend_ls.facts import django, drf
from backend_ls.facts.model import Call, ModuleFacts, Route, Value
from backend_ls.facts.names import Arguments, trailers_of
from backend_ls.facts.walk import Walk, code_of, span_of, value_of
from backend_ls.positions import Span


@dataclass(frozen=True)
class Constructor:
    """How a response class (or function) takes its body and status."""

    content: tuple[int | None, str | None]  # positional index and keyword of the body
    status: tuple[int | None, str | None]  # of the status; (None, None) when it takes none
    fixed: int | None = None  # the status it always has (HttpResponseNotFound) or its default
    json: bool = False  # the body is sent as JSON


_STARLETTE = {
    "JSONResponse": True, "ORJSONResponse": True, "UJSONResponse": True,
    "Response": False, "PlainTextResponse": False, "HTMLResponse": False,
}
_DJANGO_FIXED = {
    "HttpResponseBadRequest": 400, "HttpResponseNotFound": 404, "HttpResponseForbidden": 403,
    "HttpResponseNotAllowed": 405, "HttpResponseGone": 410, "HttpResponseServerError": 500,
    "HttpResponseRedirect": 302, "HttpResponsePermanentRedirect": 301, "HttpResponseNotModified": 304,
}

CONSTRUCTORS: dict[str, Constructor] = {
    "flask.Response": Constructor((0, "response"), (1, "status")),
    "flask.wrappers.Response": Constructor((0, "response"), (1, "status")),
    "werkzeug.wrappers.Response": Constructor((0, "response"), (1, "status")),
    "werkzeug.Response": Constructor((0, "response"), (1, "status")),
    "flask.redirect": Constructor((None, None), (1, "code"), fixed=302),
    "flask.render_template": Constructor((None, None), (None, None), fixed=200),
    "rest_framework.response.Response": Constructor((0, "data"), (1, "status"), json=True),
    # JsonResponse's second positional parameter is the encoder: its status is keyword-only.
    "django.http.JsonResponse": Constructor((0, "data"), (None, "status"), json=True),
    "django.http.response.JsonResponse": Constructor((0, "data"), (None, "status"), json=True),
    "django.http.HttpResponse": Constructor((0, "content"), (2, "status")),
    "django.http.response.HttpResponse": Constructor((0, "content"), (2, "status")),
    "django.shortcuts.render": Constructor((None, None), (4, "status")),
    "django.shortcuts.redirect": Constructor((None, None), (None, None), fixed=302),
}
for _module in ("fastapi.responses", "starlette.responses", "fastapi"):
    for _name, _json in _STARLETTE.items():
        CONSTRUCTORS[f"{_module}.{_name}"] = Constructor((0, "content"), (1, "status_code"), json=_json)
    CONSTRUCTORS[f"{_module}.RedirectResponse"] = Constructor((None, None), (1, "status_code"), fixed=307)
for _module in ("django.http", "django.http.response"):
    for _name, _code in _DJANGO_FIXED.items():
        CONSTRUCTORS[f"{_module}.{_name}"] = Constructor((0, "content"), (None, None), fixed=_code)

# Flask helpers that build a JSON body and take no status of their own.
JSONIFY = frozenset({"flask.jsonify", "flask.json.jsonify"})
# Flask's `make_response(*args)` reads its arguments like a returned tuple.
MAKE_RESPONSE = frozenset({"flask.make_response", "flask.helpers.make_response"})
STATUS_MODULES = ("rest_framework.status.", "fastapi.status.", "starlette.status.")
STATUS_CONSTANT = re.compile(r"^HTTP_(\d{3})(?:_|$)")


@dataclass(frozen=True)
class Response:
    """One `return <expression>` statement of a function."""

    function: str  # qualified name of the enclosing function
    span: Span  # the whole statement, `return` included
    value: Value  # the returned expression
    # The response itself: the returned value, or the first element of a returned tuple.
    target: Value
    is_tuple: bool  # the statement returns a tuple (Flask's `body, status, headers`)
    # "value": a plain value the framework serializes (a dict, a name, any call not listed below);
    # "jsonify": Flask's jsonify(...); "make_response": Flask's make_response(...);
    # "constructor": a response class that takes a status; "fixed": one whose status is fixed.
    shape: str
    constructor: str | None  # the qualified name of the call building `target`, when it is a call
    json: bool | None  # the body is sent as JSON: True / False, None when it depends (a plain value)
    # The status as written: an element of the returned tuple, an argument of the constructor.
    status: Value | None
    # Its number, when it can be read: a literal, `HTTPStatus.X`, `status.HTTP_404_...`, or the
    # number a constructor fixes; None when there is no status or it cannot be read.
    status_code: int | None
    status_keyword: str | None  # the constructor's status keyword ("status", "status_code")
    headers: Value | None  # the headers element of a Flask tuple or `make_response` call
    body: Value | None  # the body: the dict, string or expression that is sent
    fields: tuple[tuple[str, Value], ...]  # the body's string keys (a dict display, jsonify's keywords)
    closed: bool  # `fields` are all the body's keys (no `**spread`, no computed key)
    text: str | None  # the body's text when it is a string (an f-string: its literal pieces)
    names: frozenset[str]  # the names the returned expression reads


def responses_in(module, walk: Walk) -> list[Response]:
    """Every `return <value>` in a function of the module."""
    calls = walk.calls_by_span()
    functions = walk.function_finder()
    found = []
    for node in walk.index(module).of_type("return_stmt"):
        function = functions.at(node.start_pos)
        if function is None:
            continue
        response = _response(node, function, walk, calls)
        if response is not None:
            found.append(response)
    return found


def return_annotations(module, walk: Walk) -> list[tuple[str, Value]]:
    """(function qualname, `-> annotation`) of every annotated function: FastAPI reads the
    annotation as the response model when the route does not name one."""
    used = walk.index(module).names
    found = []
    for function in walk.functions.values():
        for leaf in used.get(function.name, ()):
            if leaf.start_pos != function.name_span.start:
                continue
            node = leaf.parent
            if node.type == "funcdef" and node.annotation is not None:
                found.append((function.qualname, value_of(node.annotation, walk.module_scope)))
            break
    return found


def responses_of(facts: ModuleFacts, function: str) -> list[Response]:
    return [response for response in facts.responses if response.function == function]


def status_code_of(value: Value | None) -> int | None:
    """The number a status expression stands for, when it can be read statically."""
    if value is None:
        return None
    if value.kind == "number" and isinstance(value.literal, int):
        return value.literal
    qualname = value.qualname or ""
    if qualname.startswith("http.HTTPStatus."):
        name = qualname[len("http.HTTPStatus."):].removesuffix(".value")
        member = HTTPStatus.__members__.get(name)
        return int(member) if member is not None else None
    for module in STATUS_MODULES:
        if qualname.startswith(module):
            match = STATUS_CONSTANT.match(qualname[len(module):])
            return int(match.group(1)) if match else None
    return None


# --- internals ------------------------------------------------------------------------------------


def split_trailers(node):
    """`trailers_of`, with no trailers at all when error recovery left something else among them."""
    base, trailers = trailers_of(node)
    if any(getattr(trailer, "type", None) != "trailer" for trailer in trailers):
        return base, []
    return base, trailers


def _response(node, function: str, walk: Walk, calls: dict[Span, Call]) -> Response | None:
    if len(node.children) < 2:
        return None
    scope = walk.module_scope
    val = _Values(scope)
    expression = node.children[1]
    value = val(expression)
    elements = _tuple_elements(expression)
    target_node = elements[0] if elements else expression
    target = val(target_node)
    rest = elements[1:]
    status_node = headers_node = None
    shape, constructor, json, status_keyword, fixed = "value", None, None, None, None
    body_node = target_node
    call = val.call_of(target_node, calls)
    if call is not None:
        constructor, arguments, keywords = call
        spec = CONSTRUCTORS.get(constructor or "")
        if constructor in JSONIFY:
            shape, json = "jsonify", True
        elif constructor in MAKE_RESPONSE:
            shape = "make_response"
            body_node = arguments[0] if arguments else None
            rest = arguments[1:] + rest
        elif spec is not None:
            json = spec.json
            shape = "fixed" if spec.status == (None, None) else "constructor"
            status_keyword = spec.status[1]
            fixed = spec.fixed
            body_node = _argument(arguments, keywords, *spec.content)
            status_node = _argument(arguments, keywords, *spec.status)
    if rest:  # Flask: (body, status), (body, headers), (body, status, headers)
        if len(rest) == 1 and _is_headers(rest[0]):
            headers_node = rest[0]
        else:
            status_node = rest[0]
            headers_node = rest[1] if len(rest) > 1 else None
    status = val(status_node) if status_node is not None else None
    status_code = status_code_of(status) if status is not None else fixed
    fields, closed, text = _body_facts(body_node, calls, val)
    return Response(
        function=function,
        span=span_of(node),
        value=value,
        target=target,
        is_tuple=bool(elements),
        shape=shape,
        constructor=constructor,
        json=json,
        status=status,
        status_code=status_code,
        status_keyword=status_keyword,
        headers=val(headers_node) if headers_node is not None else None,
        body=val(body_node) if body_node is not None else None,
        fields=fields,
        closed=closed,
        text=text,
        names=frozenset(_names_read(expression)),
    )


def _tuple_elements(node) -> list:
    """The elements of a tuple expression (`a, b` or `(a, b)`); [] for anything else."""
    if node.type == "atom" and node.children[0] == "(" and len(node.children) == 3:
        inner = node.children[1]
        if inner.type != "testlist_comp":
            return []
    elif node.type in ("testlist", "testlist_star_expr"):
        inner = node
    else:
        return []
    if any(child.type in ("sync_comp_for", "comp_for") for child in inner.children):
        return []
    return [child for child in inner.children if child != ","]


def _is_headers(node) -> bool:
    """A dict or list display, which Flask reads as headers, never as a status."""
    return node.type == "atom" and node.children[0] in ("{", "[")


def _call_of(node, calls: dict[Span, Call], scope):
    """(qualname, positional argument nodes, keyword argument nodes) when `node` is a call."""
    if node.type not in ("atom_expr", "power"):
        return None
    _, trailers = split_trailers(node)
    if not trailers or trailers[-1].children[0] != "(":
        return None
    fact = calls.get(span_of(node))
    qualname = fact.qualname if fact is not None else None
    arguments, keywords = _call_arguments(trailers[-1])
    return qualname, arguments, keywords


def _call_arguments(trailer) -> tuple[list, dict]:
    """Positional nodes, and keyword nodes by name (`*` and `**` under those names)."""
    arguments = Arguments(trailer)
    keywords = dict(arguments.keywords)
    if arguments.star:
        keywords["*"] = arguments.star[-1]
    if arguments.double_star:
        keywords["**"] = arguments.double_star[-1]
    return arguments.positional, keywords


def _argument(arguments, keywords, index, keyword):
    if keyword is not None and keyword in keywords:
        return keywords[keyword]
    if index is not None and index < len(arguments) and "*" not in keywords:
        return arguments[index]
    return None


class _Values:
    """`value_of` (and `_call_of`), once per node of a statement."""

    def __init__(self, scope):
        self.scope = scope
        self.known: dict[int, Value] = {}
        self.calls: dict[int, tuple | None] = {}

    def call_of(self, node, calls: dict[Span, Call]):
        key = id(node)
        if key not in self.calls:
            self.calls[key] = _call_of(node, calls, self.scope)
        return self.calls[key]

    def __call__(self, node) -> Value:
        found = self.known.get(id(node))
        if found is None:
            found = self.known[id(node)] = value_of(node, self.scope)
        return found


def _body_facts(node, calls, val: _Values) -> tuple[tuple[tuple[str, Value], ...], bool, str | None]:
    """The string keys of a body and whether they are all of them; its text for a string."""
    if node is None:
        return (), False, None
    if node.type == "atom" and node.children[0] == "(" and len(node.children) == 3:
        return _body_facts(node.children[1], calls, val)
    if node.type == "atom" and node.children[0] == "{":
        return _dict_fields(node, val)
    if node.type in ("string", "strings", "fstring"):
        return (), True, _text_of(node)
    call = val.call_of(node, calls)
    if call is not None:
        qualname, arguments, keywords = call
        if qualname in JSONIFY or (qualname is None and _callee_is(node, "dict")):
            if "*" in keywords or "**" in keywords:
                return (), False, None
            named = tuple((key, val(value)) for key, value in keywords.items())
            if not arguments:
                return named, True, None
            if len(arguments) == 1 and not named:
                return _body_facts(arguments[0], calls, val)
            return (), False, None
    return (), False, None


def _callee_is(node, name: str) -> bool:
    base, trailers = split_trailers(node)
    return base.type == "name" and base.value == name and len(trailers) == 1


def _dict_fields(node, val: _Values):
    inner = node.children[1] if len(node.children) == 3 else None
    if inner is None:
        return (), True, None
    if inner.type != "dictorsetmaker":
        return (), False, None
    children = inner.children
    if any(child.type in ("sync_comp_for", "comp_for") for child in children):
        return (), False, None
    entries = {item.span: (key, item) for key, item in val(node).items}
    fields, closed, index = [], True, 0
    while index < len(children):
        if children[index] == "**":
            closed = False
            index += 3
        elif index + 2 < len(children) and children[index + 1] == ":":
            key, item = entries.get(span_of(children[index + 2]), (None, None))
            if key is not None and key.kind == "str" and isinstance(key.literal, str):
                fields.append((key.literal, item))
            else:
                closed = False
            index += 4
        else:
            return (), False, None  # a set display
    return tuple(fields), closed, None


def _text_of(node) -> str | None:
    """A string's text; for an f-string, its literal pieces joined by spaces."""
    if node.type == "strings":
        pieces = [_text_of(child) for child in node.children]
        return "".join(piece for piece in pieces if piece is not None)
    if node.type == "fstring":
        return " ".join(child.value for child in node.children if child.type == "fstring_string")
    literal = _literal(node)
    return literal if isinstance(literal, str) else None


def _literal(node):
    try:
        return ast.literal_eval(code_of(node))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None


def _names_read(node) -> set[str]:
    """Names an expression reads (attribute names and keyword argument names left out)."""
    names = set()
    stack = [node]
    while stack:
        leaf = stack.pop()
        children = getattr(leaf, "children", None)
        if children is not None:
            stack.extend(reversed(children))
            continue
        if leaf.type == "name" and leaf.parent is not None:
            parent = leaf.parent
            after_dot = parent.type == "trailer" and parent.children[0] == "."
            keyword = parent.type == "argument" and parent.children[0] is leaf and len(parent.children) > 1 and parent.children[1] == "="
            if not after_dot and not keyword:
                names.add(leaf.value)
    return names


def decorated_views(facts: ModuleFacts) -> list[Route]:
    """Function views a module shows to be views on its own, without its URLconf: DRF's
    `@api_view` and Django's `@require_GET` / `@require_POST` / `@require_http_methods([...])`.
    They carry no path; the index gives the routed ones their full routes."""
    views = []
    for function in facts.functions.values():
        if not function.decorators or function.class_name is not None:
            continue
        api_view = drf.api_view_methods(facts, function)
        if api_view is not None:
            framework, (methods, explicit) = "drf", api_view
        elif any((d.qualname or "").startswith(django.REQUIRE) for d in function.decorators):
            framework, methods, explicit = "django", django.function_view_methods(facts, function) or (), True
        else:
            continue
        if not methods:
            continue
        views.append(
            Route(
                framework=framework, methods=tuple(methods), methods_explicit=explicit, parts=(),
                handler=function.qualname, anchor=function.def_span, path_value=None, methods_value=None,
                verb_span=None, decorator_close_paren=None, owner="",
            )
        )
    return views


def handler_routes(facts: ModuleFacts, routes) -> dict[str, list[Route]]:
    """Route handlers of the module by qualified name: the routes given (the index's, with
    Django / DRF views routed from a URLconf), plus the decorated function views not among them."""
    handlers: dict[str, list[Route]] = {}
    for route in routes:
        handlers.setdefault(route.handler, []).append(route)
    for view in decorated_views(facts):
        handlers.setdefault(view.handler, [view])
    return handlers


def is_sent(response: Response, handlers) -> bool:
    """Whether what a return statement gives is a response: a route handler's return, or a
    response object built in place (a helper's `return JsonResponse(...)` is sent as it is)."""
    return response.function in handlers or response.shape != "value"
