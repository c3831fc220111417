"""SEC004: debug mode switched on in the code rather than by the deployment."""

from __future__ import annotations

from backend_ls.facts.model import Call, Value
from backend_ls.facts.modules import is_development_module, is_settings_path, looks_like_django_settings
from backend_ls.fixes import environ_reference, replace
from backend_ls.rules.base import Applicability, Fix, Rule
from backend_ls.rules.context import ModuleFold

FLASK_APP = "flask.Flask()"
ASGI_APP = "fastapi.FastAPI()"  # Starlette's application resolves to the same name
FLASK_CONFIG_CALLS = {f"{FLASK_APP}.config.update", f"{FLASK_APP}.config.from_mapping"}
# The environment variable each framework's fix reads; FLASK_DEBUG is the one `flask run` honours.
VARIABLES = {"flask": "FLASK_DEBUG", "fastapi": "FASTAPI_DEBUG", "starlette": "STARLETTE_DEBUG", "django": "DJANGO_DEBUG"}
MESSAGES = {
    "flask": "Flask debug mode is on, so anyone who reaches the app gets tracebacks and the "
    "Werkzeug debugger's console; switch it on from the environment instead.",
    "fastapi": "Debug mode is on, so every unhandled error sends its traceback to the client; "
    "switch it on from the environment instead.",
    "django": "`DEBUG = True` in settings that are not named for development shows tracebacks and "
    "settings to anyone; read it from the environment instead.",
}
MESSAGES["starlette"] = MESSAGES["fastapi"]
# Django settings by what any statement of the module assigns at its top level.
DJANGO_SETTINGS_ASSIGNED = ModuleFold(looks_like_django_settings, any)


class DebugEnabled(Rule):
    code = "SEC004"
    scope = "statement"

    def check(self, context):
        facts, root = context.facts, context.settings.root
        if is_development_module(facts.path, root):
            return
        found = list(self._calls(context)) + list(self._assignments(context))
        # A settings module by its path, or by what the whole module assigns at its top level.
        if is_settings_path(facts.path, root) or context.module_wide(DJANGO_SETTINGS_ASSIGNED):
            found.extend(self._django_setting(context))
        seen = set()
        for framework, value in sorted(found, key=lambda item: item[1].span):
            if value.span in seen:
                continue
            seen.add(value.span)
            yield self.finding(value.span, MESSAGES[framework], self._fix(context, framework, value))

    def _calls(self, context):
        for call in context.facts.calls:
            if call.qualname == f"{FLASK_APP}.run":
                # run(host=None, port=None, debug=None, ...)
                value = call.keyword("debug") or (call.args[2] if len(call.args) >= 3 else None)
                if _is_true(value):
                    yield "flask", value
            elif call.qualname == "fastapi.FastAPI":
                value = call.keyword("debug")
                if _is_true(value):
                    yield _asgi_framework(context, call), value
            elif call.qualname in FLASK_CONFIG_CALLS:
                for value in config_values(context, call, "DEBUG"):
                    if _is_true(value):
                        yield "flask", value

    def _assignments(self, context):
        for assignment in context.facts.assignments:
            if not _is_true(assignment.value):
                continue
            base = assignment.base_qualname
            if assignment.key is None and assignment.target.endswith(".debug"):
                if base == FLASK_APP:
                    yield "flask", assignment.value
                elif base == ASGI_APP:
                    yield "fastapi", assignment.value
            elif assignment.key == "DEBUG" and base == f"{FLASK_APP}.config":
                yield "flask", assignment.value

    def _django_setting(self, context):
        for assignment in context.facts.assignments:
            # Only an unconditional top-level statement: `DEBUG = True` under an `if` (or in a
            # django-configurations class) is chosen by the environment already.
            top_level = assignment.function is None and assignment.class_name is None
            if top_level and assignment.target == "DEBUG" and assignment.target_span.start[1] == 0:
                if _is_true(assignment.value):
                    yield "django", assignment.value

    def _fix(self, context, framework: str, value: Value) -> Fix | None:
        reference = environ_reference(context.facts)
        if reference is None:
            return None
        environ, import_edit = reference
        variable = VARIABLES[framework]
        edits = [replace(value.span, f'{environ}.get("{variable}") == "1"')]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return Fix(f"Read it from `{variable}`", Applicability.UNSAFE, tuple(edits))


def _is_true(value: Value | None) -> bool:
    return value is not None and value.kind == "true"


def _asgi_framework(context, call: Call) -> str:
    imported = context.facts.imports.get((call.callee or "").split(".")[0], "")
    return "starlette" if imported.startswith("starlette") else "fastapi"


def config_values(context, call: Call, key: str) -> list[Value]:
    """The values given to `key` by a `config.update(...)`/`from_mapping(...)` call: as a keyword,
    in a dict display, or in a `dict(...)` call passed to it."""
    values = [value for name, value in call.keywords if name == key]
    for argument in call.args:
        values.extend(entry for name, entry in argument.items if name.kind == "str" and name.literal == key)
        if argument.kind == "call":
            for inner in context.facts.calls:
                if inner.span == argument.span and inner.callee == "dict" and inner.qualname is None:
                    values.extend(value for name, value in inner.keywords if name == key)
    return values
