"""SEC002: a login, token, sign-up, password-reset or one-time-code endpoint with no rate limit."""

from __future__ import annotations

from backend_ls.facts.model import Route
from backend_ls.rules.base import Rule
from backend_ls.rules.security.policy import (
    Evidence,
    empty,
    matches,
    path_matches,
    words,
    write_methods,
)

# A credential is submitted with these; a GET of a login page only renders a form.
SUBMIT_METHODS = ("POST", "PUT", "PATCH")
# Calls in a handler or hook body that limit the rate (`limiter.hit(...)`, `check_rate_limit()`);
# stricter than the decorator words, since `query.limit(1)` limits rows, not requests.
BODY_LIMITS = ("ratelimit", "rate_limit", "rate_limiter", "limiter", "throttle")


class AuthWithoutRateLimit(Rule):
    code = "SEC002"
    scope = "statement"

    def check(self, context):
        evidence = Evidence(context)
        seen = set()
        for route in context.routes:
            if route.anchor in seen or not any(m in SUBMIT_METHODS for m in write_methods(context.facts, route)):
                continue
            if not sensitive(route, context.settings.rate_limited_paths) or rate_limited(evidence, route):
                continue
            seen.add(route.anchor)
            where = f" on `{route.path}`" if route.path is not None else ""
            yield self.finding(
                route.anchor,
                f"`{route.handler}`{where} takes credentials or codes with no rate limit, so they can be "
                "guessed by brute force; limit it (a limiter decorator, a DRF throttle or an app-wide "
                "default limit).",
            )


def sensitive(route: Route, entries) -> bool:
    """A path (or a handler name) with the words of a login, token, sign-up, password-reset or
    one-time-code endpoint."""
    if path_matches(route, entries):
        return True
    return matches(words(route.handler), [entry for entry in entries if not entry.startswith("/")])


def rate_limited(evidence: Evidence, route: Route) -> bool:
    limits = evidence.settings.rate_limit_decorators
    function = evidence.handler(route)
    names = evidence.decorator_names(evidence.here, function.decorators) if function is not None else []
    if evidence.named(names, limits) or evidence.named(evidence.class_names(route, ("dispatch", "post")), limits):
        return True
    targets = evidence.route_dependencies(route)
    if targets is None:  # `dependencies=` we cannot read
        return True
    if any(evidence.guarded_dependency(evidence.here, target, False, limits) for target, _ in targets):
        return True  # fastapi-limiter: `Depends(RateLimiter(times=5, seconds=60))`
    if function is not None and evidence.parameters_guarded(evidence.here, function, limits):
        return True
    if evidence.hook_checks(route, BODY_LIMITS, auth=False):
        return True
    if function is not None and evidence.body_checks(evidence.here, function, BODY_LIMITS, None, auth=False):
        return True
    if route.framework == "drf":
        throttled = drf_throttled(evidence, route)
        if throttled is not None:
            return throttled
    if exempt(names):
        return False  # `@limiter.exempt`: the app-wide limits do not apply
    return evidence.default_limits


def exempt(names: list[str]) -> bool:
    return any("exempt" in words(name) and any(w.startswith("limit") for w in words(name)) for name in names)


def drf_throttled(evidence: Evidence, route: Route) -> bool | None:
    """DRF throttles: the view's `throttle_classes` (an empty list switches them off) or
    `throttle_scope`, else DEFAULT_THROTTLE_CLASSES; None when DRF has none to apply."""
    for option in route.view_options:
        if option.name == "throttle_scope":
            return True
        if option.name == "throttle_classes":
            return not empty(option.value)
    for defaults in evidence.rest_framework:
        value = defaults.get("DEFAULT_THROTTLE_CLASSES")
        if value is not None and not empty(value):
            return True
    return None
