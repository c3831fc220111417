"""Which local names hold records of a model, or collections of them.

`user = User.query.get(1)`, `user = db.session.get(User, 1)`, `order = Order.objects.get(pk=1)`,
`item = get_object_or_404(Item, pk=1)`, `users = session.exec(select(User)).all()`,
`for user in users:`, `[u.to_dict() for u in User.query.all()]`, `user = User(name=name)`, a
parameter annotated `user: User`. The model is given as written ("User", "models.User"); the checks
resolve it through the imports and the workspace index, so a class that turns out not to be a
model costs nothing. A name bound to anything else (a `.values()` queryset, a count, an unknown
call) is not reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from backend_ls.facts.names import Arguments
from backend_ls.facts.model import Function
from backend_ls.facts.responses import split_trailers
from backend_ls.facts.walk import Walk, code_of, span_of
from backend_ls.positions import Point, Span

MANAGERS = frozenset({"query", "objects"})  # Flask-SQLAlchemy's query property, Django's manager
SINGLE = frozenset(
    {"get", "first", "one", "one_or_none", "get_or_404", "first_or_404", "one_or_404", "scalar",
     "scalar_one", "scalar_one_or_none", "latest", "earliest", "last", "create", "get_object_or_404"}
)
MANY = frozenset(
    {"all", "filter", "filter_by", "where", "order_by", "exclude", "limit", "offset", "select_related",
     "prefetch_related", "only", "defer", "distinct", "annotate", "scalars", "exec", "execute",
     "get_list_or_404", "unique", "options", "join"}
)
# Calls whose first argument is the model: `session.get(User, 1)`, `session.query(User)`.
MODEL_ARGUMENT = frozenset(
    {"get", "get_or_404", "query", "select", "get_object_or_404", "get_list_or_404", "first_or_404",
     "one_or_404", "exec", "scalars", "execute", "scalar"}
)
# `list[User]`, `Optional[User]`, `Annotated[User, Depends(...)]`, `User | None`.
ANNOTATION = re.compile(
    r"^(?:(?:typing\.)?(?P<outer>list|List|Sequence|Iterable|Optional|Annotated)\[)?\s*"
    r"(?P<model>[A-Za-z_][\w.]*)\s*(?:\|\s*None\s*)?(?:[,\]].*)?$",
    re.DOTALL,
)
CAPITALIZED = re.compile(r"^(?:[A-Za-z_]\w*\.)*[A-Z]\w*$")
# Statements and clauses that bind names.
BINDINGS = frozenset({"expr_stmt", "for_stmt", "sync_comp_for", "comp_for"})


@dataclass(frozen=True)
class Instance:
    """A local name bound to a record of a model (`many`: to a collection of records)."""

    function: str
    name: str
    # The model class as written: "User", "models.User"; None when the name, bound to records
    # before, is bound to something else from here on (`user = user.to_dict()`).
    model: str | None
    many: bool
    at: Point  # where the binding takes effect
    # A comprehension binds its variable inside itself only; None: from `at` to the function's end.
    scope: Span | None = None


def instances_in(module, walk: Walk) -> list[Instance]:
    functions = walk.function_finder()
    found: list[Instance] = []
    for function in walk.functions.values():
        found.extend(_parameters(function))
    known: dict[tuple[str, str], Instance] = {}
    for node in walk.index(module).of_types(BINDINGS):
        function = functions.at(node.start_pos)
        if function is None:
            continue
        for instance in _bindings(node, function, known):
            found.append(instance)
            if instance.scope is None:
                known[(function, instance.name)] = instance
    found.sort(key=lambda instance: instance.at)
    return found


def instance_at(instances, function: str | None, name: str, point: Point) -> Instance | None:
    """The binding of `name` that a use at `point` in `function` sees."""
    best = None
    for instance in instances:
        if instance.function != function or instance.name != name:
            continue
        if instance.scope is not None:
            if instance.scope.start <= point <= instance.scope.end:
                return instance
            continue
        if instance.at <= point:
            best = instance
    return best


def _parameters(function: Function) -> list[Instance]:
    found = []
    for parameter in function.parameters:
        if parameter.annotation is None or parameter.name in ("self", "cls"):
            continue
        match = ANNOTATION.match(parameter.annotation.text)
        if match is None or not CAPITALIZED.match(match.group("model")):
            continue
        many = match.group("outer") in ("list", "List", "Sequence", "Iterable")
        found.append(Instance(function.qualname, parameter.name, match.group("model"), many, function.def_span.start))
    return found



def _bindings(node, function: str, known) -> list[Instance]:
    if node.type == "expr_stmt":
        children = node.children
        if len(children) == 3 and children[1] == "=" and children[0].type == "name":
            name = children[0].value
            bound = _model_of(children[2], function, known)
            if bound is not None:
                return [Instance(function, name, bound[0], bound[1], node.end_pos)]
            previous = known.get((function, name))
            if previous is not None and previous.model is not None:
                return [Instance(function, name, None, False, node.end_pos)]
        return []
    if node.type == "for_stmt":
        target, iterable = node.children[1], node.children[3]
        if target.type != "name":
            return []
        bound = _model_of(iterable, function, known)
        if bound is None or not bound[1]:
            return []
        return [Instance(function, target.value, bound[0], False, node.children[4].end_pos)]
    # a comprehension: `for target in iterable` inside a list, set, dict or generator
    if node.type == "sync_comp_for" or node.type == "comp_for":
        inner = node if node.type == "sync_comp_for" else node.children[-1]
        if inner.type != "sync_comp_for" or len(inner.children) < 4:
            return []
        target, iterable = inner.children[1], inner.children[3]
        if target.type != "name":
            return []
        bound = _model_of(iterable, function, known)
        if bound is None or not bound[1]:
            return []
        owner = node.parent
        while owner is not None and owner.type not in ("atom", "argument", "testlist_comp", "dictorsetmaker"):
            owner = owner.parent
        if owner is not None and owner.type in ("testlist_comp", "dictorsetmaker"):
            owner = owner.parent
        if owner is None:
            return []
        return [Instance(function, target.value, bound[0], False, owner.start_pos, span_of(owner))]
    return []


def _model_of(node, function: str, known) -> tuple[str, bool] | None:
    """(model as written, many) for an expression that yields records, else None."""
    if node.type == "name":
        instance = known.get((function, node.value))
        return (instance.model, instance.many) if instance is not None and instance.model is not None else None
    if node.type not in ("atom_expr", "power"):
        return None
    base, trailers = split_trailers(node)
    if base.type != "name":
        return None
    segments = _segments(base, trailers)
    if segments is None:
        return None
    if base.value == "list" and len(segments) == 1 and segments[0][1] is not None and len(segments[0][1]) == 1:
        inner = _model_of(segments[0][1][0], function, known)
        return (inner[0], True) if inner is not None and inner[1] else None
    last, arguments = segments[-1]
    # `User(...)`, `models.User(...)`: a new record
    if arguments is not None and all(args is None for _, args in segments[:-1]) and CAPITALIZED.match(_dotted(segments)):
        return _dotted(segments), False
    if last == "items" and arguments is None and len(segments) >= 2 and segments[-2][0] == "paginate":
        many = True
    elif arguments is None:
        return None
    elif last in SINGLE:
        many = False
    elif last in MANY:
        many = True
    else:
        return None
    model = _manager_model(segments) or _argument_model(segments)
    return (model, many) if model is not None else None


def _segments(base, trailers) -> list[tuple[str, list | None]] | None:
    """`a.b(x).c` -> [("a", None), ("b", [x]), ("c", None)]; None for subscripts."""
    segments: list[tuple[str, list | None]] = [(base.value, None)]
    for trailer in trailers:
        first = trailer.children[0]
        if first == ".":
            segments.append((trailer.children[1].value, None))
        elif first == "(":
            name, arguments = segments[-1]
            if arguments is not None:
                return None  # a call of a call's result
            segments[-1] = (name, _arguments(trailer))
        else:
            return None
    return segments


def _dotted(segments) -> str:
    return ".".join(name for name, _ in segments)


def _manager_model(segments) -> str | None:
    """`User.query...`, `models.User.objects...`: the dotted name in front of the manager."""
    for index, (name, arguments) in enumerate(segments):
        if name in MANAGERS and arguments is None and index > 0:
            prefix = segments[:index]
            if all(args is None for _, args in prefix):
                dotted = _dotted(prefix)
                return dotted if CAPITALIZED.match(dotted) else None
            return None
    return None


def _argument_model(segments) -> str | None:
    """The model named as the first argument of `query(...)`, `get(...)`, `select(...)`, ..."""
    for name, arguments in segments:
        if arguments is None or name not in MODEL_ARGUMENT or not arguments:
            continue
        first = arguments[0]
        text = code_of(first).strip()
        if first.type in ("name", "atom_expr", "power") and CAPITALIZED.match(text):
            return text
        if first.type in ("atom_expr", "power"):  # select(User) inside exec(...) / scalars(...)
            base, trailers = split_trailers(first)
            inner = _segments(base, trailers) if base.type == "name" else None
            if inner and inner[-1][0] == "select" and inner[-1][1]:
                candidate = inner[-1][1][0].get_code(include_prefix=False).strip()
                if CAPITALIZED.match(candidate):
                    return candidate
            elif inner:
                found = _argument_model(inner)
                if found is not None:
                    return found
    return None


def _arguments(trailer) -> list:
    """The positional argument nodes of a call trailer."""
    arguments = Arguments(trailer)
    return [node for node in arguments.positional if node not in arguments.generators]


