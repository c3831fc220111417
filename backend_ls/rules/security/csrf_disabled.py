"""SEC007: CSRF protection switched off for a view, a blueprint or the whole application."""

from __future__ import annotations

from backend_ls.facts.model import ModuleFacts, Value
from backend_ls.facts.modules import is_test_module
from backend_ls.positions import Span
from backend_ls.rules.base import Rule
from backend_ls.rules.security.policy import words

CSRF_EXEMPT = frozenset({"django.views.decorators.csrf.csrf_exempt"})
CSRF_PROTECT = frozenset({"flask_wtf.csrf.CSRFProtect", "flask_wtf.CSRFProtect", "flask_wtf.csrf.CsrfProtect", "flask_wtf.CsrfProtect"})
# Webhooks are called by other servers, not browsers, and prove who they are by a signature.
WEBHOOK_WORDS = ("webhook", "webhooks", "hook", "hooks")
SETTINGS = frozenset({"WTF_CSRF_ENABLED", "CSRF_ENABLED"})  # CSRF_ENABLED: Flask-WTF before 0.9
CONFIG_METHODS = (".config.update", ".config.from_mapping")

EXEMPT_MESSAGE = (
    "`{name}` turns CSRF protection off, so another site can make a logged-in visitor's browser submit "
    "this request; keep the protection and send the CSRF token (or authenticate with a header instead of a cookie)."
)
SETTING_MESSAGE = (
    "`{name} = False` turns CSRF protection off for every form of the application; keep it on outside "
    "the test configuration."
)


class CsrfDisabled(Rule):
    code = "SEC007"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        if is_test_module(facts.path, context.settings.root):
            return
        exempt = _ExemptNames(context)
        decorated = set()
        decorators = [d for f in facts.functions.values() if not _webhook(f.qualname) for d in f.decorators]
        decorators += [d for c in facts.classes.values() if not _webhook(c.qualname) for d in c.decorators]
        for decorator in decorators:
            name = exempt.name_of(decorator)
            if name is None and decorator.kind == "call":
                call = facts.call_at(decorator.span)  # `@method_decorator(csrf_exempt, name="dispatch")`
                name = next((exempt.name_of(a) for a in call.args if exempt.name_of(a)), None) if call else None
            if name is not None:
                decorated.add(decorator.span)
                yield self.finding(_with_at(context.lines, decorator.span), EXEMPT_MESSAGE.format(name=name))
        for call in facts.calls:
            if call.span in decorated or not call.args or _webhook(call.args[0].text):
                continue
            name = exempt.name_of(Value(call.callee or "", call.span, "name", qualname=call.qualname))
            if name is not None:  # `path("hook/", csrf_exempt(views.hook))`, `csrf.exempt(api_bp)`
                yield self.finding(call.span, EXEMPT_MESSAGE.format(name=name))
        for name, value in _settings(facts):
            yield self.finding(value.span, SETTING_MESSAGE.format(name=name))


class _ExemptNames:
    def __init__(self, context):
        self.context = context
        self.facts = context.facts

    def name_of(self, value: Value) -> str | None:
        """The name as written when a decorator or callee is `csrf_exempt` or a `CSRFProtect().exempt`."""
        qualname = value.qualname or ""
        text = value.text.split("(", 1)[0]
        if value.kind == "call":
            return None
        if qualname in CSRF_EXEMPT:
            return text
        if qualname.endswith(".exempt") and self._is_protector(qualname[: -len(".exempt")]):
            return text
        return None

    def _is_protector(self, qualname: str) -> bool:
        if qualname.endswith("()") and qualname[:-2] in CSRF_PROTECT:
            return True
        index = self.context.index
        if index is None or "(" in qualname:
            return False
        key = index.resolve(self.facts.path, qualname)  # `from .extensions import csrf`
        module = index.module_of(key[0]) if key is not None else None
        if module is None:
            return False
        return any(c.assigned_to == key[1] and c.function is None and c.qualname in CSRF_PROTECT for c in module.facts.calls)


def _with_at(lines: list[str], span: Span) -> Span:
    """The decorator with its `@`."""
    line, column = span.start
    if column > 0 and line <= len(lines) and lines[line - 1][column - 1] == "@":
        return Span((line, column - 1), span.end)
    return span


def _webhook(name: str) -> bool:
    return any(word in WEBHOOK_WORDS for word in words(name))


def _settings(facts: ModuleFacts):
    """(name, the False) for every `WTF_CSRF_ENABLED = False`, outside test configurations."""
    testing_classes = {
        a.class_name for a in facts.assignments if a.class_name and a.target == "TESTING" and a.value.kind == "true"
    }

    def for_tests(class_name: str | None) -> bool:
        if class_name is None:
            return False
        return class_name in testing_classes or any(w in ("test", "tests", "testing") for w in words(class_name))

    testing_functions = {
        a.function for a in facts.assignments if a.key == "TESTING" and a.value.kind == "true"
    }
    for assignment in facts.assignments:
        name = assignment.key if assignment.key is not None else assignment.target.rsplit(".", 1)[-1]
        if name in SETTINGS and assignment.value.kind == "false":
            if for_tests(assignment.class_name) or (assignment.key is not None and assignment.function in testing_functions and assignment.function is not None):
                continue
            yield name, assignment.value
        if assignment.function is None and not for_tests(assignment.class_name):
            yield from _dict_settings(assignment.value)
    for call in facts.calls:
        if not (call.callee or "").endswith(CONFIG_METHODS):
            continue
        entries = list(call.keywords) + [entry for argument in call.args for entry in _dict_entries(argument)]
        if any(name == "TESTING" and value.kind == "true" for name, value in entries):
            continue
        if call.function is not None and call.function in testing_functions:
            continue
        for name, value in entries:
            if name in SETTINGS and value.kind == "false":
                yield name, value


def _dict_entries(value: Value):
    for key, entry in value.items:
        if isinstance(key.literal, str):
            yield key.literal, entry


def _dict_settings(value: Value):
    """`CONFIG = {"WTF_CSRF_ENABLED": False}` at module or class level."""
    entries = list(_dict_entries(value))
    if any(name == "TESTING" and entry.kind == "true" for name, entry in entries):
        return
    for name, entry in entries:
        if name in SETTINGS and entry.kind == "false":
            yield name, entry

