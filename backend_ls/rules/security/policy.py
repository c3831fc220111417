"""What guards a route: evidence of authentication (SEC001) and of rate limiting (SEC002).

Evidence is read from facts only: the handler's decorators and its class (decorators, bases,
`decorators = [...]`), FastAPI dependencies at route, router, `include_router` and app level, the
`before_request` hooks above the route, DRF policy attributes and the `REST_FRAMEWORK` defaults,
Django URLconf wrappers and middleware. Names are compared by words (`login_required` ->
"login", "required"), so project-specific decorators such as `@admin_login_required` count too;
the word lists are settings. Where something cannot be read (a `dependencies=` given as a
variable, a `permission_classes` computed at run time), it counts as evidence: precision first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import cached_property, lru_cache

from backend_ls.facts.model import ClassDef, Function, ModuleFacts, Route, Value
from backend_ls.statement_checks import whole_module

_SPLIT = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")
# A decorator or dependency whose name says it lifts a check (`login_not_required`, `jwt_optional`,
# `limiter.exempt`) is not evidence of one.
NEGATIONS = frozenset({"not", "no", "optional", "exempt", "skip", "without", "public", "anonymous", "allow", "any"})
DEPENDS = frozenset({"fastapi.Depends()", "fastapi.params.Depends()", "fastapi.param_functions.Depends()"})
SECURITY = frozenset({"fastapi.Security()", "fastapi.params.Security()", "fastapi.param_functions.Security()"})
# Objects that route or register: their decorators are the route, not a guard of it.
ROUTERS = ("flask.Flask()", "flask.Blueprint()", "fastapi.FastAPI()", "fastapi.APIRouter()")
DRF_DECORATORS = "rest_framework.decorators."
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
LIMITERS = frozenset(
    {"flask_limiter.Limiter", "flask_limiter.extension.Limiter", "slowapi.Limiter", "slowapi.extension.Limiter"}
)
LIMITER_DEFAULT_KEYWORDS = ("default_limits", "application_limits")
LIMITER_CONFIG_KEYS = frozenset({"RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION"})
LOGIN_MIDDLEWARE = "django.contrib.auth.middleware.LoginRequiredMiddleware"
# Said in a hook or handler body, these check who is calling.
AUTH_MENTION = re.compile(
    r"\b(is_authenticated|is_anonymous|current_user|get_jwt_identity|verify_jwt_in_request|has_perms?|"
    r"Authorization|HTTP_401\w*|HTTP_403\w*|PermissionDenied|NotAuthenticated)\b"
)
AUTH_STATUSES = (401, 403)
MAX_DEPTH = 4


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _SPLIT.split(text) if word)


def words(text: str) -> list[str]:
    """`get_current_user` -> get, current, user; `LoginRequiredMixin` -> login, required, mixin."""
    return list(_words(text))


def matches(name_words: list[str], entries) -> bool:
    """Whether one of the entries' words appear in order, next to each other, in `name_words`
    (a plural counts: "webhook" matches `webhooks`)."""
    return _matches(tuple(name_words), tuple(entries))


@lru_cache(maxsize=16384)  # asked for the same names and lists on every keystroke
def _matches(name_words: tuple[str, ...], entries: tuple[str, ...]) -> bool:
    # Only the entries whose first word is a word of the name (or its singular) are tried at it:
    # the lists are long, and a workspace's checks asked every entry at every word of every name.
    by_first = _entries_by_first_word(entries)
    count = len(name_words)
    for start, have in enumerate(name_words):
        candidates = by_first.get(have, ())
        if have.endswith("s"):
            candidates = (*candidates, *by_first.get(have[:-1], ()))
        for wanted in candidates:
            if start + len(wanted) > count:
                continue
            window = name_words[start:start + len(wanted)]
            if all(have == want or have == want + "s" for have, want in zip(window, wanted)):
                return True
    return False


@lru_cache(maxsize=256)
def _entries_by_first_word(entries: tuple[str, ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The words of each entry with any, by the entry's first word."""
    found: dict[str, list[tuple[str, ...]]] = {}
    for entry in entries:
        wanted = _words(entry)
        if wanted:
            found.setdefault(wanted[0], []).append(wanted)
    return {first: tuple(words) for first, words in found.items()}


def negated(name_words: list[str]) -> bool:
    return any(word in NEGATIONS for word in name_words)


def dotted_name(value: Value) -> str:
    """`limiter.limit("5/minute")` -> "limiter.limit"."""
    return value.text.split("(", 1)[0].strip()


def path_words(route: Route) -> list[str] | None:
    """The words of the static segments of a route's full path (parameters left out); None when
    part of the path is built at run time."""
    path = route.path
    if path is None:
        return None
    found = []
    for segment in path.split("/"):
        if not segment or segment.startswith(("<", "{", "(", "^", "?")) or ":" in segment:
            continue
        found.extend(words(segment))
    return found


def path_matches(route: Route, entries) -> bool | None:
    """An entry starting with "/" is a glob over the full path; any other, words of the path."""
    path = route.path
    if path is None:
        return None
    if any(entry.startswith("/") and fnmatch(path, entry) for entry in entries):
        return True
    return matches(path_words(route) or [], [entry for entry in entries if not entry.startswith("/")])


def write_methods(facts: ModuleFacts, route: Route) -> tuple[str, ...]:
    """The methods of a route that change things. A Django function view open to every method
    counts when it has a branch only a write method reaches (`if request.method == "POST":`)."""
    if route.methods is None:
        return ()
    if route.methods != ("ANY",):
        return tuple(method for method in route.methods if method in WRITE_METHODS)
    function = facts.functions.get(route.handler)
    if function is None or function.end is None:
        return ()
    found: list[str] = []
    for branch in facts.method_branches:
        inside = function.def_span.start <= branch.span.start and branch.span.end <= function.end
        if not inside or branch.allows("GET"):
            continue
        methods = ("POST",) if branch.negated else tuple(m for m in WRITE_METHODS if branch.allows(m))
        found.extend(m for m in methods if m not in found)
    return tuple(found)


@dataclass(frozen=True)
class Place:
    """Facts of a module and its path (None: the module being checked)."""

    facts: ModuleFacts
    module: str | None


class Evidence:
    """Answers "is this route guarded" for one module being checked."""

    def __init__(self, context):
        self.context = context
        self.facts: ModuleFacts = context.facts
        self.settings = context.settings
        self.index = context.index
        self.here = Place(self.facts, None)

    # -- the workspace ---------------------------------------------------------------------------
    @cached_property
    def own_path(self) -> str | None:
        """The index's key for the module being checked."""
        own = self.index.module_of(self.facts.path) if self.index is not None else None
        return own.path if own is not None else None

    def place_of(self, module: str | None) -> Place | None:
        if module is None or module == self.own_path:
            return self.here  # the module being checked: its current facts, not the index's
        if self.index is None:
            return None
        indexed = self.index.module_of(module)
        return Place(indexed.facts, indexed.path) if indexed is not None else None

    def resolve(self, place: Place, qualname: str | None) -> tuple[Place, str] | None:
        """The module and name an imported dotted name stands for."""
        if self.index is None or not qualname or "(" in qualname:
            return None
        key = self.index.resolve(place.module or self.facts.path, qualname)
        if key is None:
            return None
        target = self.place_of(key[0])
        return (target, key[1]) if target is not None else None

    @cached_property
    def all_facts(self) -> list[ModuleFacts]:
        """The module's facts and, with an index, every other module's: for module-level settings
        (a statement check reads its module's whole)."""
        return [whole_module(self.facts), *self.other_facts]

    @cached_property
    def other_facts(self) -> list[ModuleFacts]:
        if self.index is None:
            return []
        return [m.facts for path, m in sorted(self.index.modules.items()) if path != self.own_path]

    @cached_property
    def rest_framework(self) -> list[dict[str, Value]]:
        from backend_ls.facts.drf import rest_framework_defaults

        found = []
        for facts in self.all_facts:
            defaults = rest_framework_defaults(facts)
            if defaults is not None:
                found.append(defaults)
        return found

    # -- names -------------------------------------------------------------------------------------
    def route_decorator(self, decorator: Value) -> bool:
        qualname = decorator.qualname or ""
        return qualname.startswith(ROUTERS) or qualname.startswith(DRF_DECORATORS)

    def decorator_names(self, place: Place, decorators) -> list[str]:
        """Dotted names of decorators, and of the functions a wrapping decorator is given
        (`@method_decorator(login_required)`)."""
        names = []
        for decorator in decorators:
            if self.route_decorator(decorator):
                continue
            names.append(dotted_name(decorator))
            if decorator.kind == "call":
                call = place.facts.call_at(decorator.span)
                for argument in call.args if call is not None else ():
                    if argument.kind in ("name", "attribute", "call"):
                        names.append(dotted_name(argument))
                    for element in argument.elements:
                        names.append(dotted_name(element))
        return names

    def named(self, names, entries) -> bool:
        for name in names:
            name_words = words(name)
            if matches(name_words, entries) and not negated(name_words):
                return True
        return False

    # -- the handler and its class ------------------------------------------------------------------
    def handler(self, route: Route) -> Function | None:
        return self.facts.functions.get(route.handler)

    def class_lineage(self, place: Place, name: str, depth: int = 0) -> list[tuple[Place, ClassDef]]:
        """A class and its bases found in the workspace, nearest first."""
        definition = place.facts.classes.get(name)
        if definition is None or depth > MAX_DEPTH:
            return []
        found = [(place, definition)]
        for base in definition.bases:
            if base.kind == "name" and base.text in place.facts.classes:
                found += self.class_lineage(place, base.text, depth + 1)
                continue
            target = self.resolve(place, base.qualname)
            if target is not None:
                found += self.class_lineage(target[0], target[1], depth + 1)
        return found

    def view_class(self, route: Route) -> str | None:
        if route.view_class is not None:
            return route.view_class
        function = self.handler(route)
        if function is not None and function.class_name is not None:
            return function.class_name
        if "." in route.handler:
            return route.handler.rsplit(".", 1)[0]
        return None

    def class_names(self, route: Route, method_names: tuple[str, ...] = ("dispatch",)) -> list[str]:
        """Names that guard every method of the route's class: its bases, class decorators,
        Flask's `decorators = [...]`, and decorators of `dispatch`."""
        class_name = self.view_class(route)
        if class_name is None:
            return []
        names: list[str] = []
        for place, definition in self.class_lineage(self.here, class_name):
            names.extend(base.text for base in definition.bases)
            names.extend(self.decorator_names(place, definition.decorators))
            for assignment in place.facts.assignments:
                if assignment.class_name == definition.qualname and assignment.target == "decorators":
                    names.extend(dotted_name(element) for element in assignment.value.elements)
            for method in method_names:
                function = place.facts.functions.get(f"{definition.qualname}.{method}")
                if function is not None:
                    names.extend(self.decorator_names(place, function.decorators))
        return names

    def defines(self, route: Route, method: str) -> bool:
        class_name = self.view_class(route)
        if class_name is None:
            return False
        return any(
            f"{definition.qualname}.{method}" in place.facts.functions
            for place, definition in self.class_lineage(self.here, class_name)
        )

    def body_checks(self, place: Place, function: Function, entries, lines: list[str] | None, auth: bool = True) -> bool:
        """A function body that calls something named like one of the entries (`verify_jwt_in_request`,
        `auth.check_token`, `limiter.hit`); for authentication (`auth`) also `abort(401)`, strings
        such as "Authorization", and, when its source is at hand, mentions of `current_user`,
        `is_authenticated`, 401/403 statuses."""
        for call in place.facts.calls_in(function.qualname):
            if call.callee and self.named([call.callee], entries):
                return True
            if not auth:
                continue
            if call.method == "abort" and call.args and call.args[0].literal in AUTH_STATUSES:
                return True
            for value in (*call.args, *(v for _, v in call.keywords)):
                if isinstance(value.literal, str) and (
                    self.named([value.literal], entries) or matches(words(value.literal), ["unauthorized", "forbidden"])
                ):
                    return True
        if auth and lines is not None and function.end is not None:
            body = lines[function.def_span.start[0] - 1:function.end[0]]
            for line in body:
                code = line.split("#", 1)[0]
                if AUTH_MENTION.search(code) or re.search(r"\b(status(_code)?\s*=\s*|,\s*)40[13]\b", code):
                    return True
        return False

    # -- FastAPI dependencies ------------------------------------------------------------------------
    def dependency_targets(self, value: Value) -> list[tuple[str, bool]] | None:
        """(callable as written, given to `Security`) for each entry of a `dependencies=` argument;
        None when it cannot be read (a variable, an entry that is not `Depends(...)`)."""
        if value.kind not in ("list", "tuple"):
            return None
        if value.literal is not None:
            return []  # an empty list
        found = []
        for element in value.elements:
            if element.kind != "call" or element.qualname not in DEPENDS | SECURITY:
                return None
            found.append((_first_argument(element.text), element.qualname in SECURITY))
        return found

    def parameter_targets(self, place: Place, value: Value) -> list[tuple[Place, str, bool]]:
        """The dependencies a parameter's default or annotation declares: `= Depends(f)`,
        `Annotated[User, Depends(f)]`, or an alias of such an annotation (with where it is)."""
        if value.kind == "call" and value.qualname in DEPENDS | SECURITY:
            return [(place, _first_argument(value.text), value.qualname in SECURITY)]
        if value.kind == "name":
            return self.alias_targets(place, value)
        return [(place, target, marker == "Security") for marker, target in _MARKED.findall(value.text)]

    def guarded_dependency(self, place: Place, target: str, security: bool, entries, depth: int = 0) -> bool:
        """A dependency that authenticates: given to `Security`, named like one, an instance of a
        `fastapi.security` scheme, or a function of the workspace that depends on one itself."""
        if security:
            return True
        if not target or depth > MAX_DEPTH:
            return False
        if self.named([target], entries):
            return True
        base = target.split("(", 1)[0]
        for assignment in place.facts.assignments:
            if assignment.function is None and assignment.target == base:
                if (assignment.value.qualname or "").startswith("fastapi.security."):
                    return True
        function = place.facts.functions.get(base)
        if function is None:
            first, _, rest = base.partition(".")
            qualname = place.facts.imports.get(first)
            if qualname is not None and rest:
                qualname = f"{qualname}.{rest}"
            if qualname is not None and qualname.startswith("fastapi.security."):
                return True
            resolved = self.resolve(place, qualname)
            if resolved is None:
                return False
            place, name = resolved
            function = place.facts.functions.get(name)
            if function is None:
                return False
        return self.parameters_guarded(place, function, entries, depth + 1)

    def parameters_guarded(self, place: Place, function: Function, entries, depth: int = 0) -> bool:
        for parameter in function.parameters:
            for value in (parameter.default, parameter.annotation):
                if value is None:
                    continue
                targets = self.parameter_targets(place, value)
                if any(self.guarded_dependency(where, t, s, entries, depth) for where, t, s in targets):
                    return True
            annotation = parameter.annotation
            if annotation is not None and annotation.kind in ("name", "attribute") and self.named([annotation.text], entries):
                return True  # `user: CurrentUser`, an alias whose definition is out of sight
        return False

    def alias_targets(self, place: Place, value: Value) -> list[tuple[Place, str, bool]]:
        """The dependencies of an annotation alias: `CurrentUser = Annotated[User, Depends(...)]`."""
        where, name = place, value.text
        if not any(a.function is None and a.target == name for a in whole_module(place.facts).assignments):
            resolved = self.resolve(place, value.qualname)
            if resolved is None:
                return []
            where, name = resolved
        for assignment in whole_module(where.facts).assignments:
            if assignment.function is None and assignment.target == name:
                return [(where, t, m == "Security") for m, t in _MARKED.findall(assignment.value.text)]
        return []

    def route_dependencies(self, route: Route) -> list[tuple[str, bool]] | None:
        """Every dependency of the route's own, routers' and app's `dependencies=`; None when one
        of them cannot be read."""
        found = []
        for value in (*route.inherited_dependencies, *route.dependencies):
            targets = self.dependency_targets(value)
            if targets is None:
                return None
            found.extend(targets)
        return found

    # -- hooks -----------------------------------------------------------------------------------------
    def hook_checks(self, route: Route, entries, auth: bool = True) -> bool:
        for hook in route.hooks:
            place = self.place_of(hook.module)
            if place is None:
                continue
            function = place.facts.functions.get(hook.function)
            if function is None:
                continue
            lines = self.context.lines if place is self.here else None
            names = [function.name, *self.decorator_names(place, function.decorators)]
            if self.named(names, entries) or self.body_checks(place, function, entries, lines, auth):
                return True
        return False

    # -- Django URLconf wrappers -------------------------------------------------------------------------
    def urlconf_wrappers(self, route: Route) -> list[str]:
        """Names of the functions a URLconf wraps this view in: `path("x/", login_required(views.f))`."""
        if self.index is None or route.framework not in ("django", "drf"):
            return []
        from backend_ls.django_routes import url_table

        own = self.index.module_of(self.facts.path)
        if own is None:
            return []
        names = []
        for endpoint in url_table(self.index).endpoints.get(own.path, ()):
            if endpoint.view is None or endpoint.name != (route.view_class or route.handler):
                continue
            source = self.place_of(endpoint.source)
            if source is None:
                continue
            view_span = endpoint.view.span
            for call in source.facts.calls:
                if call.function is None and call.callee and call.span.start <= view_span.start and view_span.end <= call.span.end and call.span != view_span:
                    names.append(call.callee)
        return names

    @cached_property
    def default_limits(self) -> bool:
        """Rate limits for every route set anywhere in the workspace (asked once per check)."""
        # A limiter may be made in a function body (an app factory): asked as a module-wide value.
        return self.context.module_wide(default_limits) or any(default_limits(facts) for facts in self.other_facts)

    @cached_property
    def login_middleware(self) -> bool:
        """Django's LoginRequiredMiddleware (5.1) in a settings module's MIDDLEWARE."""
        for facts in self.all_facts:
            for assignment in facts.assignments:
                if assignment.function is None and assignment.target in ("MIDDLEWARE", "MIDDLEWARE_CLASSES"):
                    literal = assignment.value.literal
                    if isinstance(literal, (list, tuple)) and LOGIN_MIDDLEWARE in literal:
                        return True
        return False


def default_limits(facts: ModuleFacts) -> bool:
    """Flask-Limiter / slowapi limits for every route: `Limiter(..., default_limits=[...])`, or the
    `RATELIMIT_DEFAULT` / `RATELIMIT_APPLICATION` configuration."""
    for call in facts.calls:
        if call.qualname in LIMITERS:
            for keyword in LIMITER_DEFAULT_KEYWORDS:
                value = call.keyword(keyword)
                if value is not None and not empty(value):
                    return True
        if (call.callee or "").endswith((".config.update", ".config.from_mapping")):
            if any(name in LIMITER_CONFIG_KEYS for name, _ in call.keywords):
                return True
    for assignment in facts.assignments:
        name = assignment.key if assignment.key is not None else assignment.target.rsplit(".", 1)[-1]
        if name in LIMITER_CONFIG_KEYS and not empty(assignment.value):
            return True
    return False


def empty(value: Value) -> bool:
    """`None`, `[]`, `()` or `""`: nothing configured."""
    if value.kind == "none":
        return True
    return value.kind in ("list", "tuple", "str") and value.literal is not None and len(value.literal) == 0


_MARKED = re.compile(r"\b(Depends|Security)\(\s*([\w.]+(?:\([^()]*\))?)?")


def _first_argument(text: str) -> str:
    match = re.match(r"^[\w.]+\(\s*(?:dependency\s*=\s*)?([\w.]+(?:\([^()]*\))?)?", text)
    return (match.group(1) or "") if match else ""

