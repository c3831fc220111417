"""SEC006: CORS that lets any origin call the API (an error when credentials are allowed too)."""

from __future__ import annotations

import re

from backend_ls.facts.model import Call, ModuleFacts, Value
from backend_ls.facts.modules import is_development_module
from backend_ls.positions import Span
from backend_ls.rules.base import Rule
from backend_ls.rules.context import ModuleFold

FLASK_CORS = frozenset({"flask_cors.CORS", "flask_cors.extension.CORS"})
CROSS_ORIGIN = frozenset({"flask_cors.cross_origin", "flask_cors.decorator.cross_origin"})
CORS_MIDDLEWARE = frozenset({"fastapi.middleware.cors.CORSMiddleware", "starlette.middleware.cors.CORSMiddleware"})
MIDDLEWARE = frozenset({"starlette.middleware.Middleware", "fastapi.middleware.Middleware"})
DJANGO_ALLOW_ALL = frozenset({"CORS_ALLOW_ALL_ORIGINS", "CORS_ORIGIN_ALLOW_ALL"})
DJANGO_REGEXES = frozenset({"CORS_ALLOWED_ORIGIN_REGEXES", "CORS_ORIGIN_REGEX_WHITELIST"})
# Origins no one would allow on purpose: a regex that accepts these accepts anyone.
STRANGERS = ("https://attacker.example", "http://evil.test:8080")

MESSAGE = "CORS lets any website call this API from its visitors' browsers; list the origins that may call it."
CREDENTIALS_MESSAGE = (
    "CORS lets any website call this API with its visitors' cookies or credentials, so any page they "
    "open can act as them; list the origins that may call it."
)


class PermissiveCors(Rule):
    code = "SEC006"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        if is_development_module(facts.path, context.settings.root):
            return
        # Settings and `init_app` calls anywhere in the module (an app factory's body included).
        config = context.module_wide(_config)
        init_app = context.module_wide(_init_app_keywords)
        for call in facts.calls:
            verdict = None
            if call.qualname in FLASK_CORS or call.qualname in CROSS_ORIGIN:
                verdict = _flask_cors(init_app, call, config)
            elif _is_cors_middleware(call):
                verdict = _starlette(call)
            if verdict is not None and verdict[0]:
                yield self._finding(call.span, verdict[1])
        allow_all = [a for a in facts.assignments if a.function is None and a.target in DJANGO_ALLOW_ALL and a.value.kind == "true"]
        allow_all += [
            a for a in facts.assignments
            if a.function is None and a.target in DJANGO_REGEXES and any(_any_origin_regex(e) for e in _strings(a.value))
        ]
        credentials = _true(config.get("CORS_ALLOW_CREDENTIALS"))
        for assignment in allow_all:
            yield self._finding(Span(assignment.target_span.start, assignment.value.span.end), credentials)

    def _finding(self, span: Span, credentials: bool):
        if credentials:
            return self.finding(span, CREDENTIALS_MESSAGE, severity="error")
        return self.finding(span, MESSAGE)


def _config_of_part(facts: ModuleFacts) -> dict[str, Value]:
    given = []
    for assignment in facts.assignments:
        name = assignment.key if assignment.key is not None else assignment.target.rsplit(".", 1)[-1]
        if isinstance(name, str) and name.startswith("CORS_"):
            given.append((assignment.target_span.start, name, assignment.value))
    for call in facts.calls:
        if (call.callee or "").endswith((".config.update", ".config.from_mapping")):
            given += [(call.span.start, name, value) for name, value in call.keywords if name.startswith("CORS_")]
    given.sort(key=_position)
    return {name: value for _, name, value in given}


def _position(setting: tuple):
    return setting[0]


def _last_wins(parts: list[dict]) -> dict:
    found: dict = {}
    for part in parts:
        found.update(part)
    return found


# CORS settings the module gives: `app.config["CORS_ORIGINS"] = ...`, `config.update(...)`, a
# config class attribute or a settings module name; the last one in the module wins.
_config = ModuleFold(_config_of_part, _last_wins)


def _init_app_keywords_of_part(facts: ModuleFacts) -> dict[str, tuple]:
    found: dict[str, tuple] = {}
    for call in facts.calls:
        if (call.callee or "").endswith(".init_app"):
            found[call.callee] = found.get(call.callee, ()) + tuple(call.keywords)
    return found


def _in_order(parts: list[dict]) -> dict:
    found: dict[str, tuple] = {}
    for part in parts:
        for callee, keywords in part.items():
            found[callee] = found.get(callee, ()) + keywords
    return found


# The keywords of every `X.init_app(...)` call of the module, in order, by callee.
_init_app_keywords = ModuleFold(_init_app_keywords_of_part, _in_order)


def _flask_cors(init_app: dict[str, tuple], call: Call, config: dict[str, Value]) -> tuple[bool, bool] | None:
    """(any origin, credentials too) for a Flask-CORS `CORS(...)` or `@cross_origin(...)`; None
    when it cannot be told."""
    keywords = dict(call.keywords)
    if call.qualname in FLASK_CORS and not call.args and call.assigned_to:
        # `cors = CORS()` ... `cors.init_app(app, origins=...)`
        keywords.update(init_app.get(f"{call.assigned_to}.init_app", ()))
    if call.star_kwargs:
        return None
    credentials = _true(keywords.get("supports_credentials")) or _true(config.get("CORS_SUPPORTS_CREDENTIALS"))
    origins = keywords.get("origins")
    if origins is not None:
        wide = _any_origin(origins)
        return None if wide is None else (wide, credentials)
    resources = keywords.get("resources")
    if call.qualname in FLASK_CORS and resources is not None and resources.kind == "dict":
        if len(resources.items) == 0:
            return None
        wide_any = False
        for _, options in resources.items:
            if options.kind != "dict":
                return None
            options_map = {k.literal: v for k, v in options.items if isinstance(k.literal, str)}
            credentials = credentials or _true(options_map.get("supports_credentials"))
            if "origins" in options_map:
                wide = _any_origin(options_map["origins"])
                if wide is None:
                    return None
                wide_any = wide_any or wide
            else:
                wide_any = wide_any or _default_is_wide(config)
        return wide_any, credentials
    if resources is not None and not (resources.is_literal or resources.kind == "fstring"):
        return None
    return _default_is_wide(config), credentials


def _default_is_wide(config: dict[str, Value]) -> bool:
    """Flask-CORS falls back on `CORS_ORIGINS`, whose own default is "*"."""
    origins = config.get("CORS_ORIGINS")
    if origins is None:
        return True
    return bool(_any_origin(origins))


def _is_cors_middleware(call: Call) -> bool:
    if not call.args or call.args[0].qualname not in CORS_MIDDLEWARE:
        return False
    return call.name == "add_middleware" or call.qualname in MIDDLEWARE


def _starlette(call: Call) -> tuple[bool, bool] | None:
    if call.star_kwargs:
        return None
    credentials = _true(call.keyword("allow_credentials"))
    origins = call.keyword("allow_origins")
    wide = _any_origin(origins) if origins is not None else False
    regex = call.keyword("allow_origin_regex")
    if regex is not None and isinstance(regex.literal, str) and _any_origin_regex(regex.literal):
        wide = True
    return (wide, credentials) if wide is not None else None


def _any_origin(value: Value) -> bool | None:
    """True for "*" (alone or in a list); None when the value is not a literal."""
    literal = value.literal
    if isinstance(literal, str):
        return literal.strip() == "*"
    if isinstance(literal, (list, tuple)):
        return any(isinstance(entry, str) and entry.strip() == "*" for entry in literal)
    return None


def _any_origin_regex(pattern: str) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(compiled.match(origin) for origin in STRANGERS)


def _strings(value: Value) -> list[str]:
    literal = value.literal
    if isinstance(literal, str):
        return [literal]
    if isinstance(literal, (list, tuple)):
        return [entry for entry in literal if isinstance(entry, str)]
    return []


def _true(value: Value | None) -> bool:
    return value is not None and value.kind == "true"
