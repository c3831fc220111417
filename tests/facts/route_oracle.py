"""What Django itself serves for a fixture project: run with an interpreter that has Django (and
DRF) installed, never by backend-ls. Prints a JSON array of [method, path, view] rows.

    python tests/facts/route_oracle.py tests/fixtures/django_project mysite.settings

It loads the project's ROOT_URLCONF through Django's own resolver and reads each view's methods
from the objects Django built: a class-based view's methods are the handlers its class has
(`options` only when the project defines it, `head` only when a class defines it, the way
backend-ls lists them), a DRF viewset's are the router's method -> action mapping, and a function
view's are found by calling it with each method and seeing which ones are refused with 405
(all of them accepted: "ANY"). `view` is the routed function or class as "module.qualname".
The paths are written like backend-ls writes them: the pieces concatenated, regex anchors dropped.
"""

from __future__ import annotations

import json
import os
import sys

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE")


def _piece(pattern) -> str:
    text = str(pattern)
    if pattern.__class__.__name__ == "RegexPattern":
        text = text.removeprefix("^").removesuffix("$")
    return text


def _walk(patterns, prefix: str, names: tuple):
    from django.urls import URLResolver

    for pattern in patterns:
        here = prefix + _piece(pattern.pattern)
        groups = names + tuple(getattr(pattern.pattern, "converters", {}) or ()) + tuple(
            pattern.pattern.regex.groupindex
        )
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, here, groups)
        else:
            yield "/" + here, pattern.callback, groups


def _framework_default(cls, name: str) -> bool:
    from django.views import View

    defaults = [View]
    try:
        from rest_framework.views import APIView

        defaults.append(APIView)
    except ImportError:
        pass
    return any(getattr(cls, name) is getattr(base, name, None) for base in defaults)


def _methods(callback, groups) -> list[tuple[str, str]]:
    """(METHOD, routed view) pairs."""
    actions = getattr(callback, "actions", None)
    cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if actions:  # a DRF viewset behind a router or `as_view({...})`
        name = f"{cls.__module__}.{cls.__qualname__}"
        return [(method.upper(), name) for method in actions]
    if cls is not None and cls.__qualname__ != "WrappedAPIView":
        name = f"{cls.__module__}.{cls.__qualname__}"
        found = []
        for method in cls.http_method_names:
            if not hasattr(cls, method) or (method == "options" and _framework_default(cls, method)):
                continue
            found.append((method.upper(), name))
        return found
    if cls is not None:  # @api_view: the function sits in WrappedAPIView's handlers
        allowed = [m.upper() for m in cls.http_method_names if m != "options" and hasattr(cls, m)]
        target = _api_view_function(callback)
        return [(method, target) for method in allowed]
    return _probe(callback, groups)


def _api_view_function(callback) -> str:
    handler = next(getattr(callback.cls, m) for m in callback.cls.http_method_names if m != "options")
    inner = handler.__closure__[0].cell_contents  # the decorated function
    return f"{inner.__module__}.{inner.__qualname__}"


def _probe(callback, groups) -> list[tuple[str, str]]:
    from django.test import RequestFactory

    inner = callback
    while hasattr(inner, "__wrapped__"):
        inner = inner.__wrapped__
    name = f"{inner.__module__}.{inner.__qualname__}"
    factory = RequestFactory()
    allowed = []
    for method in METHODS:
        request = factory.generic(method, "/")
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        try:
            response = callback(request, **{group: "1" for group in groups})
            refused = response.status_code == 405
        except Exception:  # the view ran (and failed without a database): the method got in
            refused = False
        if not refused:
            allowed.append(method)
    if len(allowed) == len(METHODS):
        return [("ANY", name)]
    return [(method, name) for method in allowed]


def main(project: str, settings: str) -> None:
    sys.dont_write_bytecode = True  # leave the fixture as it is
    sys.path.insert(0, os.path.abspath(project))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    import importlib

    # The probes run views that query; an in-memory database keeps the fixture free of files.
    importlib.import_module(settings).DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    }
    import django

    django.setup()
    from django.urls import get_resolver

    rows = []
    for path, callback, groups in _walk(get_resolver().url_patterns, "", ()):
        module = getattr(callback, "__module__", "") or ""
        if module.startswith(("django.", "rest_framework.")) and not hasattr(callback, "cls") and not hasattr(
            callback, "view_class"
        ):
            continue  # the admin and the like: no handler in the project
        for method, view in _methods(callback, groups):
            if view.startswith(("django.", "rest_framework.")):
                continue
            rows.append([method, path, view])
    json.dump(rows, sys.stdout, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
