"""SVC002: the address of another service written into the code."""

from __future__ import annotations

import ipaddress
import re

from backend_ls.facts.model import ModuleFacts, Value
from backend_ls.facts.modules import is_development_module
from backend_ls.positions import Span
from backend_ls.rules.base import Rule

SCHEME = re.compile(r"(?:https?|wss?|grpcs?)://", re.I)
PRIVATE_SUFFIXES = (".internal", ".local", ".localhost", ".svc")
STRING_PREFIX = re.compile(r"[rRbBuUfF]*('''|\"\"\"|'|\")")
# Reading configuration with a fallback: the literal is the default of a setting, not the address.
ENV_READS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault", "decouple.config", "decouple.AutoConfig()"})
ENV_READ_INSTANCES = ("environ.Env()", "starlette.config.Config()", "decouple.AutoConfig()")
SETTINGS_BASES = frozenset({"pydantic_settings.BaseSettings", "pydantic.BaseSettings", "pydantic.v1.BaseSettings"})


class HardcodedServiceUrl(Rule):
    code = "SVC002"
    scope = "statement"

    def check(self, context):
        facts = context.facts
        if is_development_module(facts.path, context.settings.root):
            return  # tests and local-only modules are meant to name local hosts
        exempt = _configuration_spans(facts)
        seen: set[Span] = set()
        for value, hint in _string_values(facts):
            if value.span in seen or (hint and "origin" in hint.lower()):
                continue  # CORS origins name who may call us, not a service we call
            seen.add(value.span)
            host = _service_host(value)
            if host is None or any(_inside(value.span, span) for span in exempt):
                continue
            yield self.finding(
                value.span,
                f"This URL fixes the address of another service (`{host}`), which differs in every "
                "deployment; read it from configuration, such as an environment variable.",
            )


def _string_values(facts: ModuleFacts):
    """Every string expression the facts hold, with the name it is given (keyword, target, key)."""
    for call in facts.calls:
        for arg in call.args:
            yield from _strings(arg, None)
        for name, value in call.keywords:
            yield from _strings(value, name)
    for assignment in facts.assignments:
        yield from _strings(assignment.value, assignment.key or assignment.target)
    for function in facts.functions.values():
        for parameter in function.parameters:
            if parameter.default is not None:
                yield from _strings(parameter.default, parameter.name)


def _strings(value: Value, hint: str | None):
    if value.kind in ("str", "fstring"):
        yield value, hint
    for part in value.parts:
        yield from _strings(part, hint)
    for element in value.elements:
        yield from _strings(element, hint)
    for key, item in value.items:
        yield from _strings(item, key.literal if key.kind == "str" and isinstance(key.literal, str) else hint)


def _configuration_spans(facts: ModuleFacts) -> list[Span]:
    """Where a literal is a default of configuration: the arguments of an environment read, the
    class attributes of a settings class (pydantic `BaseSettings` reads each from the environment)."""
    spans = [call.span for call in facts.calls if _reads_environment(call.qualname)]
    settings_classes = {name for name in facts.classes if _is_settings_class(facts, name, 0)}
    spans += [a.value.span for a in facts.assignments if a.function is None and a.class_name in settings_classes]
    return spans


def _reads_environment(qualname: str | None) -> bool:
    if qualname is None:
        return False
    return qualname in ENV_READS or qualname.startswith(ENV_READ_INSTANCES)


def _is_settings_class(facts: ModuleFacts, name: str, depth: int) -> bool:
    definition = facts.classes.get(name)
    if definition is None or depth > 10:
        return False
    for base in definition.bases:
        if base.qualname in SETTINGS_BASES:
            return True
        if base.qualname is None and base.text in facts.classes and _is_settings_class(facts, base.text, depth + 1):
            return True
    return False


def _service_host(value: Value) -> str | None:
    """The host of a URL literal (or of the literal head of an f-string) when it is one that only
    resolves inside a deployment: localhost, an IP, a single-label or private-suffix name."""
    if value.kind == "str":
        if not isinstance(value.literal, str):
            return None
        content, complete = value.literal.strip(), True
    else:
        match = STRING_PREFIX.match(value.text)
        if match is None:
            return None
        content, complete = value.text[match.end():].split("{", 1)[0], False
    host = _host(content, complete)
    if host is None:
        return None
    host = host.lower().rstrip(".")
    if not host:
        return None
    if host == "localhost" or host.endswith(PRIVATE_SUFFIXES) or "." not in host:
        return host
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return None
    return host


def _host(content: str, complete: bool) -> str | None:
    scheme = SCHEME.match(content)
    if scheme is None:
        return None
    rest = content[scheme.end():]
    authority = re.match(r"[^/?#\s]*", rest).group(0)
    ended = complete or len(authority) < len(rest)
    hostport = authority.rsplit("@", 1)[-1]
    if hostport.startswith("["):  # an IPv6 address
        end = hostport.find("]")
        return hostport[1:end] if end > 0 else None
    if ":" in hostport:
        return hostport.split(":", 1)[0]
    return hostport if ended else None


def _inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end
