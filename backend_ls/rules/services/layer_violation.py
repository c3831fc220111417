"""SVC005: a model, service, repository or crud module that depends on the web layer."""

from __future__ import annotations

import re
from pathlib import PurePath, PurePosixPath

from backend_ls.facts.imports import Import
from backend_ls.facts.modules import is_test_module
from backend_ls.rules.base import Rule

# What a module is, from its name or the package it sits in.
LAYER_STEMS = {
    "models": "model", "model": "model",
    "services": "service", "service": "service",
    "repositories": "repository", "repository": "repository", "repos": "repository", "repo": "repository",
    "crud": "crud", "dal": "repository",
}
LAYER_SUFFIXES = {
    "_models": "model", "_model": "model", "_services": "service", "_service": "service",
    "_repositories": "repository", "_repository": "repository", "_repo": "repository", "_crud": "crud",
}
LAYER_FOLDERS = {"models": "model", "services": "service", "repositories": "repository", "crud": "crud"}

# The request and response objects of the frameworks.
WEB_NAMES = frozenset(
    {"flask.request", "fastapi.Request", "fastapi.requests.Request", "starlette.requests.Request"}
)
WEB_PACKAGES = ("django.http", "rest_framework.request", "rest_framework.response")
# Modules of the project that hold routes or views.
WEB_MODULE = re.compile(r"^(views|routes|routers|endpoints|controllers|\w+_views|\w+_routes)$")


class LayerViolation(Rule):
    code = "SVC005"

    def check(self, context):
        facts = context.facts
        root = context.settings.root
        if is_test_module(facts.path, root):
            return
        layer = _layer(facts.path, root)
        if layer is None and facts.models and not facts.routes and not context.routes:
            layer = "model"  # it defines models and serves no routes, whatever its name
        if layer is None:
            return
        by_statement: dict = {}
        for entry in facts.import_statements:
            if _web_framework(entry) or _project_web_module(entry, facts.path, root, context.index):
                by_statement.setdefault(entry.statement, []).append(entry)
        for statement, entries in by_statement.items():
            names = ", ".join(f"`{entry.qualname}`" for entry in entries)
            yield self.finding(
                statement,
                f"This {layer} module imports the web layer ({names}); pass in the values it needs "
                "and let the route handlers deal with requests and responses.",
            )


def _parts(path: str, root: str | None) -> tuple[str, ...]:
    pure = PurePath(path)
    if root:
        try:
            pure = pure.relative_to(PurePath(root))
        except ValueError:
            pass
    return PurePosixPath(pure.as_posix()).parts


def _layer(path: str, root: str | None) -> str | None:
    parts = _parts(path, root)
    if not parts or not parts[-1].endswith(".py"):
        return None
    stem = parts[-1][:-3].lower()
    if stem in LAYER_STEMS:
        return LAYER_STEMS[stem]
    for suffix, layer in LAYER_SUFFIXES.items():
        if stem.endswith(suffix):
            return layer
    for folder in reversed(parts[:-1]):
        if folder.lower() in LAYER_FOLDERS:
            return LAYER_FOLDERS[folder.lower()]
    return None


def _web_framework(entry: Import) -> bool:
    qualname = entry.qualname
    return qualname in WEB_NAMES or any(qualname == p or qualname.startswith(p + ".") for p in WEB_PACKAGES)


def _project_web_module(entry: Import, path: str, root: str | None, index) -> bool:
    """An import of (something in) a routes or views module of this project."""
    # `from shop.views import checkout`, `from shop import views`, `from . import routes`.
    pieces = entry.qualname.lstrip(".").split(".")
    if not any(WEB_MODULE.match(piece) for piece in pieces):
        return False
    if entry.qualname.startswith("."):
        return True  # a relative import is the project's by definition
    if index is not None:
        for cut in range(len(pieces), 0, -1):
            if ".".join(pieces[:cut]) in index.by_name:
                return True
    # Without the workspace: an absolute import from the package this module is in.
    return pieces[0] in _parts(path, root)[:-1]
