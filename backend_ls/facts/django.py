"""Django: the URL patterns, router registrations and settings one module declares, and what a
view answers.

A module's facts say what it writes (`urlpatterns`, `include(...)`, `ROOT_URLCONF`); the workspace
index (backend_ls/django_routes.py) follows includes across modules and composes full paths.
Names stay as written plus their import path (`Ref`), so no other module is needed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from backend_ls.facts.model import Function, ModuleFacts, PathPart, Value
from backend_ls.facts.names import Arguments, Scope, dotted_text, trailers_of
from backend_ls.facts.walk import Walk, span_of, value_of
from backend_ls.positions import Span

PATH_FUNCTIONS = {
    "django.urls.path": "path",
    "django.urls.conf.path": "path",
    "django.urls.re_path": "re_path",
    "django.urls.conf.re_path": "re_path",
    "django.conf.urls.url": "re_path",  # removed in Django 4.0, still in older projects
}
INCLUDE_FUNCTIONS = frozenset({"django.urls.include", "django.urls.conf.include", "django.conf.urls.include"})
# `format_suffix_patterns(urlpatterns)` keeps every pattern (and adds `.json`-style variants).
PASS_THROUGH = frozenset({"rest_framework.urlpatterns.format_suffix_patterns"})

# The order Django's View.http_method_names lists them in.
HTTP_METHODS = ("get", "post", "put", "patch", "delete", "head", "options", "trace")

REQUIRE = "django.views.decorators.http."
# Decorators that restrict a function view to some methods (`require_http_methods` takes a list).
METHOD_DECORATORS = {
    REQUIRE + "require_GET": ("GET",),
    REQUIRE + "require_POST": ("POST",),
    REQUIRE + "require_safe": ("GET", "HEAD"),
}
REQUIRE_HTTP_METHODS = REQUIRE + "require_http_methods"
# Wrappers a URLconf can put around a view without changing which function answers.
TRANSPARENT_WRAPPERS = frozenset(
    {
        "django.contrib.auth.decorators.login_required",
        "django.contrib.auth.decorators.permission_required()",
        "django.contrib.auth.decorators.user_passes_test()",
        "django.contrib.admin.views.decorators.staff_member_required",
        "django.views.decorators.csrf.csrf_exempt",
        "django.views.decorators.csrf.csrf_protect",
        "django.views.decorators.csrf.ensure_csrf_cookie",
        "django.views.decorators.cache.never_cache",
        "django.views.decorators.cache.cache_page()",
        "django.views.decorators.clickjacking.xframe_options_exempt",
        "django.views.decorators.gzip.gzip_page",
    }
)

# Django's class-based views: the HTTP methods each one defines (its bases included).
_GENERIC = "django.views.generic."
_FORM = ("get", "post", "put")  # ProcessFormView maps PUT to POST
KNOWN_VIEWS: dict[str, tuple[str, ...]] = {
    _GENERIC + "View": (),
    _GENERIC + "TemplateView": ("get",),
    _GENERIC + "RedirectView": ("get", "post", "put", "patch", "delete", "head", "options"),
    _GENERIC + "ListView": ("get",),
    _GENERIC + "DetailView": ("get",),
    _GENERIC + "FormView": _FORM,
    _GENERIC + "CreateView": _FORM,
    _GENERIC + "UpdateView": _FORM,
    _GENERIC + "DeleteView": ("get", "post", "delete"),
    _GENERIC + "ArchiveIndexView": ("get",),
    _GENERIC + "YearArchiveView": ("get",),
    _GENERIC + "MonthArchiveView": ("get",),
    _GENERIC + "WeekArchiveView": ("get",),
    _GENERIC + "DayArchiveView": ("get",),
    _GENERIC + "TodayArchiveView": ("get",),
    _GENERIC + "DateDetailView": ("get",),
    "django.contrib.auth.views.LoginView": _FORM,
    "django.contrib.auth.views.PasswordChangeView": _FORM,
    "django.contrib.auth.views.PasswordResetView": _FORM,
    "django.contrib.auth.views.PasswordResetConfirmView": _FORM,
    "django.contrib.auth.views.PasswordChangeDoneView": ("get",),
    "django.contrib.auth.views.PasswordResetDoneView": ("get",),
    "django.contrib.auth.views.PasswordResetCompleteView": ("get",),
}
_GENERIC_MODULES = ("base", "list", "detail", "edit", "dates")


def known_view_name(qualname: str) -> str:
    """The one spelling of a Django view class: `django.views.generic.edit.CreateView` and
    `django.views.View` become `django.views.generic.CreateView` / `django.views.generic.View`."""
    if qualname == "django.views.View" or qualname == "django.views.generic.base.View":
        return _GENERIC + "View"
    for module in _GENERIC_MODULES:
        prefix = f"{_GENERIC}{module}."
        if qualname.startswith(prefix):
            return _GENERIC + qualname[len(prefix):]
    return qualname


# --- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """A dotted name as written in a module, with its import path when its first name is imported
    (`views.user_list` after `from . import views` -> ".views.user_list"); None: a name of the module."""

    dotted: str
    symbol: str | None


@dataclass(frozen=True)
class ViewRef:
    """The view a URL pattern names."""

    ref: Ref  # the function, or the class before `.as_view`
    as_view: bool
    # `ViewSet.as_view({"get": "list"})`: HTTP method (lower case) -> action; None without a mapping.
    actions: tuple[tuple[str, str], ...] | None
    # Methods a wrapper in the URLconf allows (`require_POST(views.f)`); None: no restriction.
    methods: tuple[str, ...] | None
    span: Span


@dataclass(frozen=True)
class Include:
    """What `include(...)` names: a module by its dotted name, a name (a module object, a list of
    patterns, `router.urls`), or patterns written in place."""

    module: str | None = None
    ref: Ref | None = None
    patterns: tuple = ()  # of UrlPattern / Splice


@dataclass(frozen=True)
class UrlPattern:
    """`path(route, view)` / `re_path(regex, view)`; the view or an include."""

    kind: str  # "path", "re_path"
    route: PathPart  # for re_path the regex with its ^ and $ anchors stripped
    route_value: Value | None
    view: ViewRef | None
    include: Include | None
    span: Span


@dataclass(frozen=True)
class Splice:
    """Another list's patterns taken in place: `urlpatterns += router.urls`, `[*api_patterns]`."""

    ref: Ref


@dataclass(frozen=True)
class DjangoFacts:
    # Module-level lists of URL patterns by variable name, as they stand at the end of the module.
    pattern_lists: tuple[tuple[str, tuple[UrlPattern | Splice, ...]], ...] = ()
    routers: tuple = ()  # drf.DrfRouter
    registrations: tuple = ()  # drf.RouterRegistration
    root_urlconf: Value | None = None  # `ROOT_URLCONF = "config.urls"`
    # The `REST_FRAMEWORK` settings dict (entries with string keys; later assignments win); None
    # when the module does not assign it.
    rest_framework: tuple[tuple[str, Value], ...] | None = None

    def patterns(self, name: str) -> tuple | None:
        for list_name, entries in self.pattern_lists:
            if list_name == name:
                return entries
        return None

    @property
    def url_part(self) -> tuple:
        """What other modules' routes depend on (for the index's change detection)."""
        return (self.pattern_lists, self.routers, self.registrations, self.root_urlconf)


def django_facts(module, walk: Walk) -> DjangoFacts | None:
    from backend_ls.facts.drf import registrations_in, routers_in

    scope = walk.module_scope or Scope(dict(walk.imports))
    lists = _PatternLists(walk.imports, scope).collect(module)
    routers, registrations = routers_in(walk), registrations_in(walk)
    root_urlconf, rest_framework = _settings(walk)
    if not (lists or routers or registrations or root_urlconf or rest_framework is not None):
        return None
    return DjangoFacts(tuple(lists.items()), tuple(routers), tuple(registrations), root_urlconf, rest_framework)


def ref_of(imports: dict[str, str], dotted: str) -> Ref:
    first, _, rest = dotted.partition(".")
    imported = imports.get(first)
    if imported is None:
        return Ref(dotted, None)
    return Ref(dotted, f"{imported}.{rest}" if rest else imported)


def _settings(walk: Walk) -> tuple[Value | None, tuple[tuple[str, Value], ...] | None]:
    root_urlconf = None
    rest_framework: dict[str, Value] | None = None
    for assignment in walk.assignments:
        if assignment.function is not None or assignment.class_name is not None:
            continue
        if assignment.target == "ROOT_URLCONF":
            root_urlconf = assignment.value
        elif assignment.target == "REST_FRAMEWORK":
            rest_framework = {
                key.literal: value for key, value in assignment.value.items if isinstance(key.literal, str)
            }
        elif assignment.key is not None and assignment.target.startswith("REST_FRAMEWORK["):
            rest_framework = {**(rest_framework or {}), assignment.key: assignment.value}
    return root_urlconf, tuple(rest_framework.items()) if rest_framework is not None else None


def _module_statements(node):
    """Module-level statements, those in `if` / `try` / `with` blocks included (an
    `if settings.DEBUG:` block adds patterns too)."""
    for child in node.children:
        if child.type == "simple_stmt":
            yield from (c for c in child.children if c.type != "newline" and c != ";")
        elif child.type in ("if_stmt", "try_stmt", "with_stmt"):
            for part in child.children:
                if part.type in ("suite", "simple_stmt"):
                    yield from _module_statements(part)
        elif child.type not in ("funcdef", "classdef", "decorated", "async_stmt", "newline", "endmarker"):
            yield child


class _PatternLists:
    """Reads the module-level lists of URL patterns, statement by statement."""

    def __init__(self, imports: dict[str, str], scope: Scope):
        self.imports = imports
        self.scope = scope
        self.lists: dict[str, tuple] = {}

    def collect(self, module) -> dict[str, tuple]:
        for stmt in _module_statements(module):
            if stmt.type == "expr_stmt":
                self.statement(stmt)
            elif stmt.type in ("power", "atom_expr"):
                self.method_call(stmt)
        return {name: entries for name, entries in self.lists.items() if _holds_patterns(name, entries)}

    def statement(self, stmt) -> None:
        children = stmt.children
        if len(children) == 2 and children[1].type == "annassign" and len(children[1].children) == 4:
            target, operator, value = children[0], "=", children[1].children[-1]
        elif len(children) == 3:
            target, operator, value = children
            operator = getattr(operator, "value", "")
        else:
            return
        if target.type != "name" or operator not in ("=", "+="):
            return
        name = target.value
        if operator == "+=":
            entries = self.entries(value, spliced=True)
            if name in self.lists and entries is not None:
                self.lists[name] = self.lists[name] + entries
            return
        entries = self.entries(value, spliced=name == "urlpatterns")
        if entries is None:
            self.lists.pop(name, None)  # rebound to something that is not a list of patterns
        else:
            self.lists[name] = entries

    def method_call(self, node) -> None:
        """`urlpatterns.append(path(...))` / `urlpatterns.extend([...])`."""
        base, trailers = trailers_of(node)
        if base.type != "name" or base.value not in self.lists or len(trailers) != 2:
            return
        method, call = trailers
        if method.children[0] != "." or call.children[0] != "(" or len(call.children) != 3:
            return
        argument = call.children[1]
        if argument.type in ("arglist", "argument"):
            return
        if method.children[1].value == "append":
            entry = self.entry(argument)
            added = (entry,) if entry is not None else ()
        elif method.children[1].value == "extend":
            added = self.entries(argument, spliced=True) or ()
        else:
            return
        self.lists[base.value] = self.lists[base.value] + added

    # -- expressions --------------------------------------------------------------------------
    def entries(self, node, spliced: bool = False) -> tuple | None:
        """The patterns an expression evaluates to, or None when it is not a list of patterns.
        A name stands for another list's patterns where patterns are expected (`spliced`), or when
        it is a router's `urls`."""
        if node.type == "atom" and node.children[0] in ("[", "("):
            return tuple(entry for entry in map(self.entry, _elements(node)) if entry is not None)
        if node.type == "arith_expr":
            if any(operator != "+" for operator in node.children[1::2]):
                return None
            pieces = [self.entries(operand, spliced=True) for operand in node.children[0::2]]
            # `+ static(...)` and other calls add patterns without a view of the workspace: skipped.
            return tuple(entry for piece in pieces if piece is not None for entry in piece)
        dotted = dotted_text(node)
        if dotted is not None:
            if dotted in self.lists:  # a list of this module, as it stands now
                return self.lists[dotted]
            if spliced or dotted.endswith(".urls"):
                return (Splice(ref_of(self.imports, dotted)),)
            return None
        call = self.call(node)
        if call is not None and call[0] in PASS_THROUGH and call[1]:
            return self.entries(call[1][0], spliced=True)
        return None

    def entry(self, node) -> UrlPattern | Splice | None:
        if node.type == "star_expr":
            dotted = dotted_text(node.children[1])
            return Splice(ref_of(self.imports, dotted)) if dotted else None
        call = self.call(node)
        if call is None or call[0] not in PATH_FUNCTIONS:
            return None
        qualname, args, keywords = call
        kind = PATH_FUNCTIONS[qualname]
        route_node = args[0] if args else keywords.get("route", keywords.get("regex"))
        view_node = args[1] if len(args) > 1 else keywords.get("view")
        if view_node is None:
            return None
        include = self.include(view_node)
        view = None if include is not None else self.view(view_node)
        if include is None and view is None:
            return None  # a view that cannot be followed (`views.factory()`): nothing to keep
        route_value = value_of(route_node, self.scope) if route_node is not None else None
        route = _route_part(route_value, kind, "include" if include is not None else "route")
        return UrlPattern(kind, route, route_value, view, include, span_of(node))

    def include(self, node) -> Include | None:
        call = self.call(node)
        if call is None or call[0] not in INCLUDE_FUNCTIONS:
            return None
        _, args, keywords = call
        target = args[0] if args else keywords.get("arg")
        return self.include_target(target) if target is not None else Include()

    def include_target(self, node) -> Include:
        if node.type == "string" or node.type == "strings":
            value = value_of(node, self.scope)
            return Include(module=value.literal) if isinstance(value.literal, str) else Include()
        if node.type == "atom" and node.children[0] == "(":  # include((patterns, "app_name"))
            elements = _elements(node)
            return self.include_target(elements[0]) if elements else Include()
        if node.type == "atom" and node.children[0] == "[":
            return Include(patterns=self.entries(node) or ())
        dotted = dotted_text(node)
        if dotted is not None:
            if dotted in self.lists:
                return Include(patterns=self.lists[dotted])
            return Include(ref=ref_of(self.imports, dotted))
        return Include()  # built at run time: nothing can be followed

    def view(self, node, methods: tuple[str, ...] | None = None) -> ViewRef | None:
        dotted = dotted_text(node)
        if dotted is not None:
            return ViewRef(ref_of(self.imports, dotted), False, None, methods, span_of(node))
        base, trailers = trailers_of(node)
        if not trailers or trailers[-1].children[0] != "(":
            return None
        # `Class.as_view(...)`
        if len(trailers) >= 2 and trailers[-2].children[0] == "." and trailers[-2].children[1].value == "as_view":
            dotted = dotted_text(_Partial(base, trailers[:-2]))
            if dotted is None:
                return None
            actions = _actions(trailers[-1])
            return ViewRef(ref_of(self.imports, dotted), True, actions, methods, span_of(node))
        # A wrapper around the view: `login_required(views.f)`, `require_POST(views.f)`.
        call = self.call(node)
        if call is None or len(call[1]) != 1 or call[2]:
            return None
        qualname, args, _ = call
        restriction = _wrapper_methods(qualname, node, self.scope)
        if restriction is None and qualname not in TRANSPARENT_WRAPPERS:
            return None
        if restriction is not None:
            methods = restriction if methods is None else tuple(m for m in methods if m in restriction)
        return self.view(args[0], methods)

    def call(self, node):
        """(qualified name of the callee, positional argument nodes, keyword nodes by name)."""
        if node.type not in ("power", "atom_expr"):
            return None
        base, trailers = trailers_of(node)
        if not trailers or trailers[-1].children[0] != "(":
            return None
        callee = base if len(trailers) == 1 else _Partial(base, trailers[:-1])
        qualname = self.scope.resolve(callee)
        if qualname is None:
            return None
        args, keywords = _call_arguments(trailers[-1])
        return qualname, args, keywords


def _holds_patterns(name: str, entries: tuple) -> bool:
    """Worth keeping: `urlpatterns`, or a list with a pattern or a router's URLs in it."""
    return name == "urlpatterns" or any(
        isinstance(entry, UrlPattern) or entry.ref.dotted.endswith(".urls") for entry in entries
    )


class _Partial:
    type = "atom_expr"

    def __init__(self, base, trailers):
        self.children = [base, *trailers]


def _elements(node) -> list:
    if len(node.children) != 3:
        return []
    inner = node.children[1]
    if inner.type in ("testlist_comp", "exprlist", "testlist"):
        if any(child.type in ("sync_comp_for", "comp_for") for child in inner.children):
            return []
        return [child for child in inner.children if child != ","]
    return [inner]


def _call_arguments(trailer) -> tuple[list, dict]:
    arguments = Arguments(trailer)
    unknown = arguments.star or arguments.double_star or arguments.odd
    if unknown:  # arguments we cannot line up (or a half-typed `f(a.b = x)`)
        return [], {"**": unknown[0]}
    return [node for node in arguments.positional if node not in arguments.generators], arguments.keywords


def _actions(trailer) -> tuple[tuple[str, str], ...] | None:
    """The `{"get": "list"}` mapping given to a viewset's `as_view`."""
    args, keywords = _call_arguments(trailer)
    mapping = args[0] if args else keywords.get("actions")
    if mapping is None or mapping.type != "atom" or mapping.children[0] != "{":
        return None
    value = value_of(mapping, Scope({}))
    pairs = tuple(
        (key.literal.lower(), action.literal)
        for key, action in value.items
        if isinstance(key.literal, str) and isinstance(action.literal, str)
    )
    return pairs if len(pairs) == len(value.items) and pairs else None


def _wrapper_methods(qualname: str, node, scope: Scope) -> tuple[str, ...] | None:
    if qualname in METHOD_DECORATORS:
        return METHOD_DECORATORS[qualname]
    if qualname == REQUIRE_HTTP_METHODS + "()":  # require_http_methods([...])(view)
        base, trailers = trailers_of(node)
        args, _ = _call_arguments(trailers[-2])
        if args:
            return _method_list(value_of(args[0], scope))
    return None


def _route_part(value: Value | None, kind: str, origin: str) -> PathPart:
    if value is None:
        return PathPart(None, None, origin)
    text = value.literal if value.kind == "str" and isinstance(value.literal, str) else None
    if text is not None and kind == "re_path":
        text = strip_anchors(text)
    return PathPart(text, value.span, origin)


def strip_anchors(regex: str) -> str:
    if regex.startswith("^"):
        regex = regex[1:]
    if regex.endswith("$") and not regex.endswith("\\$"):
        regex = regex[:-1]
    return regex


def _method_list(value: Value | None) -> tuple[str, ...] | None:
    if value is None or not isinstance(value.literal, (list, tuple)):
        return None
    if not all(isinstance(method, str) for method in value.literal):
        return None
    # Django compares each entry with request.method as it is: "get" lets nothing through.
    return tuple(dict.fromkeys(method for method in value.literal if method == method.upper()))


# --- function views ------------------------------------------------------------------------------


# Calls by span of the last few modules asked about; the facts object itself is kept with its
# table, so an id is never mistaken for another module's.
_CALLS_BY_SPAN: dict[int, tuple[ModuleFacts, dict]] = {}
_CALLS_KEPT = 32


def decorator_call(facts: ModuleFacts, decorator: Value):
    """The call a decorator expression makes (`@require_http_methods([...])`), from the facts."""
    entry = _CALLS_BY_SPAN.get(id(facts))
    if entry is None or entry[0] is not facts:
        if len(_CALLS_BY_SPAN) >= _CALLS_KEPT:
            _CALLS_BY_SPAN.pop(next(iter(_CALLS_BY_SPAN)), None)
        entry = (facts, {call.span: call for call in facts.calls})
        _CALLS_BY_SPAN[id(facts)] = entry
    return entry[1].get(decorator.span)


def function_view_methods(facts: ModuleFacts, function: Function) -> tuple[str, ...] | None:
    """The methods Django's `require_*` decorators let through to a function view; None: any.
    Stacked decorators each filter, so what passes is what they all allow."""
    allowed: tuple[str, ...] | None = None
    for decorator in function.decorators:
        qualname = decorator.qualname or ""
        methods: tuple[str, ...] | None = METHOD_DECORATORS.get(qualname)
        if qualname == REQUIRE_HTTP_METHODS + "()":
            call = decorator_call(facts, decorator)
            methods = _method_list(call.args[0] if call and call.args else None)
            if methods is None:
                return ()  # restricted, but to what cannot be told
        if methods is not None:
            allowed = methods if allowed is None else tuple(m for m in allowed if m in methods)
    return allowed
