"""SEC001: a route that changes data and lets anyone call it."""

from __future__ import annotations

from backend_ls.facts.model import Route, Value
from backend_ls.rules.base import Rule
from backend_ls.rules.security.policy import Evidence, path_matches, write_methods

ALLOW_ANY = "AllowAny"
# Guards whose names say nothing by their words.
AUTH_DECORATORS = frozenset({"starlette.authentication.requires()"})


class UnauthenticatedWrite(Rule):
    code = "SEC001"
    scope = "statement"

    def check(self, context):
        evidence = Evidence(context)
        settings = context.settings
        by_anchor: dict = {}
        for route in context.routes:
            methods = write_methods(context.facts, route)
            if not methods:
                continue
            public = path_matches(route, settings.public_paths)
            if public is None or public:
                continue  # meant to be open, or a path built at run time
            by_anchor.setdefault(route.anchor, []).append((route, methods))
        for anchor, entries in by_anchor.items():
            open_routes = [(route, methods) for route, methods in entries if not authenticated(evidence, route)]
            if not open_routes:
                continue
            route = open_routes[0][0]
            methods = sorted({m for _, found in open_routes for m in found}, key=("POST", "PUT", "PATCH", "DELETE").index)
            handlers = {r.handler for r, _ in open_routes}
            name = route.view_class if len(handlers) > 1 and route.view_class else route.handler
            yield self.finding(
                anchor,
                f"`{name}` accepts {'/'.join(methods)} on `{route.path}` from anyone; require an "
                "authenticated user (a login decorator, an auth dependency or a permission class), or add "
                "the path to `public-paths` if it is meant to be open.",
            )


def authenticated(evidence: Evidence, route: Route) -> bool:
    settings = evidence.settings
    decorators, dependencies = settings.auth_decorators, settings.auth_dependencies
    function = evidence.handler(route)
    if function is not None and evidence.named(evidence.decorator_names(evidence.here, function.decorators), decorators):
        return True
    if function is not None and any(d.qualname in AUTH_DECORATORS for d in function.decorators):
        return True
    if evidence.named(evidence.class_names(route), decorators):
        return True
    if evidence.named(evidence.urlconf_wrappers(route), decorators):
        return True
    targets = evidence.route_dependencies(route)
    if targets is None:  # `dependencies=` we cannot read: it may well authenticate
        return True
    if any(evidence.guarded_dependency(evidence.here, target, security, dependencies) for target, security in targets):
        return True
    if function is not None and evidence.parameters_guarded(evidence.here, function, dependencies):
        return True
    if evidence.hook_checks(route, (*decorators, *dependencies)):
        return True
    if function is not None and evidence.body_checks(evidence.here, function, decorators, evidence.context.lines):
        return True
    if route.framework in ("django", "drf") and evidence.login_middleware:
        return True
    if route.framework == "drf":
        return drf_guarded(evidence, route)
    return False


def drf_guarded(evidence: Evidence, route: Route) -> bool:
    """DRF checks `permission_classes` (the view's, else DEFAULT_PERMISSION_CLASSES, else AllowAny)."""
    if evidence.defines(route, "get_permissions") or evidence.defines(route, "check_permissions"):
        return True  # decided in code
    for option in route.view_options:
        if option.name == "permission_classes":
            return not lets_anyone_in(option.value)
    for defaults in evidence.rest_framework:
        value = defaults.get("DEFAULT_PERMISSION_CLASSES")
        if value is not None and not lets_anyone_in(value):
            return True
    return False


def lets_anyone_in(value: Value) -> bool:
    """An empty permission list, or one of `AllowAny` only; anything unreadable is taken as a guard."""
    if value.kind not in ("list", "tuple"):
        return False
    if value.literal is not None:
        names = [str(entry) for entry in value.literal]  # settings name classes by dotted strings
    else:
        if any(element.kind not in ("name", "attribute") for element in value.elements):
            return False  # `IsAuthenticated | IsAdminUser` and the like
        names = [element.qualname or element.text for element in value.elements]
    return all(name.rsplit(".", 1)[-1] == ALLOW_ANY for name in names)
