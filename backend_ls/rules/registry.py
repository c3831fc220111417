"""Finding the rules: the built-in packages, then the `backend_ls.rules` entry-point group.

Nothing keeps a hand-written list: a built-in rule is a module in one of the area packages with a
`Rule` subclass and a Markdown document of the same stem beside it.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import re
from functools import lru_cache
from importlib.metadata import entry_points
from pathlib import Path

from backend_ls.rules.base import Rule, RuleSet
from backend_ls.rules.documents import RuleDocumentError, load_document

log = logging.getLogger(__name__)

AREA_PACKAGES = ("api", "security", "database", "performance", "services")
AREAS_DIRECTORY = Path(__file__).parent / "areas"
ENTRY_POINT_GROUP = "backend_ls.rules"
CODE_PATTERN = re.compile(r"^[A-Z]{1,6}[0-9]{3,4}$")


@lru_cache(maxsize=1)
def load_rules() -> RuleSet:
    ruleset = RuleSet()
    for path in sorted(AREAS_DIRECTORY.glob("*.md")):
        try:
            document = load_document(path, check=False)
        except RuleDocumentError as error:
            ruleset.errors.append(str(error))
            continue
        ruleset.areas[document.id] = document
    for area in AREA_PACKAGES:
        package = importlib.import_module(f"backend_ls.rules.{area}")
        for info in pkgutil.iter_modules(package.__path__):
            module_name = f"{package.__name__}.{info.name}"
            try:
                module = importlib.import_module(module_name)
            except Exception as error:  # a broken rule must not take the others down
                ruleset.errors.append(f"{module_name}: cannot be imported: {error}")
                continue
            for rule_class in _rule_classes(module):
                _add(ruleset, rule_class, Path(module.__file__).with_suffix(".md"))
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            rule_class = entry_point.load()
        except Exception as error:
            ruleset.errors.append(f"plugin {entry_point.name}: cannot be loaded: {error}")
            continue
        module = inspect.getmodule(rule_class)
        default = Path(module.__file__).with_suffix(".md") if module and module.__file__ else None
        _add(ruleset, rule_class, Path(getattr(rule_class, "document_path", default)))
    for error in ruleset.errors:
        log.error("%s", error)
    return ruleset


def _rule_classes(module):
    for _, value in inspect.getmembers(module, inspect.isclass):
        if issubclass(value, Rule) and value is not Rule and value.__module__ == module.__name__:
            yield value


def _add(ruleset: RuleSet, rule_class: type[Rule], document_path: Path) -> None:
    code = getattr(rule_class, "code", None)
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        ruleset.errors.append(f"{rule_class.__qualname__}: code {code!r} is not like 'API001'")
        return
    if code in ruleset.rules:
        ruleset.errors.append(f"{rule_class.__qualname__}: code {code} is taken already")
        return
    try:
        document = load_document(document_path, check=True)
    except RuleDocumentError as error:
        ruleset.errors.append(f"{code} is disabled: {error}")
        return
    if document.code != code:
        ruleset.errors.append(f"{code} is disabled: its document {document_path} says code {document.code}")
        return
    rule_class.document = document
    ruleset.rules[code] = rule_class()
