"""Findings -> LSP diagnostics, each carrying in `data` what its code actions need.

Diagnostics are built as JSON (the wire format), serialised, and memoised per finding: on a
keystroke most findings are the ones of the last version, and building and serialising hundreds of
diagnostics again costs more than the analysis itself.

What is sent carries in `data` the fix's edits only, and only for a finding that has a fix: the
server keeps the whole `data` (the rule, the ignore-comment edit) on its own copy, which code
actions read (server.py, `_published_twin`). Sending it all made every publish 70% heavier (1.2 MB
for the 1,657 diagnostics of a 10,000-line module, which the editor decodes on every keystroke).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from itertools import compress, count
from operator import itemgetter
from typing import NamedTuple

from lsprotocol import types
from pygls.uris import from_fs_path, to_fs_path

from backend_ls.facts import positions_replaced
from backend_ls.positions import to_lsp_range
from backend_ls.rules.base import Finding, RuleSet
from backend_ls.suppressions import ignore_edit

SEVERITY = {"error": 1, "warning": 2, "information": 3, "hint": 4}


def lsp_range(data: dict) -> types.Range:
    return types.Range(
        start=types.Position(**data["start"]),
        end=types.Position(**data["end"]),
    )


def document_href(ruleset: RuleSet, code: str, docs_url: str | None) -> str:
    document = ruleset.document(code)
    if docs_url:
        return f"{docs_url.rstrip('/')}/{document.id if document else code}"
    return document.uri if document else ""


class DiagnosticBuilder:
    """Builds the JSON of diagnostics for one document, reusing those of unchanged findings."""

    def __init__(self):
        # Kept findings are the very same objects from one analysis to the next
        # (backend_ls/statement_checks.py), so they are looked up by id, without hashing.
        self._memo: dict[int, _Built] = {}
        # The JSON of the last diagnostics built, comma-separated, in UTF-8: what is sent, as the
        # inside of an array (a 10,000-line module's is 0.9 MB, and each copy of it costs 0.4 ms).
        self.serialised = b""
        self._findings: list[Finding] = []  # what they were built from
        self._result: list[dict] = []  # ... the diagnostics built, in the same order
        self._texts: list[bytes] = []  # ... and their JSON
        self._lines: list[str] | None = None  # ... and from which lines
        self._options: tuple | None = None
        self._readers: dict[int, list[int]] = {}  # line number -> ids of the findings read from it

    def build(self, findings, lines: list[str], ruleset: RuleSet, docs_url, encoding: str, uri: str) -> list[dict]:
        path = to_fs_path(uri) or uri
        options = (docs_url, encoding)
        before, memo = self._lines, self._memo
        stale = None
        if before is not None and len(before) == len(lines) and options == self._options:
            # As many lines as the last time: the diagnostics of kept findings stand unless they
            # were read from a line the edit replaced (an editor's document keeps the objects of
            # the others), so most are not looked at (1,657 of them at 10,000 lines).
            stale = set()
            for position in _lines_replaced(before, lines):
                stale.update(self._readers.get(position + 1, ()))
        else:
            memo = {}  # every finding's entry is checked, and only theirs are kept
        if stale is not None and len(findings) == len(self._findings):
            # As many findings as the last time: where the same finding is at the same place, and
            # was not read from a replaced line, its diagnostic is the one there last time. Only
            # the other places are looked at (most of 1,442 findings at 10,000 lines are not).
            places = positions_replaced(self._findings, findings)
            if stale:
                places = set(places).union(compress(count(), map(stale.__contains__, map(id, findings))))
            result, texts = self._result[:], self._texts[:]
        else:
            places = range(len(findings))
            result, texts = [None] * len(findings), [b""] * len(findings)
        for place in places:
            finding = findings[place]
            entry = self._memo.get(id(finding))
            if stale is None or entry is None or entry.finding is not finding or id(finding) in stale:
                entry = self._checked(finding, entry, lines, ruleset, options, uri, path)
                memo[id(finding)] = entry
            result[place] = entry.diagnostic
            texts[place] = entry.text
        if stale is None or len(memo) > 2 * len(findings) + 64:
            # Kept findings keep their ids; those of findings gone are let go now and then.
            if stale is not None:
                memo = {id(finding): memo[id(finding)] for finding in findings}
            self._readers = {}
            for key, entry in memo.items():
                self._read_from(key, entry)
        self._memo, self._findings, self._lines, self._options = memo, findings, lines, options
        self._result, self._texts = result, texts
        self.serialised = b",".join(texts)
        return result

    def _checked(self, finding, entry, lines, ruleset, options, uri, path) -> "_Built":
        """A finding's entry: the one kept when the lines it was read from are the same, else new."""
        count = len(lines)
        if entry is None or entry.finding is not finding or entry.options != options:
            entry = self._equal(finding, options)
        if entry is None:
            read = _reader(_lines_of(finding, path))
        else:
            read = entry.read
        if read.last > count:
            touched = tuple(lines[n - 1] if 0 < n <= count else "" for n in read.numbers)
        else:
            touched = read.lines(lines)
        if entry is not None and entry.touched == touched:
            if entry.finding is not finding:
                entry = entry._replace(finding=finding)
                self._read_from(id(finding), entry)
            return entry
        diagnostic = diagnostic_json(finding, lines, ruleset, options[0], options[1], uri, path)
        text = json.dumps(_sent(diagnostic), separators=(",", ":")).encode("utf-8")
        entry = _Built(finding, read, touched, options, diagnostic, text)
        self._read_from(id(finding), entry)
        return entry

    def _equal(self, finding, options) -> "_Built | None":
        """The entry of an equal finding read from the line it starts on: a statement checked again
        gives most of its findings again, as new objects."""
        for key in self._readers.get(finding.span.start_line, ()):
            entry = self._memo.get(key)
            if entry is not None and entry.options == options and entry.finding == finding:
                return entry
        return None

    def _read_from(self, key: int, entry: "_Built") -> None:
        for number in entry.read.numbers:
            self._readers.setdefault(number, []).append(key)

    def adopt(self, findings) -> None:
        """Take `findings` as the ones last built, where they are equal to them: the editor checks
        a document statement by statement right after its first analysis, which gives the same
        findings as other objects, and those are what the next keystrokes keep (building the
        diagnostics of a 10,000-line module again cost its first keystroke 35 ms)."""
        before = self._findings
        if len(before) != len(findings):
            return
        memo = self._memo
        for old, new in zip(before, findings):
            entry = memo.get(id(old))
            if entry is not None and old is not new and old == new:
                memo[id(new)] = entry = entry._replace(finding=new)
                self._read_from(id(new), entry)


def _lines_replaced(before: list[str], now: list[str], block: int = 256) -> list[int]:
    """Where two lists of as many lines hold other lines, found a block at a time: slices whose
    text is the same are skipped in one comparison in C (0.26 -> 0.05 ms at 10,000 lines, where an
    edit replaces one)."""
    found: list[int] = []
    for start in range(0, len(now), block):
        old, new = before[start : start + block], now[start : start + block]
        if old != new:
            found.extend(start + position for position in positions_replaced(old, new))
    return found


class _Built(NamedTuple):
    """A finding's diagnostic, and what it was built from."""

    finding: Finding  # kept, so its id is not reused while it is the key
    read: "_Reader"  # the lines it is computed from
    touched: object  # their text, as `read.lines` gives it
    options: tuple  # docs URL, position encoding
    diagnostic: dict
    text: bytes  # serialised


class _Reader(NamedTuple):
    numbers: tuple[int, ...]  # 1-based
    last: int  # past the end of the text: read the lines one by one
    lines: itemgetter  # the text of those lines from a list of lines, in one call in C


def _reader(numbers: tuple[int, ...]) -> _Reader:
    # A one-line getter returns the line, not a 1-tuple: `touched` is compared only with what the
    # same getter returned, or with a tuple when a line is missing (never equal then).
    last = max(numbers) if min(numbers) >= 1 else 1 << 62  # no line 0: always the careful way
    return _Reader(numbers, last, itemgetter(*(n - 1 for n in numbers)))


def _sent(diagnostic: dict) -> dict:
    sent = {key: value for key, value in diagnostic.items() if key != "data"}
    fix = diagnostic["data"]["fix"]
    if fix is not None:
        sent["data"] = {"fix": fix}
    return sent


def _lines_of(finding: Finding, path: str) -> tuple[int, ...]:
    """The lines whose text a finding's diagnostic is computed from (its own file only)."""
    numbers = {finding.span.start[0], finding.span.end[0]}
    if finding.fix is not None:
        for edit in finding.fix.edits:
            numbers.update((edit.span.start[0], edit.span.end[0]))
    for related in finding.related:
        if _same_file(related.path, path):
            numbers.update((related.span.start[0], related.span.end[0]))
    return tuple(sorted(numbers))


def diagnostic_json(finding: Finding, lines, ruleset: RuleSet, docs_url, encoding: str, uri: str, path: str) -> dict:
    ignore = ignore_edit(lines, finding.span.start[0], finding.code)
    fix = None
    if finding.fix is not None:
        fix = {
            "title": finding.fix.title,
            "safety": finding.fix.applicability.label,
            "edits": [
                {"range": to_lsp_range(lines, edit.span, encoding), "newText": edit.new_text}
                for edit in finding.fix.edits
            ],
        }
    diagnostic = {
        "range": to_lsp_range(lines, finding.span, encoding),
        "message": finding.message,
        "severity": SEVERITY.get(finding.severity, 2),
        "code": finding.code,
        "codeDescription": {"href": document_href(ruleset, finding.code, docs_url)},
        "source": "backend-ls",
        "data": {
            "rule": finding.rule,
            "ignore": {"range": to_lsp_range(lines, ignore.span, encoding), "newText": ignore.new_text},
            "fix": fix,
        },
    }
    if finding.related:
        diagnostic["relatedInformation"] = [
            {
                "location": {
                    "uri": uri if _same_file(r.path, path) else (from_fs_path(r.path) or r.path),
                    "range": to_lsp_range(lines if _same_file(r.path, path) else _file_lines(r.path), r.span, encoding),
                },
                "message": r.message,
            }
            for r in finding.related
        ]
    return diagnostic


def _same_file(one: str, other: str) -> bool:
    return one == other or os.path.abspath(one) == os.path.abspath(other)


@lru_cache(maxsize=64)
def _file_lines_at(path: str, modified: float) -> tuple[str, ...]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return tuple(handle.read().splitlines(keepends=True))
    except OSError:
        return ()


def _file_lines(path: str) -> tuple[str, ...]:
    """Another file's lines, for the UTF-16 columns of related information that points there."""
    try:
        return _file_lines_at(path, os.stat(path).st_mtime)
    except OSError:
        return ()


def structured(diagnostics: list[dict], converter) -> list[types.Diagnostic]:
    """The typed form of published diagnostics, for the requests that read them."""
    return [converter.structure(diagnostic, types.Diagnostic) for diagnostic in diagnostics]
