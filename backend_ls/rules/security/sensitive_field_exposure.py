"""SEC010: a response that serializes whole model objects with secret fields in them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend_ls.facts.instances import instance_at
from backend_ls.facts.model import ClassDef, Model, ModuleFacts, Route, Value
from backend_ls.facts.responses import handler_routes, is_sent
from backend_ls.facts.serialization import Serialization, SerializerMethod
from backend_ls.positions import Span
from backend_ls.rules.api.error_with_success_status import decorator_call
from backend_ls.rules.base import Rule
from backend_ls.statement_checks import whole_module

WORDS = re.compile(r"(?:^|_)(password|passwd|secret|token|tokens|api_key|apikey|ssn|social_security)(?:_|$)")
# The last word of a name that is about a secret rather than the secret: `token_expires_at`,
# `password_changed_at`, `api_key_id`.
METADATA = frozenset(
    {"at", "on", "count", "expires", "expiry", "expiration", "type", "length", "id", "ids", "hint",
     "changed", "updated", "set", "version", "url", "required", "enabled", "prefix", "last4", "algorithm"}
)
# Models outside the workspace whose secret fields are known: Django's users have a password.
KNOWN_MODELS = {
    "django.contrib.auth.models.User": ("password",),
    "django.contrib.auth.models.AbstractUser": ("password",),
    "django.contrib.auth.models.AbstractBaseUser": ("password",),
    "django.contrib.auth.base_user.AbstractBaseUser": ("password",),
}
DJANGO_REQUEST_USER = ("request.user", "self.request.user")
MODEL_SERIALIZERS = frozenset(
    {"rest_framework.serializers.ModelSerializer", "rest_framework.serializers.HyperlinkedModelSerializer"}
)
# `list[User]`, `Optional[User]`, `Sequence[User]`, `User | None`: the model inside.
WRAPPED = re.compile(r"^(?:(?:typing\.)?(?:list|List|Sequence|Optional|Iterable)\[\s*)?([A-Za-z_][\w.]*)")
MAX_DEPTH = 8


def secret(name: str) -> bool:
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
    match = WORDS.search(words)
    if match is None:
        return False
    last = words.rsplit("_", 1)[-1]
    return last not in METADATA


class SensitiveFieldExposure(Rule):
    code = "SEC010"
    # A finding sits in the handler that sends the object, or the serializer class that lists
    # `__all__`; the models it reads are class-level code, part of every statement's context.
    scope = "statement"

    def check(self, context):
        models = Models(context)
        facts = context.facts
        handlers = handler_routes(facts, context.routes)
        for serialization in facts.serializations:
            if not _sent(serialization, facts, handlers):
                continue
            exposed = _exposed(serialization, models)
            if exposed:
                yield self.finding(
                    serialization.span,
                    f"`{serialization.subject}` is serialized whole, so its {_names(exposed)} the client; "
                    "return only the fields the client needs (a schema or an explicit dict).",
                )
        for handler, routes in handlers.items():
            fastapi = next((r for r in routes if r.framework == "fastapi"), None)
            if fastapi is not None:
                yield from self._fastapi(handler, fastapi, models)
        yield from self._serializers(models)

    def _fastapi(self, handler: str, route: Route, models: Models):
        facts = models.context.facts
        call = decorator_call(route, facts)
        if call is None:
            return
        declared = call.keyword("response_model")
        if declared is None:
            declared = dict(facts.return_annotations).get(handler)
        if declared is not None:
            if declared.kind == "none":
                return
            found = _declared_model(declared)
            if found is None:
                return
            written, span = found
            model = models.find(written)
            table = model is not None and not model.model.is_mixin and not model.model.abstract
            exposed = models.secrets(model) if table else []
            if exposed:
                yield self.finding(
                    span,
                    f"The table model `{written}` is the response model, so its {_names(exposed)} the client; "
                    "declare a response schema without secrets.",
                )
            return
        for response in facts.responses:
            if response.function != handler or response.shape != "value" or response.target.kind != "name":
                continue
            instance = instance_at(facts.instances, handler, response.target.text, response.span.start)
            model = models.find(instance.model) if instance is not None and instance.model is not None else None
            exposed = models.secrets(model) if model is not None else []
            if exposed:
                yield self.finding(
                    response.target.span,
                    f"`{response.target.text}` is returned without a response model, so its "
                    f"{_names(exposed)} the client; declare a response schema without secrets.",
                )

    def _serializers(self, models: Models):
        facts = models.context.facts
        for name, definition in facts.classes.items():
            meta = facts.classes.get(f"{name}.Meta")
            if meta is None or not models.is_model_serializer(definition, facts, models.context.path):
                continue
            attributes = {a.target: a for a in facts.assignments if a.class_name == meta.qualname and a.function is None}
            fields, model_value = attributes.get("fields"), attributes.get("model")
            if fields is None or model_value is None or fields.value.literal != "__all__":
                continue
            model = models.find(model_value.value.text)
            if model is None:
                continue
            hidden = _write_only(facts, name, attributes.get("extra_kwargs"))
            exposed = [field for field in models.secrets(model) if field not in hidden]
            if exposed:
                yield self.finding(
                    fields.value.span,
                    f'`fields = "__all__"` serializes every field of `{model.model.name}`, so its '
                    f"{_names(exposed)} the client; list the fields to send.",
                )


def _names(fields: list[str]) -> str:
    """"secret field `a` reaches" / "secret fields `a` and `b` reach"."""
    quoted = [f"`{field}`" for field in dict.fromkeys(fields)]
    if len(quoted) == 1:
        return f"secret field {quoted[0]} reaches"
    return f"secret fields {', '.join(quoted[:-1])} and {quoted[-1]} reach"


def _sent(serialization: Serialization, facts: ModuleFacts, handlers) -> bool:
    for response in facts.responses:
        if response.function != serialization.function or not is_sent(response, handlers):
            continue
        if response.value.span.start <= serialization.span.start and serialization.span.end <= response.value.span.end:
            return True
        if (
            serialization.assigned_to
            and serialization.assigned_to in response.names
            and response.span.start > serialization.span.end
        ):
            return True
    return False


def _exposed(serialization: Serialization, models: Models) -> list[str]:
    facts = models.context.facts
    if serialization.subject in DJANGO_REQUEST_USER and models.django:
        model = models.known("django.contrib.auth.models.User")
    else:
        instance = instance_at(facts.instances, serialization.function, serialization.subject, serialization.span.start)
        model = models.find(instance.model) if instance is not None and instance.model is not None else None
    if model is None:
        return []
    secrets = models.secrets(model)
    if not secrets:
        return []
    if serialization.kind == "model_to_dict":
        if serialization.fields is not None:
            return [s for s in secrets if s in serialization.fields]
        return [s for s in secrets if s not in serialization.exclude]
    if serialization.kind == "method":
        method = models.method(model, serialization.method or "")
        if method is None:
            # pydantic's own dump of a SQLModel table model holds every field
            whole = serialization.method in ("model_dump", "dict") and model.model.orm == "sqlmodel"
            return secrets if whole else []
        named = set(method.strings) | models.class_strings(model)
        if method.whole:
            return [s for s in secrets if not any(s in text for text in named)]
        return [s for s in secrets if s in method.attributes]
    return secrets  # __dict__, vars(), jsonable_encoder(): every attribute


def _declared_model(value: Value) -> tuple[str, Span] | None:
    """The model a response model or annotation names (inside `list[...]`, `Optional[...]`)."""
    if value.span.start[0] != value.span.end[0]:
        return None
    match = WRAPPED.match(value.text)
    if match is None:
        return None
    start = (value.span.start[0], value.span.start[1] + match.start(1))
    end = (start[0], start[1] + len(match.group(1)))
    return match.group(1), Span(start, end)


def _write_only(facts: ModuleFacts, serializer: str, extra) -> set[str]:
    """Fields a serializer only reads from requests: `extra_kwargs = {"password": {"write_only": True}}`
    or a declared field `password = serializers.CharField(write_only=True)`."""
    hidden = set()
    if extra is not None:
        for key, options in extra.value.items:
            if isinstance(key.literal, str) and any(
                k.literal == "write_only" and v.kind == "true" for k, v in options.items
            ):
                hidden.add(key.literal)
    for assignment in facts.assignments:
        if assignment.class_name != serializer or assignment.function is not None:
            continue
        call = facts.call_at(assignment.value.span)
        if call is not None:
            flag = call.keyword("write_only")
            if flag is not None and flag.kind == "true":
                hidden.add(assignment.target)
    return hidden


# --- models across the workspace ------------------------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A model (or a class known by its import path) and the module it is defined in."""

    model: Model
    facts: ModuleFacts | None
    path: str | None
    known: tuple[str, ...] = ()  # the secret fields of a model outside the workspace


class Models:
    """Models and classes by the names a module writes, resolved here or through the index."""

    def __init__(self, context):
        self.context = context
        imports = context.facts.imports.values()
        self.django = any(q.startswith(("django", "rest_framework")) for q in imports)

    def find(self, written: str, facts: ModuleFacts | None = None, path: str | None = None, depth: int = 0) -> Found | None:
        facts = facts or self.context.facts
        path = path or self.context.path
        for model in facts.models:
            if model.name == written or model.qualname == written:
                # The whole module's facts: its methods and class-level strings are read from them.
                return Found(model, whole_module(facts), path)
        head, _, rest = written.partition(".")
        qualname = facts.imports.get(head)
        symbol = (qualname + ("." + rest if rest else "")) if qualname else None
        if symbol in KNOWN_MODELS:
            return self.known(symbol)
        if symbol is None or self.context.index is None or depth > MAX_DEPTH:
            return None
        key = self.context.index.resolve(path, symbol)
        module = self.context.index.modules.get(key[0]) if key is not None else None
        if module is None:
            return None
        for model in module.facts.models:
            if model.name == key[1] and "." not in model.qualname:
                return Found(model, module.facts, key[0])
        return None

    def known(self, symbol: str) -> Found:
        name = symbol.rsplit(".", 1)[-1]
        model = Model(
            name=name, qualname=name, name_span=Span((0, 0), (0, 0)), orm="django", table_name=None, bases=(),
            abstract=False, is_mixin=False, columns=(), relationships=(), indexes=(), indexes_known=True,
            inherits_mapped=False,
        )
        return Found(model, None, None, KNOWN_MODELS[symbol])

    def secrets(self, found: Found, depth: int = 0) -> list[str]:
        """The secret fields of a model, those it inherits included."""
        names = list(found.known) + [c.name for c in found.model.columns if secret(c.name)]
        if found.facts is None or depth > MAX_DEPTH:
            return names
        for base in found.model.bases:
            if base.qualname in KNOWN_MODELS:
                names.extend(KNOWN_MODELS[base.qualname])
                continue
            parent = self.find(base.text, found.facts, found.path, depth + 1)
            if parent is not None and parent.model is not found.model:
                names.extend(self.secrets(parent, depth + 1))
        return list(dict.fromkeys(names))

    def method(self, found: Found, name: str) -> SerializerMethod | None:
        """The serializing method a model has, its own or one a base class gives it."""
        if found.facts is None:
            return None
        return self._method(found.facts, found.path, found.model.qualname, name, 0)

    def _method(self, facts: ModuleFacts, path, class_name: str, name: str, depth: int) -> SerializerMethod | None:
        for method in facts.serializer_methods:
            if method.class_name == class_name and method.name == name:
                return method
        definition = facts.classes.get(class_name)
        if definition is None or depth > MAX_DEPTH:
            return None
        for base in definition.bases:
            located = self._class(facts, path, base)
            if located is not None:
                found = self._method(*located, name, depth + 1)
                if found is not None:
                    return found
        return None

    def _class(self, facts: ModuleFacts, path, base: Value):
        """(facts, path, class qualname) of a base class in the workspace."""
        if base.text in facts.classes:
            return facts, path, base.text
        head, _, rest = base.text.partition(".")
        qualname = facts.imports.get(head)
        if qualname is None or self.context.index is None:
            return None
        key = self.context.index.resolve(path, qualname + ("." + rest if rest else ""))
        module = self.context.index.modules.get(key[0]) if key is not None else None
        if module is None or key[1] not in module.facts.classes:
            return None
        return module.facts, key[0], key[1]

    def class_strings(self, found: Found) -> set[str]:
        """Strings in the model's class body (`serialize_rules = ("-password",)`, `__exclude__`)."""
        if found.facts is None:
            return set()
        strings = set()
        for assignment in found.facts.assignments:
            if assignment.class_name != found.model.qualname or assignment.function is not None:
                continue
            literal = assignment.value.literal
            items = literal if isinstance(literal, (list, tuple, set)) else [literal]
            strings.update(item for item in items if isinstance(item, str))
        return strings

    def is_model_serializer(self, definition: ClassDef, facts: ModuleFacts, path, depth: int = 0) -> bool:
        for base in definition.bases:
            if base.qualname in MODEL_SERIALIZERS:
                return True
            located = self._class(facts, path, base) if depth < MAX_DEPTH else None
            if located is not None:
                other_facts, other_path, name = located
                if self.is_model_serializer(other_facts.classes[name], other_facts, other_path, depth + 1):
                    return True
        return False
