"""Expressions that turn a whole object into data, and the methods of classes that do it.

`obj.__dict__`, `vars(obj)`, `obj.to_dict()` (and its kin), Django's `model_to_dict(obj)` and
FastAPI's `jsonable_encoder(obj)` hand over every attribute the object has, unless the method
picks some. Which object that is, and whether its class has fields a client must never see, is for
the checks to settle with the instance facts (facts/instances.py), the models and the workspace
index. For a serializing method defined in a class (`def to_dict(self)`), these facts say whether
it reads every column generically (`self.__table__.columns`, `self.__dict__`, `_meta.fields`) and
which attributes and strings it names, so a check can tell "all columns" from a chosen few.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.names import Arguments
from backend_ls.facts.walk import Walk, span_of
from backend_ls.positions import Span

# Methods that conventionally turn a record into a dict or JSON; `model_dump` / `dict` are
# pydantic's (and SQLModel's) own.
METHODS = frozenset({"to_dict", "as_dict", "to_json", "serialize", "to_dict_full", "model_dump", "dict"})
MODEL_TO_DICT = frozenset({"django.forms.models.model_to_dict", "django.forms.model_to_dict"})
ENCODERS = frozenset({"fastapi.encoders.jsonable_encoder"})
# What a method body reads when it goes over every column or attribute rather than chosen ones.
GENERIC_NAMES = frozenset({"__table__", "__mapper__", "__dict__", "column_attrs", "model_to_dict", "model_dump"})
META_FIELDS = frozenset({"fields", "get_fields", "concrete_fields", "local_fields"})


@dataclass(frozen=True)
class Serialization:
    """An expression that turns an object, whole, into data."""

    function: str | None
    span: Span
    kind: str  # "__dict__", "vars", "method", "model_to_dict", "encoder"
    subject: str  # the object as written: "user", "request.user"
    method: str | None  # for "method": "to_dict", "as_dict", ...
    fields: tuple[str, ...] | None  # model_to_dict(fields=[...]) when it is a literal list
    exclude: tuple[str, ...]  # model_to_dict(exclude=[...]) when it is a literal list
    assigned_to: str | None  # `name = <expression holding it>`


@dataclass(frozen=True)
class SerializerMethod:
    """`def to_dict(self)` (or its kin) in a class."""

    qualname: str  # "User.to_dict"
    class_name: str  # "User"
    name: str
    whole: bool  # reads every column or attribute generically
    attributes: tuple[str, ...]  # `self.<attribute>` names it reads
    strings: tuple[str, ...]  # the string literals it holds (names it picks or leaves out)


def serializations_in(module, walk: Walk) -> list[Serialization]:
    functions = walk.function_finder()
    scope = walk.module_scope
    used = walk.index(module).names
    found = []
    for name in ("__dict__", *METHODS):
        for leaf in used.get(name, ()):
            trailer = leaf.parent
            if trailer.type != "trailer" or trailer.children[0] != "." or trailer.children[1] is not leaf:
                continue
            node = trailer.parent
            index = node.children.index(trailer)
            subject = _subject(node.children[:index])
            if subject is None:
                continue
            if name == "__dict__":
                end = trailer
                kind = "__dict__"
            else:
                following = node.children[index + 1] if index + 1 < len(node.children) else None
                if following is None or following.type != "trailer" or following.children[0] != "(":
                    continue
                if len(following.children) > 2:
                    _, chosen = _arguments(following)
                    if name not in ("model_dump", "dict") or {"include", "exclude"} & set(chosen):
                        continue  # `to_dict(rules=...)`, `model_dump(exclude=...)`: it picks what goes in
                end = following
                kind = "method"
            span = Span(node.children[0].start_pos, end.end_pos)
            found.append(_serialization(functions.at(span.start), span, kind, subject, name if kind == "method" else None, end))
    for name in ("vars", "model_to_dict", "jsonable_encoder"):
        for leaf in used.get(name, ()):
            node = leaf.parent
            if node.type not in ("atom_expr", "power") or node.children[0] is not leaf or len(node.children) != 2:
                continue
            trailer = node.children[1]
            if trailer.children[0] != "(" or len(trailer.children) < 3:
                continue
            qualname = scope.lookup(name) if name != "vars" else None
            if name == "vars" and scope.lookup("vars") is not None:
                continue
            if name == "model_to_dict" and qualname not in MODEL_TO_DICT:
                continue
            if name == "jsonable_encoder" and qualname not in ENCODERS:
                continue
            arguments, keywords = _arguments(trailer)
            if not arguments:
                continue
            subject = _subject([arguments[0]]) if arguments[0].type == "name" else _subject(
                arguments[0].children if arguments[0].type in ("atom_expr", "power") else [arguments[0]]
            )
            if subject is None:
                continue
            kind = {"vars": "vars", "model_to_dict": "model_to_dict", "jsonable_encoder": "encoder"}[name]
            fields = _strings(keywords.get("fields")) if "fields" in keywords else None
            exclude = _strings(keywords.get("exclude")) or ()
            found.append(
                _serialization(functions.at(node.start_pos), span_of(node), kind, subject, None, node,
                               fields=fields, exclude=exclude)
            )
    found.sort(key=lambda serialization: serialization.span)
    return found


def serializer_methods(module, walk: Walk) -> list[SerializerMethod]:
    used = walk.index(module).names
    found = []
    for name in METHODS:
        for leaf in used.get(name, ()):
            funcdef = leaf.parent
            if funcdef.type != "funcdef" or funcdef.name is not leaf:
                continue
            function = next(
                (f for f in walk.functions.values() if f.name_span.start == leaf.start_pos), None
            )
            if function is None or function.class_name is None or not function.parameters:
                continue
            found.append(_method(funcdef, function.qualname, function.class_name, function.parameters[0].name))
    return found


def _subject(nodes) -> str | None:
    """A plain dotted name (`user`, `request.user`, `self.request.user`) as written."""
    if not nodes or nodes[0].type != "name":
        return None
    parts = [nodes[0].value]
    for trailer in nodes[1:]:
        if trailer.type != "trailer" or trailer.children[0] != ".":
            return None
        parts.append(trailer.children[1].value)
    return ".".join(parts)


def _serialization(function, span, kind, subject, method, node, fields=None, exclude=()) -> Serialization:
    return Serialization(
        function=function,
        span=span,
        kind=kind,
        subject=subject,
        method=method,
        fields=fields,
        exclude=tuple(exclude),
        assigned_to=_assigned_to(node),
    )


def _assigned_to(node) -> str | None:
    """`name = ...` when `node` is in the value of a plain assignment."""
    current = node
    while current.parent is not None and current.parent.type not in ("expr_stmt", "simple_stmt", "suite", "file_input"):
        current = current.parent
    parent = current.parent
    if parent is None or parent.type != "expr_stmt":
        return None
    children = parent.children
    if len(children) >= 3 and children[1] == "=" and children[0].type == "name" and children[-1] is current:
        return children[0].value
    return None


def _arguments(trailer) -> tuple[list, dict]:
    arguments = Arguments(trailer)
    return [node for node in arguments.positional if node not in arguments.generators], arguments.keywords


def _strings(node) -> tuple[str, ...] | None:
    """The strings of a literal list or tuple of strings; None for anything else."""
    if node is None or node.type != "atom" or node.children[0] not in ("[", "("):
        return None
    inner = node.children[1] if len(node.children) == 3 else None
    elements = [] if inner is None else ([c for c in inner.children if c != ","] if inner.type == "testlist_comp" else [inner])
    values = []
    for element in elements:
        if element.type != "string":
            return None
        text = element.value
        quote = text.lstrip("rRbBuU")[:1]
        values.append(text.lstrip("rRbBuU").strip(quote))
    return tuple(values)


def _method(funcdef, qualname: str, class_name: str, self_name: str) -> SerializerMethod:
    body = funcdef.children[-1]
    names, attributes, strings = set(), [], []
    leaf = body.get_first_leaf()
    last = body.get_last_leaf()
    whole = False
    while leaf is not None:
        if leaf.type == "name":
            names.add(leaf.value)
            parent = leaf.parent
            if leaf.value in GENERIC_NAMES or leaf.value in META_FIELDS and _after(leaf, "_meta"):
                whole = True
            elif leaf.value == self_name and parent.type in ("atom_expr", "power") and parent.children[0] is leaf:
                following = parent.children[1]
                if following.type == "trailer" and following.children[0] == ".":
                    attributes.append(following.children[1].value)
                elif following.type == "trailer" and following.children[0] == "(":
                    pass
            elif leaf.value in ("vars", "inspect") and parent.type in ("atom_expr", "power") and parent.children[0] is leaf:
                call = parent.children[1]
                if call.type == "trailer" and call.children[0] == "(" and call.children[1].type == "name" and call.children[1].value == self_name:
                    whole = True
        elif leaf.type == "string":
            text = leaf.value.lstrip("rRbBuU")
            quote = text[:3] if text[:3] in ('"""', "'''") else text[:1]
            strings.append(text[len(quote):-len(quote)] if len(text) >= 2 * len(quote) else text)
        if leaf is last:
            break
        leaf = leaf.get_next_leaf()
    return SerializerMethod(
        qualname=qualname,
        class_name=class_name,
        name=funcdef.name.value,
        whole=whole,
        attributes=tuple(dict.fromkeys(attributes)),
        strings=tuple(strings),
    )


def _after(leaf, name: str) -> bool:
    """`<name>.<leaf>`: the leaf is the attribute right after `name`."""
    trailer = leaf.parent
    if trailer.type != "trailer" or trailer.children[0] != ".":
        return False
    previous = trailer.get_previous_sibling()
    if previous is None:
        return False
    if previous.type == "name":
        return previous.value == name
    return previous.type == "trailer" and previous.children[0] == "." and previous.children[1].value == name
