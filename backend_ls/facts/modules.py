"""What kind of module a file is: a test, a development-only module, a settings module.

Judged from the path (relative to the project root when it is known, so the folders above the
project say nothing) and, for Django settings, from the names a module assigns.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath, PurePosixPath

from backend_ls.facts.model import ModuleFacts

TEST_FOLDERS = frozenset({"test", "tests", "testing"})
TEST_STEMS = frozenset({"conftest", "test", "tests"})  # `tests.py` is Django's default test module
# Words that mark a module as meant for a developer's machine or a test run, never a deployment.
DEVELOPMENT_WORDS = frozenset({"dev", "develop", "development", "local", "test", "tests", "testing"})
# Names only a Django settings module assigns at its top level.
DJANGO_SETTINGS_NAMES = frozenset(
    {"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "MIDDLEWARE_CLASSES", "WSGI_APPLICATION", "ASGI_APPLICATION"}
)
_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=1024)  # asked by several checks of every statement of every module
def _parts(path: str, root: str | None = None) -> tuple[str, ...]:
    pure = PurePath(path)
    if root:
        try:
            pure = pure.relative_to(PurePath(root))
        except ValueError:
            pass
    return PurePosixPath(pure.as_posix()).parts


def _stem_words(parts: tuple[str, ...]) -> list[str]:
    if not parts:
        return []
    stem = parts[-1].rsplit(".", 1)[0].lower()
    return [word for word in _WORD.split(stem) if word]


def is_test_module(path: str, root: str | None = None) -> bool:
    """test_*.py, *_test.py, conftest.py, tests.py, or anything inside a test folder."""
    parts = _parts(path, root)
    if not parts:
        return False
    stem = parts[-1].rsplit(".", 1)[0].lower()
    if stem in TEST_STEMS or stem.startswith("test_") or stem.endswith("_test"):
        return True
    return any(folder.lower() in TEST_FOLDERS for folder in parts[:-1])


def is_development_module(path: str, root: str | None = None) -> bool:
    """A test module, or a module named for development or a local machine: dev.py,
    development.py, local.py, settings_local.py, local_settings.py, test_settings.py."""
    if is_test_module(path, root):
        return True
    return any(word in DEVELOPMENT_WORDS for word in _stem_words(_parts(path, root)))


def is_settings_path(path: str, root: str | None = None) -> bool:
    """settings.py, *_settings.py, settings_*.py, or a module of a `settings/` package."""
    parts = _parts(path, root)
    if "settings" in _stem_words(parts):
        return True
    return len(parts) >= 2 and parts[-2].lower() == "settings"


def looks_like_django_settings(facts: ModuleFacts) -> bool:
    """The module assigns, at its top level, a name that only Django settings define."""
    return any(
        assignment.function is None and assignment.class_name is None and assignment.target in DJANGO_SETTINGS_NAMES
        for assignment in facts.assignments
    )


def is_settings_module(facts: ModuleFacts, root: str | None = None) -> bool:
    return is_settings_path(facts.path, root) or looks_like_django_settings(facts)
