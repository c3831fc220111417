"""SEC005: a secret written into the source as a string literal."""

from __future__ import annotations

import re

from backend_ls.facts.model import ModuleFacts, Value
from backend_ls.facts.modules import is_test_module
from backend_ls.fixes import environ_reference, replace
from backend_ls.rules.base import Applicability, Fix, Rule

# Matched against the name upper-cased, with camelCase and punctuation turned into underscores.
SECRET_NAMES = frozenset({"SECRET_KEY", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY", "TOKEN"})
SECRET_SUFFIXES = (
    "_SECRET_KEY",
    "_SECRET_ACCESS_KEY",
    "_SECRET",
    "_PASSWORD",
    "_PASSWD",
    "_API_KEY",
    "_APIKEY",
    "_TOKEN",
)
SECRET_PREFIXES = ("JWT_SECRET",)
# pydantic settings fields are read from the environment; their defaults are fallbacks, like the
# default of `os.environ.get(name, default)`.
SETTINGS_BASES = frozenset(
    {"pydantic_settings.BaseSettings", "pydantic_settings.main.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings"}
)
# Members of an enumeration name a kind of thing (`TokenKind.ACCESS_TOKEN = "access"`), not a secret.
ENUM_BASES = frozenset({"django.db.models.Choices", "django.db.models.TextChoices", "django.db.models.IntegerChoices"})
CONFIG_METHODS = (".config.update", ".config.from_mapping")
# `<your key>`, `[token]`, `{{ secret }}`, `${API_KEY}`, `$API_KEY`, `%(password)s`: templates, not values.
TEMPLATE = re.compile(r"^(<.*>|\[.*\]|\{.*\}|\$\{?\w+\}?|%\(\w+\)s)$", re.S)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_WORD = re.compile(r"[^A-Za-z0-9]+")


def environment_name(name: str) -> str:
    """`secretKey`, `app.secret_key`'s `secret_key`, `X-API-Key` -> SECRET_KEY, SECRET_KEY, X_API_KEY."""
    return _NOT_WORD.sub("_", _CAMEL.sub("_", name)).strip("_").upper()


def is_secret_name(name: str) -> bool:
    upper = environment_name(name)
    return upper in SECRET_NAMES or upper.endswith(SECRET_SUFFIXES) or upper.startswith(SECRET_PREFIXES)


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def is_placeholder(name: str, text: str) -> bool:
    """Empty, masked, a template, or the name itself spelled another way (`CSRF_TOKEN = "csrftoken"`,
    `API_KEY_HEADER`-like values such as `"X-API-Key"` for `API_KEY`): a key name, not a secret."""
    stripped = text.strip()
    if not _compact(stripped) or TEMPLATE.match(stripped):
        return True
    value, key = _compact(stripped), _compact(name)
    return value == key or value.endswith(key)


class HardcodedSecret(Rule):
    code = "SEC005"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        if is_test_module(facts.path, context.settings.root):
            return
        seen = set()
        for name, value in self._candidates(facts):
            if value.kind != "str" or not isinstance(value.literal, (str, bytes)) or value.span in seen:
                continue
            text = value.literal.decode("latin-1") if isinstance(value.literal, bytes) else value.literal
            if not is_secret_name(name) or is_placeholder(name, text):
                continue
            seen.add(value.span)
            variable = environment_name(name)
            yield self.finding(
                value.span,
                f"`{name}` is a secret written into the source, where everyone with the code can read it; "
                "read it from the environment or a secret store instead.",
                self._fix(facts, value, variable),
            )

    def _candidates(self, facts: ModuleFacts):
        """(name, value) pairs: assigned names and keys, keyword arguments, and the entries of dicts
        that configure something (top-level or class-level values, `config.update({...})`)."""
        for assignment in facts.assignments:
            if assignment.class_name is not None and _inherits(facts, assignment.class_name, _is_exempt_base):
                continue
            if assignment.key is not None:
                if assignment.base_qualname != "os.environ":  # putting a value into the environment
                    yield assignment.key, assignment.value
            elif "[" not in assignment.target:
                yield assignment.target.rsplit(".", 1)[-1], assignment.value
            if assignment.function is None:
                yield from _dict_entries(assignment.value)
        for call in facts.calls:
            yield from call.keywords
            callee = call.callee or ""
            if callee.endswith(CONFIG_METHODS):
                for argument in call.args:
                    yield from _dict_entries(argument)

    def _fix(self, facts: ModuleFacts, value: Value, variable: str) -> Fix | None:
        reference = environ_reference(facts)
        if reference is None:
            return None
        environ, import_edit = reference
        expression = f'{environ}["{variable}"]'
        if isinstance(value.literal, bytes):
            expression += ".encode()"
        edits = [replace(value.span, expression)]
        if import_edit is not None:
            edits.insert(0, import_edit)
        return Fix(f"Read `{variable}` from the environment", Applicability.UNSAFE, tuple(edits))


def _dict_entries(value: Value):
    for key, entry in value.items:
        # Words with spaces in a dict are a message about the field (`{"password": "too short"}`).
        is_message = isinstance(entry.literal, str) and len(entry.literal.split()) > 1
        if key.kind == "str" and isinstance(key.literal, str) and not is_message:
            yield key.literal, entry
        yield from _dict_entries(entry)


def _is_exempt_base(qualname: str | None) -> bool:
    if qualname is None:
        return False
    return qualname in SETTINGS_BASES or qualname in ENUM_BASES or qualname.startswith("enum.")


def _inherits(facts: ModuleFacts, qualname: str, matches, seen: frozenset = frozenset()) -> bool:
    """Whether a class of this module has a base that `matches`, directly or through classes of
    the same module."""
    cls = facts.classes.get(qualname)
    if cls is None or qualname in seen:
        return False
    for base in cls.bases:
        if matches(base.qualname):
            return True
        if base.kind == "name" and _inherits(facts, base.text, matches, seen | {qualname}):
            return True
    return False
