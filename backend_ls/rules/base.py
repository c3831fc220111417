"""What a check is and what it produces."""

from __future__ import annotations

import dataclasses
import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Iterator

from backend_ls.positions import Span

if TYPE_CHECKING:
    from backend_ls.rules.context import RuleContext
    from backend_ls.rules.documents import RuleDocument


class Applicability(enum.IntEnum):
    """How far a fix can be trusted; ordered, so `>= SAFE` reads naturally."""

    DISPLAY_ONLY = 0
    UNSAFE = 1  # changes behaviour or needs a migration: offered, never applied in bulk
    SAFE = 2

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True)
class Edit:
    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    title: str
    applicability: Applicability
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Related:
    path: str
    span: Span
    message: str


@dataclass(frozen=True)
class Finding:
    code: str
    span: Span
    message: str
    fix: Fix | None = None
    related: tuple[Related, ...] = ()
    rule: str = ""  # filled in by the engine from the rule's document
    # The engine fills it in from the settings, else from the rule's document; a rule may set it to
    # override its document's default for one finding (SEC006: an error when credentials are allowed
    # too). A severity the user configured for the code always wins.
    severity: str = ""


class Rule:
    """One check. Subclasses set `code` and implement `check`; the prose lives in the document
    beside the module (same stem, `.md`), attached by the registry as `document`."""

    code: ClassVar[str]
    document: ClassVar["RuleDocument"]
    # "statement": the check's findings on a module are the union of its findings on groups of
    # top-level statements (backend_ls/statement_checks.py), so the editor re-runs it on the
    # statements a keystroke changed only. "module": it reads across statements.
    scope: ClassVar[str] = "module"

    def check(self, context: "RuleContext") -> Iterator[Finding]:
        raise NotImplementedError

    def inputs(self, context: "RuleContext") -> object | None:
        """For a module check on the editor's path: everything its findings depend on, as a value
        compared with == from one analysis of a document to the next; while it is equal, the
        findings of the last analysis are kept. None (the default): the check runs every time."""
        return None

    def finding(self, span: Span, message: str, fix: Fix | None = None, related=(), severity: str = "") -> Finding:
        return Finding(self.code, span, message, fix, tuple(related), severity=severity)

    def as_reported(self, finding: Finding, configured_severity: str | None) -> Finding:
        """The finding with its rule's id, and the severity the user configured for the code, else
        the one the check set, else its document's."""
        severity = configured_severity or finding.severity or self.document.severity
        return dataclasses.replace(finding, rule=self.document.id, severity=severity)


@dataclass
class RuleSet:
    """The rules the registry found, with their documents and what went wrong loading them."""

    rules: dict[str, Rule] = field(default_factory=dict)
    areas: dict[str, "RuleDocument"] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def document(self, code: str) -> "RuleDocument | None":
        rule = self.rules.get(code)
        return rule.document if rule is not None else None
