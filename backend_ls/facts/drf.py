"""Django REST framework: routers and their registrations, what DRF's view classes provide,
`@api_view` function views, `@action` extra routes, and the per-view policy attributes
(`permission_classes`, `throttle_classes`, `pagination_class`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.django import Ref, decorator_call, ref_of
from backend_ls.facts.model import Function, ModuleFacts, Value
from backend_ls.facts.walk import Walk
from backend_ls.positions import Span

ROUTERS = {
    "rest_framework.routers.DefaultRouter": "DefaultRouter",
    "rest_framework.routers.SimpleRouter": "SimpleRouter",
}
API_VIEW = "rest_framework.decorators.api_view()"
ACTION = "rest_framework.decorators.action()"
# Class attributes (and the matching `@api_view` companion decorators / `@action` keywords) that
# decide a view's access and cost policy; the checks read them.
OPTION_NAMES = (
    "permission_classes",
    "authentication_classes",
    "throttle_classes",
    "throttle_scope",
    "pagination_class",
)
OPTION_DECORATORS = {
    "rest_framework.decorators.permission_classes()": "permission_classes",
    "rest_framework.decorators.authentication_classes()": "authentication_classes",
    "rest_framework.decorators.throttle_classes()": "throttle_classes",
}
# Which handler each route of a router maps each method to, in the router's own order.
LIST_ROUTE = (("get", "list"), ("post", "create"))
DETAIL_ROUTE = (("get", "retrieve"), ("put", "update"), ("patch", "partial_update"), ("delete", "destroy"))
ROUTER_ACTIONS = frozenset(action for _, action in LIST_ROUTE + DETAIL_ROUTE)


@dataclass(frozen=True)
class KnownView:
    """A DRF class: the HTTP methods it defines (each with the action it delegates to), the
    router actions it provides, and whether routers accept it."""

    methods: tuple[tuple[str, str | None], ...] = ()
    actions: tuple[str, ...] = ()
    viewset: bool = False


_LIST, _CREATE, _RETRIEVE = ("get", "list"), ("post", "create"), ("get", "retrieve")
_UPDATE, _PARTIAL, _DESTROY = ("put", "update"), ("patch", "partial_update"), ("delete", "destroy")
_ALL_ACTIONS = ("list", "create", "retrieve", "update", "partial_update", "destroy")


def _generic(*methods: tuple[str, str]) -> KnownView:
    actions = tuple(dict.fromkeys(a for _, a in methods).keys())
    if "update" in actions:
        actions += ("partial_update",)
        actions = tuple(dict.fromkeys(actions))
    return KnownView(methods=methods, actions=actions)


KNOWN_VIEWS: dict[str, KnownView] = {
    "rest_framework.views.APIView": KnownView(),
    "rest_framework.generics.GenericAPIView": KnownView(),
    "rest_framework.generics.CreateAPIView": _generic(_CREATE),
    "rest_framework.generics.ListAPIView": _generic(_LIST),
    "rest_framework.generics.RetrieveAPIView": _generic(_RETRIEVE),
    "rest_framework.generics.DestroyAPIView": _generic(_DESTROY),
    "rest_framework.generics.UpdateAPIView": _generic(_UPDATE, _PARTIAL),
    "rest_framework.generics.ListCreateAPIView": _generic(_LIST, _CREATE),
    "rest_framework.generics.RetrieveUpdateAPIView": _generic(_RETRIEVE, _UPDATE, _PARTIAL),
    "rest_framework.generics.RetrieveDestroyAPIView": _generic(_RETRIEVE, _DESTROY),
    "rest_framework.generics.RetrieveUpdateDestroyAPIView": _generic(_RETRIEVE, _UPDATE, _PARTIAL, _DESTROY),
    "rest_framework.mixins.ListModelMixin": KnownView(actions=("list",)),
    "rest_framework.mixins.CreateModelMixin": KnownView(actions=("create",)),
    "rest_framework.mixins.RetrieveModelMixin": KnownView(actions=("retrieve",)),
    "rest_framework.mixins.UpdateModelMixin": KnownView(actions=("update", "partial_update")),
    "rest_framework.mixins.DestroyModelMixin": KnownView(actions=("destroy",)),
    "rest_framework.viewsets.ViewSetMixin": KnownView(viewset=True),
    "rest_framework.viewsets.ViewSet": KnownView(viewset=True),
    "rest_framework.viewsets.GenericViewSet": KnownView(viewset=True),
    "rest_framework.viewsets.ReadOnlyModelViewSet": KnownView(actions=("list", "retrieve"), viewset=True),
    "rest_framework.viewsets.ModelViewSet": KnownView(actions=_ALL_ACTIONS, viewset=True),
}
# Modules that re-export others' classes: `viewsets.mixins.ListModelMixin`, `generics.APIView`.
_REEXPORTS = {
    "rest_framework.viewsets.mixins.": "rest_framework.mixins.",
    "rest_framework.generics.mixins.": "rest_framework.mixins.",
    "rest_framework.generics.views.": "rest_framework.views.",
    "rest_framework.generics.APIView": "rest_framework.views.APIView",
    "rest_framework.viewsets.views.": "rest_framework.views.",
    "rest_framework.viewsets.generics.": "rest_framework.generics.",
}


def known_view_name(qualname: str) -> str:
    for long, short in _REEXPORTS.items():
        if qualname.startswith(long):
            return short + qualname[len(long):]
    return qualname


# --- routers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DrfRouter:
    """`router = DefaultRouter(...)` at module level."""

    name: str
    kind: str  # "DefaultRouter", "SimpleRouter"
    trailing_slash: str | None  # "/" or ""; None when `trailing_slash=` is not a literal
    span: Span


@dataclass(frozen=True)
class RouterRegistration:
    """`router.register(prefix, ViewSet, basename=...)` at module level."""

    router: Ref
    prefix: Value
    viewset: Ref
    span: Span


def routers_in(walk: Walk) -> list[DrfRouter]:
    routers = []
    for call in walk.calls:
        if call.function is not None or call.assigned_to is None or call.qualname not in ROUTERS:
            continue
        slash: str | None = "/"
        value = call.keyword("trailing_slash")
        if value is not None:
            slash = ("/" if value.literal else "") if value.is_literal else None
        routers.append(DrfRouter(call.assigned_to, ROUTERS[call.qualname], slash, call.span))
    return routers


def registrations_in(walk: Walk) -> list[RouterRegistration]:
    registrations = []
    for call in walk.calls:
        if call.function is not None or call.method != "register" or call.star_args or call.star_kwargs:
            continue
        router = call.callee.rsplit(".", 1)[0]  # type: ignore[union-attr]
        prefix = call.args[0] if call.args else call.keyword("prefix")
        viewset = call.args[1] if len(call.args) > 1 else call.keyword("viewset")
        if prefix is None or viewset is None or viewset.kind not in ("name", "attribute"):
            continue
        qualname = call.qualname or ""
        # A router of this module, or a name imported from elsewhere that may be one (the index
        # keeps it only if it is); `admin.site.register(...)` and the like are not.
        if not any(qualname == f"{router_class}().register" for router_class in ROUTERS):
            reference = ref_of(walk.imports, router)
            if reference.symbol is None or reference.symbol.startswith(("django.", "rest_framework.")):
                continue
        registrations.append(
            RouterRegistration(ref_of(walk.imports, router), prefix, ref_of(walk.imports, viewset.text), call.span)
        )
    return registrations


# --- function views ------------------------------------------------------------------------------


def api_view_methods(facts: ModuleFacts, function: Function) -> tuple[tuple[str, ...], bool] | None:
    """For an `@api_view` function: its methods and whether they are written out; None for any
    other function. `@api_view()` alone answers GET."""
    for decorator in function.decorators:
        if decorator.qualname != API_VIEW:  # a bare `@api_view` fails when the module is imported
            continue
        call = decorator_call(facts, decorator)
        if call is None:
            return None
        value = call.args[0] if call.args else call.keyword("http_method_names")
        if value is None:
            return ("GET",), False
        literal = value.literal
        if not isinstance(literal, (list, tuple)) or not all(isinstance(m, str) for m in literal):
            return (), True  # methods computed at run time: a view, but its methods are unknown
        return tuple(dict.fromkeys(m.upper() for m in literal)), True
    return None


# --- options ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ViewOption:
    """A policy attribute of a view: `permission_classes = [IsAuthenticated]` in the class (or a
    base class), `@permission_classes([...])` on an `@api_view` function, or an `@action` keyword."""

    name: str  # one of OPTION_NAMES
    value: Value
    path: str  # the file the value is written in (a base class may sit in another module)
    owner: str  # the class or function it is written in / on


def function_options(facts: ModuleFacts, function: Function) -> tuple[ViewOption, ...]:
    options = []
    for decorator in function.decorators:
        name = OPTION_DECORATORS.get(decorator.qualname or "")
        if name is None:
            continue
        call = decorator_call(facts, decorator)
        if call is not None and call.args:
            options.append(ViewOption(name, call.args[0], facts.path, function.qualname))
    return tuple(options)


def class_options(facts: ModuleFacts, class_name: str) -> dict[str, ViewOption]:
    """The policy attributes a class body sets itself (the last assignment wins)."""
    options = {}
    for assignment in facts.assignments:
        if assignment.class_name == class_name and assignment.function is None and assignment.target in OPTION_NAMES:
            options[assignment.target] = ViewOption(assignment.target, assignment.value, facts.path, class_name)
    return options


def class_attribute(facts: ModuleFacts, class_name: str, name: str) -> Value | None:
    value = None
    for assignment in facts.assignments:
        if assignment.class_name == class_name and assignment.function is None and assignment.target == name:
            value = assignment.value
    return value


# --- @action ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExtraAction:
    """`@action(detail=..., methods=[...], url_path=...)` on a viewset method, with the methods
    other functions answer for it (`@<action>.mapping.delete`)."""

    name: str  # the function's name
    detail: bool
    url_path: str
    # HTTP method (lower case) -> the name of the function answering it
    mapping: tuple[tuple[str, str], ...]
    options: tuple[ViewOption, ...]


def extra_actions(facts: ModuleFacts, class_name: str) -> list[ExtraAction] | None:
    """The `@action`s a class body defines; None when one of them cannot be read statically."""
    actions: list[ExtraAction] = []
    mappings: list[tuple[str, str, str]] = []  # (action, method, function)
    for function in facts.functions.values():
        if function.class_name != class_name:
            continue
        for decorator in function.decorators:
            if decorator.qualname in (ACTION, ACTION.removesuffix("()")):
                action = _action(facts, function, decorator)
                if action is None:
                    return None
                actions.append(action)
            pieces = decorator.text.split(".")
            if len(pieces) == 3 and pieces[1] == "mapping" and pieces[2] in _HTTP:
                mappings.append((pieces[0], pieces[2], function.name))
    for target, method, handler in mappings:
        for index, action in enumerate(actions):
            if action.name == target:
                actions[index] = ExtraAction(
                    action.name, action.detail, action.url_path, (*action.mapping, (method, handler)), action.options
                )
    return actions


_HTTP = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "trace"})


def _action(facts: ModuleFacts, function: Function, decorator: Value) -> ExtraAction | None:
    call = decorator_call(facts, decorator) if decorator.kind == "call" else None
    if call is None or call.star_kwargs:
        return None
    detail = call.keyword("detail")
    if detail is None or detail.kind not in ("true", "false"):
        return None  # DRF requires `detail`; a computed one cannot be followed
    methods_value = call.keyword("methods")
    methods: tuple[str, ...] = ("get",)
    if methods_value is not None:
        literal = methods_value.literal
        if not isinstance(literal, (list, tuple)) or not all(isinstance(m, str) for m in literal):
            return None
        methods = tuple(dict.fromkeys(m.lower() for m in literal))
    url_path_value = call.keyword("url_path")
    url_path = function.name
    if url_path_value is not None:
        if not isinstance(url_path_value.literal, str) or url_path_value.kind != "str":
            return None
        url_path = url_path_value.literal
    options = tuple(
        ViewOption(name, value, facts.path, function.qualname)
        for name, value in call.keywords
        if name in OPTION_NAMES
    )
    return ExtraAction(function.name, bool(detail.literal), url_path, tuple((m, function.name) for m in methods), options)


def rest_framework_defaults(facts: ModuleFacts) -> dict[str, Value] | None:
    """The `REST_FRAMEWORK` settings a module assigns (DEFAULT_PERMISSION_CLASSES,
    DEFAULT_THROTTLE_CLASSES, DEFAULT_THROTTLE_RATES, DEFAULT_PAGINATION_CLASS, ...); None when
    it does not assign them."""
    django = getattr(facts, "django", None)
    if django is None or django.rest_framework is None:
        return None
    return dict(django.rest_framework)
