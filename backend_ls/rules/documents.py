"""Rule documents: Markdown with YAML front matter, the single source of a rule's prose.

The format is the seed's (Description, Rationale, Good Practice, Bad Practice); a check's document
adds `code`, `area`, `fix` and `frameworks` to the front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SEVERITIES = ("error", "warning", "information", "hint")
FIX_SAFETY = ("safe", "unsafe", "none")
COMMON_KEYS = (
    "id",
    "title",
    "description",
    "tags",
    "severity",
    "applies_to",
    "automation_potential",
    "suggested_tools",
    "related_rules",
)
CHECK_KEYS = ("code", "area", "fix", "frameworks")

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
_FIELD = re.compile(r"^\*\*(Description|Rationale):\*\*\s*(.+?)\s*$", re.M)
_EXAMPLE = re.compile(r"^###\s+(Good|Bad) Practice:?\s*\n+```python\n(.*?)^```", re.M | re.S)


class RuleDocumentError(ValueError):
    pass


@dataclass(frozen=True)
class RuleDocument:
    path: Path
    id: str
    title: str
    summary: str  # the front matter's one-line description
    severity: str
    description: str
    rationale: str
    good: str
    bad: str
    code: str | None  # None for the umbrella and area documents
    area: str | None
    fix: str | None
    frameworks: tuple[str, ...]
    tags: tuple[str, ...]
    related_rules: tuple[str, ...]
    # Optional `settings:` of the front matter: what the examples are checked with, for checks that
    # only run when configured (DB007 and `[tool.backend-ls.sharding]`).
    settings: dict | None = None

    @property
    def uri(self) -> str:
        return _file_uri(self.path)


@lru_cache(maxsize=256)
def _file_uri(path: Path) -> str:
    """Resolving a path asks the file system: every new diagnostic links its rule's document."""
    return path.resolve().as_uri()


def load_document(path: Path, *, check: bool) -> RuleDocument:
    """Read and validate one document; `check` documents must carry the check's keys."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RuleDocumentError(f"{path}: cannot be read: {error}") from error
    match = _FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if match is None:
        raise RuleDocumentError(f"{path}: no YAML front matter between '---' lines")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as error:
        raise RuleDocumentError(f"{path}: the front matter is not valid YAML: {error}") from error
    if not isinstance(meta, dict):
        raise RuleDocumentError(f"{path}: the front matter is not a mapping")
    required = COMMON_KEYS + (CHECK_KEYS if check else ())
    missing = [key for key in required if key not in meta]
    if missing:
        raise RuleDocumentError(f"{path}: the front matter lacks {', '.join(missing)}")
    body = match.group(2)
    fields = dict(_FIELD.findall(body))
    examples = dict(_EXAMPLE.findall(body))
    for name in ("Description", "Rationale"):
        if name not in fields:
            raise RuleDocumentError(f"{path}: no **{name}:** paragraph")
    for name in ("Good", "Bad"):
        if name not in examples:
            raise RuleDocumentError(f"{path}: no '### {name} Practice:' python code block")
    if check:
        if meta["severity"] not in SEVERITIES:
            raise RuleDocumentError(f"{path}: severity must be one of {', '.join(SEVERITIES)}")
        if meta["fix"] not in FIX_SAFETY:
            raise RuleDocumentError(f"{path}: fix must be one of {', '.join(FIX_SAFETY)}")
    if not isinstance(meta.get("settings") or {}, dict):
        raise RuleDocumentError(f"{path}: settings must be a mapping of setting names to values")
    return RuleDocument(
        path=path,
        id=str(meta["id"]),
        title=str(meta["title"]),
        summary=str(meta["description"]),
        severity=str(meta["severity"]),
        description=fields["Description"],
        rationale=fields["Rationale"],
        good=examples["Good"],
        bad=examples["Bad"],
        code=meta.get("code"),
        area=meta.get("area"),
        fix=meta.get("fix"),
        frameworks=tuple(meta.get("frameworks") or ()),
        tags=tuple(meta.get("tags") or ()),
        related_rules=tuple(meta.get("related_rules") or ()),
        settings=meta.get("settings") or None,
    )
